#include "column_limit.hpp"

#include "copy_text.hpp"

#include <boost/json.hpp>

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

// Whether the decimal text of an integer cell is within [lo, hi].
bool integer_within(std::string_view cell, int64_t lo, int64_t hi) {
    int64_t v = 0;
    return std::from_chars(cell.data(), cell.data() + cell.size(), v).ec == std::errc() && v >= lo && v <= hi;
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
    } else if (t == "uuid") {
        l.kind = ColumnLimit::Kind::Uuid;
    }
    return l;
}

ColumnLimit enum_limit(std::string_view labels_json) {
    ColumnLimit l;
    l.kind = ColumnLimit::Kind::Enum;
    const boost::json::value labels = boost::json::parse(labels_json);
    for (const boost::json::value& v : labels.as_array()) {
        OutBuffer label;
        append_copy_escaped(label, v.as_string());
        l.labels.push_back(label.str());
    }
    return l;
}

const char* limit_reason(const ColumnLimit& limit) noexcept {
    return limit.kind == ColumnLimit::Kind::Uuid || limit.kind == ColumnLimit::Kind::Enum ? kTypecast : kSizeLimit;
}

// As string_to_uuid in PostgreSQL's uuid.c: an optional '{', 16 pairs of hex digits with an optional '-' after each
// second pair but the last, the matching '}', nothing else.
bool uuid_text_valid(std::string_view t) noexcept {
    size_t i = 0;
    const bool braces = !t.empty() && t[0] == '{';
    if (braces) ++i;
    for (int pair = 0; pair < 16; ++pair) {
        if (i + 2 > t.size() || !std::isxdigit(static_cast<unsigned char>(t[i])) ||
            !std::isxdigit(static_cast<unsigned char>(t[i + 1])))
            return false;
        i += 2;
        if (i < t.size() && t[i] == '-' && pair % 2 == 1 && pair < 15) ++i;
    }
    if (braces) {
        if (i >= t.size() || t[i] != '}') return false;
        ++i;
    }
    return i == t.size();
}

bool numeric_fits(std::string_view s, int precision, int scale) {
    if (s == "NaN") return true;
    const connhost::sdk::DecimalShape d = connhost::sdk::decimal_shape(s);
    if (!d.finite) return false;  // Infinity, -Infinity, or no number
    // Digit k of the number's digits, the integer part's then the fraction's.
    const std::string_view ip = d.int_part, fp = d.frac_part;
    auto digit = [&](size_t k) { return k < ip.size() ? ip[k] : fp[k - ip.size()]; };
    const size_t total = ip.size() + fp.size();
    size_t lead = 0;
    while (lead < total && digit(lead) == '0') ++lead;
    if (lead == total) return true;  // zero
    // The value is 0.d1d2... x 10^point (d1 its first significant digit); rounding at `scale` decimals keeps
    // point + scale significant digits.
    const int64_t point = static_cast<int64_t>(ip.size()) - static_cast<int64_t>(lead) + d.exponent;
    const int64_t keep = point + scale;
    int64_t integer_digits = point;
    if (keep >= 0 && lead + static_cast<size_t>(keep) < total && digit(lead + static_cast<size_t>(keep)) >= '5') {
        bool nines = true;  // 9.995 at 2 decimals carries into 10.00
        for (size_t k = lead; k < lead + static_cast<size_t>(keep); ++k) nines = nines && digit(k) == '9';
        if (nines) ++integer_digits;
    }
    return std::max<int64_t>(integer_digits, 0) <= precision - scale;
}

bool fits(const ColumnLimit& limit, const connhost::sdk::Field& field, std::string_view cell, CopyFormat format) {
    // smallint, integer and real take no binary cells (binary_copy_type), so a table with one goes as COPY text.
    switch (limit.kind) {
        case ColumnLimit::Kind::None: return true;
        case ColumnLimit::Kind::Int16: return integer_within(cell, INT16_MIN, INT16_MAX);
        case ColumnLimit::Kind::Int32: return integer_within(cell, INT32_MIN, INT32_MAX);
        case ColumnLimit::Kind::Float4: return float4_fits(cell);
        case ColumnLimit::Kind::Chars: return chars_fit(cell, limit.chars, format);
        case ColumnLimit::Kind::Numeric: return numeric_fits(field.value, limit.precision, limit.scale);
        // Columns of these types take text cells only (binary_copy_type): a valid value's cell needs no escape.
        case ColumnLimit::Kind::Uuid: return uuid_text_valid(cell);
        case ColumnLimit::Kind::Enum:
            return std::find(limit.labels.begin(), limit.labels.end(), cell) != limit.labels.end();
    }
    return true;
}

}  // namespace pgdest
