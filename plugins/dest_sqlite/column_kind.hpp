// ColumnKind: how a JSON value is stored in a column, chosen from the stream's JSON schema.
//
//   JSON schema type                     declared type  stored as
//   integer                              INTEGER        int64 (integral numbers in range; else NULL + change)
//   number (also "format": "double")     NUMBER_TEXT    the number's literal text, exactly as it came (TEXT affinity);
//                                                       the strings "NaN", "Infinity", "-Infinity" as that text
//   boolean                              BOOLEAN        0 / 1 (NUMERIC affinity, INTEGER storage)
//   string (any format: date, date-time, TEXT           the decoded string, exactly (dates and timestamps as
//     JSON text by contentMediaType)                    given, BC and infinity included); other values as JSON text
//   object, array, unions, no type       JSON_TEXT      compact JSON text (TEXT affinity)
// A ["null", T] union counts as T. A column's declared type is read back on the next sync, so
// an existing column keeps its kind even if the schema changed.
#pragma once
#include <connhost/sdk/json.hpp>

#include <string_view>

namespace sqlitedest {

enum class ColumnKind { Integer, Number, Boolean, String, Json };

// The kind for one property schema (the value of json_schema.properties[name]), by connhost::sdk::column_type_of.
ColumnKind kind_from_schema(const boost::json::value& property);
// The declared SQL type written in CREATE TABLE / ALTER TABLE for `kind`.
const char* declared_type(ColumnKind kind);
// The kind of an existing column from its declared type; unknown types count as String.
ColumnKind kind_from_declared(std::string_view declared);

}  // namespace sqlitedest
