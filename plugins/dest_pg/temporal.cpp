#include "temporal.hpp"

#include <cmath>

namespace pgdest {

namespace {

bool digits(std::string_view s, size_t at, size_t n, long& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (size_t k = at; k < at + n; ++k) {
        if (s[k] < '0' || s[k] > '9') return false;
        v = v * 10 + (s[k] - '0');
    }
    return true;
}

// PostgreSQL's range of dates and timestamps: 4714-11-24 BC up to year 5874897 (date) / 294276 (timestamp).
constexpr long kMaxDateYear = 5874897, kMaxTimestampYear = 294276, kMinBcYear = 4714;
// 1970-01-01 to 2000-01-01 in days; PostgreSQL's timestamps run from MIN_TIMESTAMP up to (not including) END_TIMESTAMP.
constexpr int64_t kUnixToPgDays = 10957;
constexpr int64_t kMicrosPerDay = 86400000000LL;
constexpr __int128 kMinTimestamp = -211813488000000000LL, kEndTimestamp = 9223371331200000000LL;

struct Ymd {
    long year = 0;  // astronomical: 1 BC is 0
    long month = 0, day = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (astronomical years), as PostgreSQL's date2j counts them.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

// Parses "Y[YYYYYY]-MM-DD" (4 to 7 year digits) at the start of `s` into a real day of PostgreSQL's range;
// `bc`: the year counts back from 1 BC. Returns the length parsed, or 0.
size_t parse_ymd(std::string_view s, bool bc, long max_year, Ymd& out) {
    size_t n = 0;
    while (n < s.size() && n < 8 && s[n] >= '0' && s[n] <= '9') ++n;
    long y, m, d;
    if (n < 4 || n > 7 || !digits(s, 0, n, y) || n + 6 > s.size() || s[n] != '-' || !digits(s, n + 1, 2, m) ||
        s[n + 3] != '-' || !digits(s, n + 4, 2, d))
        return 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || (!bc && y > max_year) || (bc && y > kMinBcYear)) return 0;
    if (bc && y == kMinBcYear && (m < 11 || (m == 11 && d < 24))) return 0;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const long astro = bc ? 1 - y : y;  // 1 BC is year 0, a leap year
    const bool leap = (astro % 4 == 0 && astro % 100 != 0) || astro % 400 == 0;
    if (d > days[m - 1] + (m == 2 && leap ? 1 : 0)) return 0;
    out = {astro, m, d};
    return n + 6;
}

// Removes a trailing " BC" from `s`; true when there was one.
bool strip_bc(std::string_view& s) {
    constexpr std::string_view kBc = " BC";
    if (s.size() <= kBc.size() || s.substr(s.size() - kBc.size()) != kBc) return false;
    s.remove_suffix(kBc.size());
    return true;
}

// The microseconds of ".fraction" (1 to 9 digits) as PostgreSQL's ParseFractionalSecond gets them:
// rint(strtod(".fraction") * 1000000). n / 10^k of exact doubles is the same correctly rounded double strtod gives.
int64_t fraction_micros_rounded(long numerator, size_t ndigits) {
    double scale = 1;
    for (size_t k = 0; k < ndigits; ++k) scale *= 10;
    return static_cast<int64_t>(std::rint(static_cast<double>(numerator) / scale * 1000000.0));
}

// "HH:MM[:SS[.fraction]][Z|+-HH[:MM]]" from s[i] to the end: the microseconds since midnight (local) and the offset
// in seconds east of UTC (0 when none).
bool time_of_day(std::string_view s, size_t i, int64_t& micros, long& offset) {
    long hh, mm, ss = 0, frac = 0;
    size_t frac_digits = 0;
    if (!digits(s, i, 2, hh) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, mm) || hh > 23 || mm > 59)
        return false;
    i += 5;
    if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, ss) || ss > 59) return false;
        i += 3;
        if (i < s.size() && s[i] == '.') {
            const size_t f = ++i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            frac_digits = i - f;
            if (frac_digits == 0 || frac_digits > 9 || !digits(s, f, frac_digits, frac)) return false;
        }
    }
    micros = ((hh * 60 + mm) * 60 + ss) * 1000000LL + (frac_digits ? fraction_micros_rounded(frac, frac_digits) : 0);
    offset = 0;
    if (i == s.size()) return true;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
    if (s[i] != '+' && s[i] != '-') return false;
    const long sign = s[i] == '-' ? -1 : 1;
    long oh, om = 0;
    if (!digits(s, i + 1, 2, oh) || oh > 15) return false;
    i += 3;
    if (i < s.size()) {
        if (s[i] == ':') ++i;
        if (!digits(s, i, 2, om) || om > 59 || i + 2 != s.size()) return false;
    }
    offset = sign * (oh * 3600 + om * 60);
    return true;
}

