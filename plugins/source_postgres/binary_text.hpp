// The server's text of binary COPY values: what PostgreSQL's output functions write for them in the session
// source_postgres opens (TimeZone UTC, DateStyle ISO), so a binary read gives the records a text read gives.
#pragma once
#include <string>
#include <string_view>

namespace pgsource {

// Each appends to `out` the text of the binary value `v` and returns false when `v` is not a value of that type.
// numeric_out: "-12.340" (the display scale's digits), "NaN", "Infinity", "-Infinity".
bool append_numeric_text(std::string& out, std::string_view v);
// date_out: "2024-01-31", "0044-03-15 BC", "infinity", "-infinity".
bool append_date_text(std::string& out, std::string_view v);
// timestamp_out / timestamptz_out: "2024-01-31 13:45:00.25" (+ "+00" when `zoned`), then " BC" before year 1.
bool append_timestamp_text(std::string& out, std::string_view v, bool zoned);
// uuid_out: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".
bool append_uuid_text(std::string& out, std::string_view v);

}  // namespace pgsource
