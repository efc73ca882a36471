#include "column_limit.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace pgdest {

namespace {

// The n of "name(n)" / the p and s of "numeric(p,s)" after `prefix`; false when `t` has another form.
bool modifiers(std::string_view t, std::string_view prefix, int& a, int* b) {
    if (t.size() <= prefix.size() + 1 || t.substr(0, prefix.size()) != prefix || t.back() != ')') return false;
    std::string_view args = t.substr(prefix.size(), t.size() - prefix.size() - 1);
    const size_t comma = args.find(',');
    const std::string_view first = args.substr(0, comma);
    if (std::from_chars(first.data(), first.data() + first.size(), a).ec != std::errc() || a < 0) return false;
    if (!b) return comma == std::string_view::npos;
    if (comma == std::string_view::npos) return false;
    const std::string_view second = args.substr(comma + 1);
    return std::from_chars(second.data(), second.data() + second.size(), *b).ec == std::errc();
}

// The integer of a cell: decimal text, or binary bigint (8 bytes, big-endian).
bool cell_integer(std::string_view cell, CopyFormat format, int64_t& v) {
    if (format == CopyFormat::Binary) {
        if (cell.size() != 8) return false;
        uint64_t u = 0;
        for (char c : cell) u = u << 8 | static_cast<unsigned char>(c);
        v = static_cast<int64_t>(u);
        return true;
    }
    return std::from_chars(cell.data(), cell.data() + cell.size(), v).ec == std::errc();
}

// Whether the text cell's characters (text format: an escape pair is one) are at most n, or the rest all spaces.
bool chars_fit(std::string_view cell, uint32_t n, CopyFormat format) {
    uint32_t count = 0;
    for (size_t i = 0; i < cell.size(); ++i) {
        const unsigned char b = static_cast<unsigned char>(cell[i]);
        if ((b & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte
        if (count == n) return cell.find_first_not_of(' ', i) == std::string_view::npos;
        ++count;
        if (b == '\\' && format == CopyFormat::Text) ++i;
    }
    return true;
}

bool float4_fits(std::string_view cell) {
    const std::string text(cell);
    errno = 0;
    const float v = std::strtof(text.c_str(), nullptr);
    return errno != ERANGE || (v != 0.0f && !std::isinf(v));
}

}  // namespace

ColumnLimit column_limit(std::string_view t) {
    ColumnLimit l;
    int a = 0, b = 0;
    if (t == "smallint")
        l.kind = ColumnLimit::Kind::Int16;
    else if (t == "integer")
        l.kind = ColumnLimit::Kind::Int32;
    else if (t == "real")
        l.kind = ColumnLimit::Kind::Float4;
    else if (modifiers(t, "character varying(", a, nullptr) || modifiers(t, "character(", a, nullptr)) {
        l.kind = ColumnLimit::Kind::Chars;
        l.chars = static_cast<uint32_t>(a);
    } else if (modifiers(t, "numeric(", a, &b)) {
        l.kind = ColumnLimit::Kind::Numeric;
        l.precision = a;
        l.scale = b;
    }
    return l;
}

bool numeric_fits(std::string_view s, int precision, int scale) {
    if (s == "NaN") return true;
    size_t i = s.empty() || s[0] != '-' ? 0 : 1;
    std::string digits;  // every digit, leading zeros dropped
    int64_t point = 0;   // digits before the decimal point (after the leading zeros are dropped)
    bool fraction = false;
    for (; i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'); ++i) {
        if (s[i] == '.') {
            fraction = true;
        } else if (!digits.empty() || s[i] != '0') {
            digits.push_back(s[i]);
            if (!fraction) ++point;
        } else if (fraction) {
            --point;  // a zero between the point and the first significant digit
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        int64_t exponent = 0;
        std::string_view e = s.substr(i + 1 + (i + 1 < s.size() && s[i + 1] == '+'));
        if (std::from_chars(e.data(), e.data() + e.size(), exponent).ec != std::errc()) return false;
        point += exponent;
    } else if (i != s.size()) {
        return false;  // Infinity, -Infinity, or no number
    }
    if (digits.empty()) return true;  // zero
    // The value is 0.digits x 10^point; rounding at `scale` decimals keeps point + scale digits.
    const int64_t keep = point + scale;
    int64_t integer_digits = point;
    if (keep >= 0 && keep < static_cast<int64_t>(digits.size()) && digits[keep] >= '5' &&
        digits.find_first_not_of('9') >= static_cast<size_t>(keep))
        ++integer_digits;  // 9.995 at 2 decimals carries into 10.00
    return std::max<int64_t>(integer_digits, 0) <= precision - scale;
}

bool fits(const ColumnLimit& limit, const connhost::sdk::Field& field, std::string_view cell, CopyFormat format) {
    int64_t v = 0;
    switch (limit.kind) {
        case ColumnLimit::Kind::None: return true;
        case ColumnLimit::Kind::Int16: return cell_integer(cell, format, v) && v >= INT16_MIN && v <= INT16_MAX;
        case ColumnLimit::Kind::Int32: return cell_integer(cell, format, v) && v >= INT32_MIN && v <= INT32_MAX;
        case ColumnLimit::Kind::Float4: return format == CopyFormat::Binary || float4_fits(cell);
        case ColumnLimit::Kind::Chars: return chars_fit(cell, limit.chars, format);
        case ColumnLimit::Kind::Numeric: return numeric_fits(field.value, limit.precision, limit.scale);
    }
    return true;
}

}  // namespace pgdest
