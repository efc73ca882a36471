// COPY cells: how one JSON value becomes one cell of a `COPY ... FROM STDIN` row, in text or binary format.
//
// Text: cells are separated by tab, rows end with newline, NULL is \N, and backslash, newline, carriage
// return and tab inside a value are written \\ \n \r \t. Binary (copy_binary.hpp, only for the types
// binary_copy_type lists): the cell is the value's binary form, its framing the caller's. Values are
// checked here against what the column type accepts, the same in both formats, so one bad value never
// fails a whole COPY:
//
//   column     accepted                                          otherwise
//   bigint     integral JSON numbers within int64 (1.0, 1e2)     NULL, TYPECAST / FIELD_SIZE_LIMITATION
//   numeric    JSON numbers, NaN / Infinity; |exponent| <= 1000,  NULL, TYPECAST / FIELD_SIZE_LIMITATION
//              <= 131072 integer digits, <= 16383 decimals
//   boolean    true / false                                      NULL, TYPECAST
//   text       strings (decoded); other values as JSON text      -
//   date       "YYYY-MM-DD" (year 0001-9999, a real day)         NULL, TYPECAST
//   timestamptz "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|+-HH[:MM]]" NULL, TYPECAST  (no offset: UTC; the
//              instant within PostgreSQL's range)
//              (date and timestamps: 4 to 7 year digits, " BC", infinity / -infinity, PostgreSQL's range)
//   timestamp  the same; an offset is ignored                      NULL, TYPECAST
//   double     JSON numbers double can hold, NaN / Infinity        NULL, TYPECAST / FIELD_SIZE_LIMITATION
//   json       a string of JSON text (kept exactly)                NULL, TYPECAST
//   bytea      a padded base64 string                              NULL, TYPECAST
//   interval   ISO 8601 durations (valid_duration)                 NULL, TYPECAST
//   jsonb      any JSON except NaN / Infinity / huge exponents    NULL, TYPECAST / FIELD_SIZE_LIMITATION
//   arrays     (bigint[], text[]...) see array_cell.hpp
// PostgreSQL text and jsonb cannot hold NUL: \u0000 is removed from strings (change TRUNCATED,
// reason DESTINATION_SERIALIZATION_ERROR). A lone UTF-16 surrogate escape becomes U+FFFD.
// JSON null is SQL NULL.
#pragma once
#include "copy_binary.hpp"

#include <connhost/sdk/column_types.hpp>
#include <connhost/sdk/record_fields.hpp>

#include <string>
#include <string_view>

namespace pgdest {

inline constexpr const char* kTypecast = "DESTINATION_TYPECAST_ERROR";
inline constexpr const char* kSizeLimit = "DESTINATION_FIELD_SIZE_LIMITATION";
inline constexpr const char* kSerialization = "DESTINATION_SERIALIZATION_ERROR";

// What became of a value; change == nullptr when it was stored as it came.
struct CellOutcome {
    const char* change = nullptr;  // "NULLED" | "TRUNCATED"
    const char* reason = nullptr;
    bool null = false;  // the cell is NULL (binary: nothing was appended; its length word is -1)
};

// Appends the cell of `field` in a column of `type` to `out` (without the separator or length word). Binary only for a
// type binary_copy_type lists (otherwise std::logic_error).
CellOutcome append_cell(OutBuffer& out, connhost::sdk::ColumnType type, const connhost::sdk::Field& field,
                        CopyFormat format = CopyFormat::Text);
// Appends the cell of a JSON-text string field (contentMediaType application/json) in a jsonb column: the JSON
// it holds; a value that is no JSON text is NULLed (typecast). Other fields as append_cell(Json) does.
CellOutcome append_json_text_as_jsonb(OutBuffer& out, const connhost::sdk::Field& field,
                                      CopyFormat format = CopyFormat::Text);
// Appends `text` escaped for COPY text format.
void append_copy_escaped(OutBuffer& out, std::string_view text);
// Appends JSON text `json` as a jsonb cell: compacted, NUL escapes removed (stripped set true), backslashes
// escaped for COPY text (binary: the version byte first, nothing escaped). Returns nullptr, or the change reason when
// the value cannot be jsonb (out unchanged).
const char* append_jsonb_cell(OutBuffer& out, std::string_view json, bool& stripped,
                              CopyFormat format = CopyFormat::Text);

}  // namespace pgdest