// Parses an optionally signed integer of at most 18 digits at s[i] (i moves past it); `neg`: it had a '-'.
bool signed_integer(std::string_view s, size_t& i, long long& v, bool& neg) {
    neg = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 18) v = v * 10 + (s[i++] - '0');
    if (i == start || (i < s.size() && s[i] >= '0' && s[i] <= '9')) return false;
    if (neg) v = -v;
    return true;
}

// The microseconds of a fraction of a second ".5" at s[i] (i moves past it), rounded down past 6 digits.
bool fraction_micros(std::string_view s, size_t& i, long long& micros) {
    const size_t start = ++i;  // past '.'
    micros = 0;
    for (long long scale = 100000; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
        micros += (s[i] - '0') * scale;
    return i > start;
}

// How many months, days or microseconds one unit of a duration designator adds, and to which of the three.
bool duration_unit(char unit, bool in_time, int& slot, __int128& scale) {
    static constexpr struct {
        char unit;
        bool time;
        int slot;
        long long scale;
    } kUnits[] = {{'Y', false, 0, 12},      {'M', false, 0, 1},           {'W', false, 1, 7},
                  {'D', false, 1, 1},       {'H', true, 2, 3600000000LL}, {'M', true, 2, 60000000LL},
                  {'S', true, 2, 1000000LL}};
    for (const auto& u : kUnits)
        if (u.unit == unit && u.time == in_time) {
            slot = u.slot;
            scale = u.scale;
            return true;
        }
    return false;
}

}  // namespace

bool date_days(std::string_view s, int32_t& days) {
    if (s == "infinity" || s == "-infinity") {
        days = s[0] == '-' ? kDateNoBegin : kDateNoEnd;
        return true;
    }
    const bool bc = strip_bc(s);
    Ymd d;
    if (s.size() < 10 || parse_ymd(s, bc, kMaxDateYear, d) != s.size()) return false;
    days = static_cast<int32_t>(days_from_civil(d.year, d.month, d.day) - kUnixToPgDays);
    return true;
}

bool timestamp_micros(std::string_view s, bool zoned, int64_t& micros) {
    if (s == "infinity" || s == "-infinity") {
        micros = s[0] == '-' ? kTimestampNoBegin : kTimestampNoEnd;
        return true;
    }
    const bool bc = strip_bc(s);
    Ymd d;
    const size_t n = parse_ymd(s, bc, kMaxTimestampYear, d);
    if (n == 0 || n >= s.size() || (s[n] != 'T' && s[n] != 't' && s[n] != ' ')) return false;
    int64_t of_day;
    long offset;
    if (!time_of_day(s, n + 1, of_day, offset)) return false;
    const __int128 t = static_cast<__int128>(days_from_civil(d.year, d.month, d.day) - kUnixToPgDays) * kMicrosPerDay +
        of_day - (zoned ? static_cast<__int128>(offset) * 1000000 : 0);
    if (t < kMinTimestamp || t >= kEndTimestamp) return false;
    micros = static_cast<int64_t>(t);
    return true;
}

int64_t unix_ms_to_micros(int64_t ms) {
    const __int128 micros = (static_cast<__int128>(ms) - kUnixToPgDays * 86400000LL) * 1000;
    const __int128 limit = std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(micros > limit ? limit : micros < -limit ? -limit : micros);
}

bool valid_date(std::string_view s) {
    int32_t days;
    return date_days(s, days);
}

bool valid_timestamp(std::string_view s, bool zoned) {
    int64_t micros;
    return timestamp_micros(s, zoned, micros);
}

bool valid_duration(std::string_view s) {
    if (s.size() < 2 || s[0] != 'P') return false;
    __int128 sums[3] = {0, 0, 0};  // months, days, microseconds
    bool in_time = false, any = false;
    char last = 0;
    for (size_t i = 1; i < s.size();) {
        if (s[i] == 'T') {
            if (in_time || ++i == s.size()) return false;
            in_time = true;
            last = 0;
            continue;
        }
        long long v, micros = 0;
        bool neg;
        if (!signed_integer(s, i, v, neg)) return false;
        if (in_time && i < s.size() && s[i] == '.' && !fraction_micros(s, i, micros)) return false;
        int slot;
        __int128 scale;
        if (i >= s.size() || !duration_unit(s[i], in_time, slot, scale)) return false;
        if (micros && s[i] != 'S') return false;  // a fraction only on seconds
        const std::string_view order = in_time ? "HMS" : "YMWD";
        if (last && order.find(s[i]) <= order.find(last)) return false;  // each designator once, in order
        last = s[i++];
        sums[slot] += v * scale + (neg ? -micros : micros);
        any = true;
    }
    const __int128 i32 = 2147483647, i64 = 9223372036854775807LL;
    return any && sums[0] <= i32 && sums[0] >= -i32 && sums[1] <= i32 && sums[1] >= -i32 && sums[2] <= i64 &&
        sums[2] >= -i64;
}

}  // namespace pgdest
