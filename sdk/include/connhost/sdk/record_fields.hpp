// Record fields: a record's top-level members read without a DOM, every value as the exact bytes it
// came in (number text never converted), for destinations that map fields to columns.
//
// Input is expected to be valid JSON (the host validated it); malformed text still fails cleanly with
// std::invalid_argument naming the byte offset, and never reads out of bounds. Bare NaN / Infinity are not JSON
// and fail like any other malformed text (the host never passes them on).
#pragma once
#include <connhost/internal/json_scan.hpp>
#include <connhost/plugin_api.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

enum class FieldKind { String, Number, True, False, Null, Object, Array };

// One top-level member of a record's data object.
struct Field {
    std::string_view key;  // raw key text between the quotes (escapes not decoded)
    bool key_escaped;      // key holds a backslash: decode with json_unescape (json_slice.hpp)
    FieldKind kind;
    std::string_view value;  // String: raw text between the quotes; others: the exact value text
    bool value_escaped;      // String only: holds a backslash
};

static_assert(int(FieldKind::String) + 1 == CONNHOST_FIELD_STRING &&
                  int(FieldKind::Array) + 1 == CONNHOST_FIELD_ARRAY &&
                  int(internal::ValueKind::String) == CONNHOST_FIELD_STRING &&
                  int(internal::ValueKind::Array) == CONNHOST_FIELD_ARRAY,
              "FieldKind and ValueKind follow the CONNHOST_FIELD_* kinds, one less and equal");

namespace detail {

// The kind of the value starting with byte `c`.
inline FieldKind field_kind(char c) noexcept { return static_cast<FieldKind>(int(internal::value_kind(c)) - 1); }

}  // namespace detail

// Replaces `out` with the top-level members of the JSON object `json`, in input order (duplicates kept).
// Throws std::invalid_argument if `json` is not one object.
inline void scan_fields(std::string_view json, std::vector<Field>& out) {
    out.clear();
    internal::TrustedJsonScanner s(json);
    try {
        if (s.peek() != '{') s.fail("the record data is not a JSON object");
        s.object_members(
            [&](std::string_view key, bool key_escaped, char first, std::string_view value, bool value_escaped) {
                out.push_back({key, key_escaped, detail::field_kind(first), value, value_escaped});
            });
        s.expect_end();
    } catch (const internal::JsonSyntaxError& e) {
        throw std::invalid_argument("record data is not valid JSON: " + std::string(e.what()) + " at byte " +
                                    std::to_string(e.offset()));
    }
}

// Replaces `out` with the `count` members the host found in the record `json` (extension "connhost.record_fields/1",
// see RecordView::fields); false, `out` then unusable, when a member's span or kind is outside the record.
inline bool fields_from_host(std::string_view json, const connhost_field* fields, uint32_t count,
                             std::vector<Field>& out) {
    out.resize(count);
    for (uint32_t i = 0; i < count; ++i) {
        const connhost_field& h = fields[i];
        if (h.key_offset > json.size() || h.key_size > json.size() - h.key_offset || h.value_offset > json.size() ||
            h.value_size > json.size() - h.value_offset || h.kind < CONNHOST_FIELD_STRING ||
            h.kind > CONNHOST_FIELD_ARRAY)
            return false;
        Field& f = out[i];
        f.key = json.substr(h.key_offset, h.key_size);
        f.key_escaped = (h.flags & CONNHOST_FIELD_KEY_ESCAPED) != 0;
        f.kind = static_cast<FieldKind>(h.kind - CONNHOST_FIELD_STRING);
        f.value = json.substr(h.value_offset, h.value_size);
        f.value_escaped = (h.flags & CONNHOST_FIELD_VALUE_ESCAPED) != 0;
    }
    return true;
}

// Replaces `out` with the elements of the JSON array `json`, in order, each as a Field with an empty key (an array
// in a record's field, e.g. to write it as a database array). Throws std::invalid_argument if `json` is not one array.
inline void scan_elements(std::string_view json, std::vector<Field>& out) {
    out.clear();
    internal::TrustedJsonScanner s(json);
    try {
        if (s.peek() != '[') s.fail("the value is not a JSON array");
        s.expect('[', "'['");
        if (!s.consume(']')) {
            for (;;) {
                Field f{};
                f.kind = detail::field_kind(s.peek());
                if (f.kind == FieldKind::String) {
                    f.value = s.read_string();
                    f.value_escaped = s.last_string_escaped();
                } else {
                    f.value = s.skip_value();
                }
                out.push_back(f);
                if (s.consume(',')) continue;
                s.expect(']', "',' or ']' in an array");
                break;
            }
        }
        s.expect_end();
    } catch (const internal::JsonSyntaxError& e) {
        throw std::invalid_argument("array is not valid JSON: " + std::string(e.what()) + " at byte " +
                                    std::to_string(e.offset()));
    }
}

