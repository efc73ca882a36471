// How a PostgreSQL value's text form (client_encoding UTF8, DateStyle ISO, TimeZone UTC,
// IntervalStyle iso_8601, extra_float_digits 3) becomes JSON text, appended without a DOM:
//
//   Integer            the digits as a JSON integer
//   Numeric, Float     the server's text as a JSON number (exact); NaN, Infinity, -Infinity as strings
//                      (the schema allows them: connhost::sdk::kSpecialNumberPattern)
//   Boolean            true / false
//   Date, Time(Tz)     the text as a string ("2024-01-31", "0044-03-15 BC", "infinity", "13:45:00.5", "13:45:00+02")
//   Timestamp          ISO 8601 string, 'T' between date and time ("2024-01-31T13:45:00.25"); a BC value keeps
//                      its " BC" suffix, a year past 9999 its digits, infinity / -infinity stay as they are
//   TimestampTz        the same in UTC with 'Z' ("2024-01-31T13:45:00Z", "0044-03-15T12:00:00Z BC")
//   Json               the json/jsonb text as a string, exactly as the server gives it (json 'null' is the
//                      string "null", SQL NULL is null)
//   Bytea              base64 string of the bytes
//   Array              a JSON array (nested for several dimensions) of the elements' values; an array whose lower
//                      bounds are not all 1 is its literal text as a string ("[0:1]={1,2}", see keeps_bounds)
//   String (others)    the text as a string (text, varchar, char, uuid, interval, inet, enums, ...)
#pragma once
#include "table_catalog.hpp"

#include <connhost/sdk/json.hpp>

#include <string>
#include <string_view>

namespace pgsource {

// Appends the JSON value of a non-NULL column value whose text form is `text`.
void append_value(connhost::sdk::OutBuffer& out, const Column& col, std::string_view text);
// Appends the JSON value of one scalar of kind `k` (an array element or a column).
void append_scalar(connhost::sdk::OutBuffer& out, Kind k, std::string_view text);
// Appends `bytes` base64-encoded (RFC 4648, with padding), without quotes.
void append_base64(connhost::sdk::OutBuffer& out, std::string_view bytes);

}  // namespace pgsource
