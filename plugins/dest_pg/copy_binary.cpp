#include "copy_binary.hpp"

#include <cstring>

namespace pgdest {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Binary numeric sign words (PostgreSQL's NUMERIC_POS ... NUMERIC_NINF).
constexpr uint16_t kNumericPos = 0x0000, kNumericNeg = 0x4000, kNumericNaN = 0xC000, kNumericPinf = 0xD000,
                   kNumericNinf = 0xF000;

// Floor division for the base-10000 weight of a decimal exponent.
int64_t floor_div4(int64_t e) { return e >= 0 ? e / 4 : -((-e + 3) / 4); }

}  // namespace

bool binary_copy_type(std::string_view t) {
    return t == "bigint" || t == "numeric" || starts_with(t, "numeric(") || t == "double precision" || t == "boolean" ||
        t == "text" || t == "character varying" || starts_with(t, "character varying(") || t == "date" ||
        t == "timestamp with time zone" || t == "timestamp without time zone" || t == "json" || t == "jsonb";
}

void append_copy_binary_header(OutBuffer& out) {
    static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its terminating NUL
    out.append(kSignature, sizeof kSignature);
    append_be32(out, 0);  // flags: no OIDs
    append_be32(out, 0);  // header extension length
}

void append_copy_binary_trailer(OutBuffer& out) { append_be16(out, 0xFFFF); }

void append_float8_binary(OutBuffer& out, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    append_be64(out, bits);
}

// numeric_in's reading of "-12.34e5": the digits' decimal places give base-10000 digits aligned on the point, the
// display scale is the fraction's length minus the exponent (at least 0); zeros before and after are dropped.
void append_numeric_binary(OutBuffer& out, std::string_view s) {
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
        append_be16(out, 0);  // ndigits
        append_be16(out, 0);  // weight
        append_be16(out, s == "NaN" ? kNumericNaN : s[0] == '-' ? kNumericNinf : kNumericPinf);
        append_be16(out, 0);  // dscale
        return;
    }
    size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
    const size_t mantissa = i;  // digits, maybe a point and more digits
    int64_t int_len = 0, frac_len = 0, exponent = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++int_len;
    if (i < s.size() && s[i] == '.')
        for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++frac_len;
    const size_t mantissa_end = i;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        const bool neg_exp = i < s.size() && s[i] == '-';
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && exponent < 100000; ++i)
            exponent = exponent * 10 + (s[i] - '0');
        if (neg_exp) exponent = -exponent;
    }
    const int64_t point = int_len + exponent;  // the k-th mantissa digit has decimal place point - 1 - k
    const int64_t dscale = frac_len - exponent > 0 ? frac_len - exponent : 0;
    // Calls f(place) for each nonzero mantissa digit, its decimal place and value.
    auto each_nonzero = [&](auto f) {
        int64_t k = 0;
        for (size_t j = mantissa; j < mantissa_end; ++j) {
            if (s[j] == '.') continue;
            if (s[j] != '0') f(point - 1 - k, s[j] - '0');
            ++k;
        }
    };
    int64_t top = 0, bottom = 0;  // the base-10000 weights of the first and last nonzero digit
    bool any = false;
    each_nonzero([&](int64_t place, int) {
        bottom = floor_div4(place);
        if (!any) top = bottom;
        any = true;
    });
    const size_t ndigits = any ? static_cast<size_t>(top - bottom + 1) : 0;
    append_be16(out, static_cast<uint16_t>(ndigits));
    append_be16(out, static_cast<uint16_t>(static_cast<int16_t>(any ? top : 0)));
    append_be16(out, negative && any ? kNumericNeg : kNumericPos);
    append_be16(out, static_cast<uint16_t>(dscale));
    const size_t first = out.size();
    out.append(2 * ndigits, '\0');
    static const uint16_t kPow[] = {1, 10, 100, 1000};
    each_nonzero([&](int64_t place, int digit) {  // base-10000 digits, big-endian, at most 9999 each
        const int64_t w = floor_div4(place);
        const size_t at = first + 2 * static_cast<size_t>(top - w);
        const uint16_t v = static_cast<uint16_t>(
            ((static_cast<unsigned char>(out[at]) << 8) | static_cast<unsigned char>(out[at + 1])) +
            digit * kPow[place - 4 * w]);
        out[at] = static_cast<char>(v >> 8);
        out[at + 1] = static_cast<char>(v);
    });
}

}  // namespace pgdest
