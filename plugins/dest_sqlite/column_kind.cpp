#include "column_kind.hpp"

#include <string>

namespace sqlitedest {

namespace json = boost::json;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Airbyte protocol v1 well-known types: {"$ref": "WellKnownTypes.json#/definitions/Integer"}.
ColumnKind kind_from_ref(std::string_view ref) {
    if (ends_with(ref, "/Integer")) return ColumnKind::Integer;
    if (ends_with(ref, "/Number")) return ColumnKind::Number;
    if (ends_with(ref, "/Boolean")) return ColumnKind::Boolean;
    if (ref.find("/definitions/") != std::string_view::npos) return ColumnKind::String;  // String, Date, Timestamp*, Time*, BinaryData
    return ColumnKind::Json;
}

ColumnKind kind_from_type_name(std::string_view t) {
    if (t == "integer") return ColumnKind::Integer;
    if (t == "number") return ColumnKind::Number;
    if (t == "boolean") return ColumnKind::Boolean;
    if (t == "string") return ColumnKind::String;
    return ColumnKind::Json;
}

}  // namespace

ColumnKind kind_from_schema(const json::value& property) {
    if (!property.is_object()) return ColumnKind::Json;
    const json::object& p = property.as_object();
    auto type = p.find("type");
    if (type == p.end()) {
        if (auto ref = p.find("$ref"); ref != p.end() && ref->value().is_string()) return kind_from_ref(ref->value().as_string());
        return ColumnKind::Json;  // oneOf / anyOf / allOf / no type
    }
    if (type->value().is_string()) return kind_from_type_name(type->value().as_string());
    if (type->value().is_array()) {
        std::string_view only;
        int n = 0;
        for (const auto& t : type->value().as_array()) {
            if (!t.is_string() || t.as_string() == "null") continue;
            only = t.as_string();
            ++n;
        }
        if (n == 1) return kind_from_type_name(only);
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

ColumnKind kind_from_declared(std::string_view d) {
    if (d == "INTEGER") return ColumnKind::Integer;
    if (d == "NUMBER_TEXT") return ColumnKind::Number;
    if (d == "BOOLEAN") return ColumnKind::Boolean;
    if (d == "JSON_TEXT") return ColumnKind::Json;
    return ColumnKind::String;
}

}  // namespace sqlitedest
