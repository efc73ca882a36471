// Dates, timestamps and durations as dest_pg takes them (the table in copy_text.hpp), checked, and converted to the
// values PostgreSQL's binary COPY carries. A text the check accepts is one PostgreSQL's own input accepts with the same
// meaning (the session runs with TimeZone UTC), and its binary value is the one that input would give.
#pragma once
#include <cstdint>
#include <limits>
#include <string_view>

namespace pgdest {

// PostgreSQL's infinite dates and timestamps ("-infinity", "infinity") in binary.
inline constexpr int32_t kDateNoBegin = std::numeric_limits<int32_t>::min();
inline constexpr int32_t kDateNoEnd = std::numeric_limits<int32_t>::max();
inline constexpr int64_t kTimestampNoBegin = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimestampNoEnd = std::numeric_limits<int64_t>::max();

// The days since 2000-01-01 of "Y[YYYYYY]-MM-DD[ BC]" (4 to 7 year digits, a real day of date's range) or
// +-infinity; false when the text is no such date.
bool date_days(std::string_view s, int32_t& days);
// The microseconds since 2000-01-01 00:00 of "date[T or space]HH:MM[:SS[.fraction]][Z|+-HH[:MM]]" (the date as
// date_days takes it, " BC" at the very end) or +-infinity. `zoned` (timestamptz): the offset applies, the result is
// UTC; otherwise it is ignored. A fraction rounds to microseconds as PostgreSQL rounds it. False when the text is no
// such timestamp, or lies outside PostgreSQL's range (4714-11-24 BC up to 294276 AD).
bool timestamp_micros(std::string_view s, bool zoned, int64_t& micros);

// PostgreSQL's timestamp (microseconds since 2000-01-01) of `ms` milliseconds since the Unix epoch, saturated to the
// int64 range: a value outside PostgreSQL's range stays outside it, and the server refuses it.
int64_t unix_ms_to_micros(int64_t ms);

bool valid_date(std::string_view s);
bool valid_timestamp(std::string_view s, bool zoned);
// ISO 8601 "P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]", signed integers, a fraction only on seconds, within interval's
// range.
bool valid_duration(std::string_view s);

}  // namespace pgdest
