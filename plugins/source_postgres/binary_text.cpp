#include "binary_text.hpp"

#include <connhost/sdk/record_meta.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace pgsource {

namespace {

// Writes `v` in decimal at `w`, zero-padded to `width` digits; returns the end (at most 20 + width bytes).
char* put_padded(char* w, uint64_t v, int width) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad) *w++ = '0';
    const auto n = static_cast<size_t>(r.ptr - buf);
    std::memcpy(w, buf, n);
    return w + n;
}

// Appends `v` in decimal, zero-padded to `width` (at most 4) digits.
void append_padded(connhost::sdk::OutBuffer& out, uint64_t v, int width) {
    char buf[24];
    out.append(buf, static_cast<size_t>(put_padded(buf, v, width) - buf));
}

// Writes the two digits of `v` < 100 at `w`; returns the end.
char* put2(char* w, uint64_t v) {
    w[0] = static_cast<char>('0' + v / 10);
    w[1] = static_cast<char>('0' + v % 10);
    return w + 2;
}

constexpr int64_t kUnixToPgDays = 10957;  // days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch

// Writes "YYYY-MM-DD" of `days` after PostgreSQL's epoch at `w` (at most 26 bytes: a year of up to 20 digits);
// returns the end. Sets `bc` for a year before 1 (printed as 1 - year).
char* put_ymd(char* w, int64_t days, bool& bc) {
    const connhost::sdk::CivilDate date = connhost::sdk::civil_from_days(days + kUnixToPgDays);
    bc = date.year <= 0;
    w = put_padded(w, static_cast<uint64_t>(bc ? 1 - date.year : date.year), 4);
    *w++ = '-';
    w = put2(w, date.month);
    *w++ = '-';
    return put2(w, date.day);
}

}  // namespace

bool append_numeric_text(connhost::sdk::OutBuffer& out, std::string_view v) {
    if (v.size() < 8) return false;
    const auto ndigits = static_cast<int16_t>(big_endian_unsigned(v.data(), 2)),
               weight = static_cast<int16_t>(big_endian_unsigned(v.data() + 2, 2)),
               dscale = static_cast<int16_t>(big_endian_unsigned(v.data() + 6, 2));
    const auto sign = static_cast<uint16_t>(big_endian_unsigned(v.data() + 4, 2));
    if (ndigits < 0 || dscale < 0 || v.size() != 8 + 2 * static_cast<size_t>(ndigits)) return false;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        out += sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
        return true;
    }
    if (sign != 0x0000 && sign != 0x4000) return false;
    auto digit = [&](int i) -> uint64_t {  // base-10000 digit i (0 beyond the stored ones)
        return i >= 0 && i < ndigits ? big_endian_unsigned(v.data() + 8 + 2 * i, 2) : 0;
    };
    if (sign == 0x4000) out.push_back('-');
    if (weight < 0) out.push_back('0');
    for (int i = 0; i <= weight; ++i) append_padded(out, digit(i), i == 0 ? 0 : 4);
    if (dscale == 0) return true;
    out.push_back('.');
    const size_t frac = out.size();  // the fraction's groups of four digits, cut to dscale digits
    for (int i = weight + 1; out.size() - frac < static_cast<size_t>(dscale); ++i) append_padded(out, digit(i), 4);
    out.truncate(frac + static_cast<size_t>(dscale));
    return true;
}

bool append_date_text(connhost::sdk::OutBuffer& out, std::string_view v) {
    if (v.size() != 4) return false;
    const auto days = static_cast<int32_t>(big_endian_signed(v.data(), 4));
    if (days == INT32_MAX || days == INT32_MIN) {
        out += days == INT32_MAX ? "infinity" : "-infinity";
        return true;
    }
    bool bc = false;
    char text[32];
    out.append(text, static_cast<size_t>(put_ymd(text, days, bc) - text));
    if (bc) out += " BC";
    return true;
}

bool append_timestamp_text(connhost::sdk::OutBuffer& out, std::string_view v, bool zoned) {
    if (v.size() != 8) return false;
    const int64_t us = big_endian_signed(v.data(), 8);
    if (us == INT64_MAX || us == INT64_MIN) {
        out += us == INT64_MAX ? "infinity" : "-infinity";
        return true;
    }
    constexpr int64_t kDay = 86400000000;
    const int64_t days = us / kDay - (us % kDay < 0), of_day = us - days * kDay;
    char text[64], *w = text;  // one append of "YYYY-MM-DD hh:mm:ss[.ffffff][+00][ BC]"
    bool bc = false;
    w = put_ymd(w, days, bc);
    *w++ = ' ';
    w = put2(w, static_cast<uint64_t>(of_day / 3600000000));
    *w++ = ':';
    w = put2(w, static_cast<uint64_t>(of_day / 60000000 % 60));
    *w++ = ':';
    w = put2(w, static_cast<uint64_t>(of_day / 1000000 % 60));
    if (uint64_t fraction = static_cast<uint64_t>(of_day % 1000000)) {  // six digits, trailing zeros dropped
        int width = 6;
        for (; fraction % 10 == 0; fraction /= 10) --width;
        *w++ = '.';
        w = put_padded(w, fraction, width);
    }
    if (zoned) w = std::copy_n("+00", 3, w);
    if (bc) w = std::copy_n(" BC", 3, w);
    out.append(text, static_cast<size_t>(w - text));
    return true;
}

bool append_uuid_text(connhost::sdk::OutBuffer& out, std::string_view v) {
    if (v.size() != 16) return false;
    char text[36];
    connhost::sdk::format_uuid(big_endian_unsigned(v.data(), 8), big_endian_unsigned(v.data() + 8, 8), text);
    out.append(text, sizeof text);
    return true;
}

}  // namespace pgsource
