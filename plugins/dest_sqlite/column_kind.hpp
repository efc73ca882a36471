// ColumnKind: how a JSON value is stored in a column, chosen from the stream's JSON schema.
//
//   JSON schema type                     declared type  stored as
//   integer                              INTEGER        int64 (integral numbers in range; else NULL + change)
//   number (also "format": "double")     NUMBER_TEXT    the number's literal text, exactly as it came (TEXT affinity);
//                                                       the strings "NaN", "Infinity", "-Infinity" as that text
//   boolean                              BOOLEAN        0 / 1 (NUMERIC affinity, INTEGER storage)
//   string (any format: date, date-time, TEXT           the decoded string, exactly (dates and timestamps as
//     JSON text by contentMediaType)                    given, BC and infinity included); other values as JSON text
//   object, array, unions, no type       JSON_TEXT      compact JSON text (TEXT affinity); a PostgreSQL array
//                                                       literal string ("[0:1]={1,2}") as that JSON string
// A ["null", T] union counts as T. A column's declared type is read back on the next sync; when the schema's kind
// differs, the SDK's widening rule (connhost::sdk::column_widening over column_type_of_kind) decides whether the
// column is rebuilt with the wider kind (values converted: see stream_table.hpp) or keeps its kind.
#pragma once
#include <connhost/sdk/column_types.hpp>
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
// The SDK's ColumnType a kind stores (String for dates and timestamps too), for the widening rule.
connhost::sdk::ColumnType column_type_of_kind(ColumnKind kind);
// The kind that stores a ColumnType (the inverse of column_type_of_kind on the types it returns).
ColumnKind kind_of_column_type(connhost::sdk::ColumnType type);
// The SQL expression converting column `col` (quoted) of kind `from` to the stored form of the wider kind `to`:
// numbers and text as text, booleans as 'true' / 'false', text as a JSON string in a JSON column.
std::string widen_expr(const std::string& col, ColumnKind from, ColumnKind to);

}  // namespace sqlitedest
