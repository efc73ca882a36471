#include "column_kind.hpp"

#include <connhost/sdk/column_types.hpp>

#include <string>

namespace sqlitedest {

namespace json = boost::json;

ColumnKind kind_from_schema(const json::value& property) {
    return kind_of_column_type(connhost::sdk::column_type_of(property));
}

ColumnKind kind_of_column_type(connhost::sdk::ColumnType type) {
    if (connhost::sdk::is_array(type)) return ColumnKind::Json;  // SQLite has no arrays: JSON text
    switch (type) {
        case connhost::sdk::ColumnType::Integer: return ColumnKind::Integer;
        case connhost::sdk::ColumnType::Number:
        case connhost::sdk::ColumnType::Float: return ColumnKind::Number;
        case connhost::sdk::ColumnType::Boolean: return ColumnKind::Boolean;
        case connhost::sdk::ColumnType::String:
        case connhost::sdk::ColumnType::Date:
        case connhost::sdk::ColumnType::DateTime:
        case connhost::sdk::ColumnType::DateTimeLocal:
        case connhost::sdk::ColumnType::JsonText:
        case connhost::sdk::ColumnType::Binary:
        case connhost::sdk::ColumnType::Duration: return ColumnKind::String;  // the text kept as given
        case connhost::sdk::ColumnType::Json: return ColumnKind::Json;
    }
    return ColumnKind::Json;
}

const char* declared_type(ColumnKind kind) {
    switch (kind) {
        case ColumnKind::Integer: return "INTEGER";
        case ColumnKind::Number: return "NUMBER_TEXT";
        case ColumnKind::Boolean: return "BOOLEAN";
        case ColumnKind::String: return "TEXT";
        case ColumnKind::Json: return "JSON_TEXT";
    }
    return "TEXT";
}

connhost::sdk::ColumnType column_type_of_kind(ColumnKind kind) {
    switch (kind) {
        case ColumnKind::Integer: return connhost::sdk::ColumnType::Integer;
        case ColumnKind::Number: return connhost::sdk::ColumnType::Number;
        case ColumnKind::Boolean: return connhost::sdk::ColumnType::Boolean;
        case ColumnKind::String: return connhost::sdk::ColumnType::String;
        case ColumnKind::Json: return connhost::sdk::ColumnType::Json;
    }
    return connhost::sdk::ColumnType::Json;
}

std::string widen_expr(const std::string& col, ColumnKind from, ColumnKind to) {
    if (from == ColumnKind::Boolean)
        return "CASE WHEN " + col + " IS NULL THEN NULL WHEN " + col + " THEN 'true' ELSE 'false' END";
    if (from == ColumnKind::String && to == ColumnKind::Json) return "json_quote(" + col + ")";
    return "CAST(" + col + " AS TEXT)";  // integers and number text become their literal text
}

ColumnKind kind_from_declared(std::string_view d) {
    if (d == "INTEGER") return ColumnKind::Integer;
    if (d == "NUMBER_TEXT") return ColumnKind::Number;
    if (d == "BOOLEAN") return ColumnKind::Boolean;
    if (d == "JSON_TEXT") return ColumnKind::Json;
    return ColumnKind::String;
}

}  // namespace sqlitedest
