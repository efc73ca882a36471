#include "binary_text.hpp"

#include <charconv>
#include <cstdint>

namespace pgsource {

namespace {

// The big-endian unsigned integer of the `n` bytes at `p`.
uint64_t be(const char* p, size_t n) noexcept {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(p[k]);
    return v;
}

// Appends `v` in decimal, zero-padded to `width` digits.
void append_padded(std::string& out, uint64_t v, int width) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad) out.push_back('0');
    out.append(buf, r.ptr);
}

constexpr int64_t kUnixToPgDays = 10957;  // days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch

// The proleptic Gregorian year, month and day `days` after 1970-01-01 (the civil-from-days conversion by eras of
// 400 years).
void civil(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

// Appends "YYYY-MM-DD" of `days` after PostgreSQL's epoch; sets `bc` for a year before 1 (printed as 1 - year).
void append_ymd(std::string& out, int64_t days, bool& bc) {
    int64_t y;
    unsigned m, d;
    civil(days + kUnixToPgDays, y, m, d);
    bc = y <= 0;
    append_padded(out, static_cast<uint64_t>(bc ? 1 - y : y), 4);
    out.push_back('-');
    append_padded(out, m, 2);
    out.push_back('-');
    append_padded(out, d, 2);
}

}  // namespace

bool append_numeric_text(std::string& out, std::string_view v) {
    if (v.size() < 8) return false;
    const auto ndigits = static_cast<int16_t>(be(v.data(), 2)), weight = static_cast<int16_t>(be(v.data() + 2, 2)),
               dscale = static_cast<int16_t>(be(v.data() + 6, 2));
    const auto sign = static_cast<uint16_t>(be(v.data() + 4, 2));
    if (ndigits < 0 || dscale < 0 || v.size() != 8 + 2 * static_cast<size_t>(ndigits)) return false;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        out += sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
        return true;
    }
    if (sign != 0x0000 && sign != 0x4000) return false;
    auto digit = [&](int i) -> uint64_t {  // base-10000 digit i (0 beyond the stored ones)
        return i >= 0 && i < ndigits ? be(v.data() + 8 + 2 * i, 2) : 0;
    };
    if (sign == 0x4000) out.push_back('-');
    if (weight < 0) out.push_back('0');
    for (int i = 0; i <= weight; ++i) append_padded(out, digit(i), i == 0 ? 0 : 4);
    if (dscale == 0) return true;
    out.push_back('.');
    std::string frac;
    for (int i = weight + 1; static_cast<int>(frac.size()) < dscale; ++i) append_padded(frac, digit(i), 4);
    out.append(frac, 0, static_cast<size_t>(dscale));
    return true;
}

bool append_date_text(std::string& out, std::string_view v) {
    if (v.size() != 4) return false;
    const auto days = static_cast<int32_t>(be(v.data(), 4));
    if (days == INT32_MAX || days == INT32_MIN) {
        out += days == INT32_MAX ? "infinity" : "-infinity";
        return true;
    }
    bool bc = false;
    append_ymd(out, days, bc);
    if (bc) out += " BC";
    return true;
}

bool append_timestamp_text(std::string& out, std::string_view v, bool zoned) {
    if (v.size() != 8) return false;
    const auto us = static_cast<int64_t>(be(v.data(), 8));
    if (us == INT64_MAX || us == INT64_MIN) {
        out += us == INT64_MAX ? "infinity" : "-infinity";
        return true;
    }
    constexpr int64_t kDay = 86400000000;
    const int64_t days = us / kDay - (us % kDay < 0), of_day = us - days * kDay;
    bool bc = false;
    append_ymd(out, days, bc);
    out.push_back(' ');
    append_padded(out, static_cast<uint64_t>(of_day / 3600000000), 2);
    out.push_back(':');
    append_padded(out, static_cast<uint64_t>(of_day / 60000000 % 60), 2);
    out.push_back(':');
    append_padded(out, static_cast<uint64_t>(of_day / 1000000 % 60), 2);
    if (uint64_t fraction = static_cast<uint64_t>(of_day % 1000000)) {  // six digits, trailing zeros dropped
        int width = 6;
        for (; fraction % 10 == 0; fraction /= 10) --width;
        out.push_back('.');
        append_padded(out, fraction, width);
    }
    if (zoned) out += "+00";
    if (bc) out += " BC";
    return true;
}

bool append_uuid_text(std::string& out, std::string_view v) {
    if (v.size() != 16) return false;
    static const char hex[] = "0123456789abcdef";
    for (size_t k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) out.push_back('-');
        const auto b = static_cast<unsigned char>(v[k]);
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    return true;
}

}  // namespace pgsource