// The common case of parse_json_integer, without a copy: `text` is an optional '-' and 1 to 18 digits.
inline bool parse_plain_integer(std::string_view text, int64_t& out) noexcept {
    const size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
    if (text.size() == sign || text.size() - sign > 18) return false;
    int64_t v = 0;
    for (size_t i = sign; i < text.size(); ++i) {
        const unsigned d = static_cast<unsigned char>(text[i]) - unsigned{'0'};
        if (d > 9) return false;
        v = v * 10 + static_cast<int64_t>(d);
    }
    out = sign ? -v : v;
    return true;
}

using internal::append_decimal;  // appends the decimal text of an integer (std::to_chars)

// What parse_json_integer found.
enum class IntegerText { Ok, NotInteger, TooLarge };

// The JSON number `text` as an int64 when its value is integral (1, -0, 1.0, 1e2, 12.30e1 all are);
// TooLarge when integral but outside int64; NotInteger for fractions, NaN, Infinity, garbage.
inline IntegerText parse_json_integer(std::string_view text, int64_t& out) {
    if (parse_plain_integer(text, out)) return IntegerText::Ok;
    size_t i = 0;
    bool neg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
    const size_t int_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    const std::string_view int_digits = text.substr(int_start, i - int_start);
    std::string_view frac_digits;
    if (i < text.size() && text[i] == '.') {
        const size_t f = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        frac_digits = text.substr(f, i - f);
    }
    if (int_digits.empty() && frac_digits.empty()) return IntegerText::NotInteger;
    int64_t exp10 = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) eneg = text[i++] == '-';
        if (i >= text.size()) return IntegerText::NotInteger;
        int64_t e = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (e < 1000000) e = e * 10 + (text[i] - '0');
            ++i;
        }
        exp10 = eneg ? -e : e;
    }
    if (i != text.size()) return IntegerText::NotInteger;
    // digits = int_digits + frac_digits, value = digits * 10^(exp10 - |frac|); strip zeros both ends.
    std::string digits;
    digits.reserve(int_digits.size() + frac_digits.size());
    digits.append(int_digits).append(frac_digits);
    exp10 -= static_cast<int64_t>(frac_digits.size());
    const size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) {
        out = 0;
        return IntegerText::Ok;
    }
    digits.erase(0, first);
    while (digits.back() == '0') digits.pop_back(), ++exp10;
    if (exp10 < 0) return IntegerText::NotInteger;
    if (static_cast<int64_t>(digits.size()) + exp10 > 19) return IntegerText::TooLarge;
    unsigned __int128 v = 0;
    for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
    for (int64_t k = 0; k < exp10; ++k) v *= 10;
    const unsigned __int128 limit =
        neg ? static_cast<unsigned __int128>(INT64_MAX) + 1 : static_cast<unsigned __int128>(INT64_MAX);
    if (v > limit) return IntegerText::TooLarge;
    out = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
    return IntegerText::Ok;
}

// The parts of a finite JSON number's text, for range checks against a decimal column type.
struct DecimalShape {
    bool finite = false;                   // false for NaN / Infinity / -Infinity / garbage
    int64_t int_digits = 0;                // significant digits before the decimal point, after applying the exponent
    int64_t scale = 0;                     // digits after the decimal point, after applying the exponent (>= 0)
    int64_t exponent = 0;                  // the literal exponent (0 without one)
    std::string_view int_part, frac_part;  // the digits before and after the point, as written (views into the text)
};

// The shape of JSON number text `text` (never converts the value).
inline DecimalShape decimal_shape(std::string_view text) {
    DecimalShape d;
    size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    const size_t a = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    std::string_view ip = text.substr(a, i - a);
    std::string_view fp;
    if (i < text.size() && text[i] == '.') {
        const size_t f = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        fp = text.substr(f, i - f);
    }
    if (ip.empty() && fp.empty()) return d;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) eneg = text[i++] == '-';
        if (i >= text.size()) return d;
        int64_t e = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (e < 100000000) e = e * 10 + (text[i] - '0');
            ++i;
        }
        d.exponent = eneg ? -e : e;
    }
    if (i != text.size()) return d;
    d.int_part = ip;
    d.frac_part = fp;
    const size_t nz = ip.find_first_not_of('0');
    const int64_t sig_int = nz == std::string_view::npos ? 0 : static_cast<int64_t>(ip.size() - nz);
    d.finite = true;
    d.int_digits = sig_int + d.exponent;
    if (d.int_digits < 0) d.int_digits = 0;
    d.scale = static_cast<int64_t>(fp.size()) - d.exponent;
    if (d.scale < 0) d.scale = 0;
    return d;
}

}  // namespace connhost::sdk
