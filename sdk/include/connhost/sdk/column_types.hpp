// Column types from JSON schema: which kind of SQL column a stream property maps to.
//
//   JSON schema of the property                          ColumnType
//   "integer" / $ref .../Integer                         Integer
//   "number"  / $ref .../Number                          Number
//   "boolean" / $ref .../Boolean                         Boolean
//   "string" with "format": "date" / $ref .../Date       Date
//   "string" with "format": "date-time" / $ref
//       .../TimestampWithTimezone, ...WithoutTimezone    DateTime
//   "string" (any other format) / other well-known $ref  String
//   object, array, unions of several types, no type      Json
// A ["null", T] union counts as T. A destination chooses the SQL type of each ColumnType.
//
// Widening (a property's type changed since its column was made): column_widening() is the one rule every
// destination follows. A type holds another when every value a column of the other type keeps is kept by it:
//   Integer -> Number -> String,  Date -> DateTime -> String,  Boolean -> String,  and every type -> String, Json
// (text keeps any value as its text, jsonb any JSON value). The column keeps its type when it already holds the new
// one, becomes the new type when that holds the old one (the destination converts the stored values), and keeps its
// type otherwise (Integer and Boolean, Date and Number...): then values it cannot hold are NULLed, each recorded in
// the row's _connhost_meta changes. A new ColumnType adds its edges to column_type_holds().
#pragma once
#include <boost/json.hpp>

#include <string_view>

namespace connhost::sdk {

enum class ColumnType { Integer, Number, Boolean, String, Date, DateTime, Json };

namespace detail {
inline bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
inline ColumnType column_type_from_ref(std::string_view ref) noexcept {
    if (ends_with(ref, "/Integer")) return ColumnType::Integer;
    if (ends_with(ref, "/Number")) return ColumnType::Number;
    if (ends_with(ref, "/Boolean")) return ColumnType::Boolean;
    if (ends_with(ref, "/Date")) return ColumnType::Date;
    if (ends_with(ref, "/TimestampWithTimezone") || ends_with(ref, "/TimestampWithoutTimezone"))
        return ColumnType::DateTime;
    if (ref.find("/definitions/") != std::string_view::npos) return ColumnType::String;
    return ColumnType::Json;
}
inline ColumnType column_type_from_name(std::string_view t, std::string_view format) noexcept {
    if (t == "integer") return ColumnType::Integer;
    if (t == "number") return ColumnType::Number;
    if (t == "boolean") return ColumnType::Boolean;
    if (t == "string") {
        if (format == "date") return ColumnType::Date;
        if (format == "date-time") return ColumnType::DateTime;
        return ColumnType::String;
    }
    return ColumnType::Json;
}
}  // namespace detail

// The ColumnType of one property schema (the value of json_schema.properties[name]).
inline ColumnType column_type_of(const boost::json::value& property) noexcept {
    if (!property.is_object()) return ColumnType::Json;
    const boost::json::object& p = property.as_object();
    std::string_view format;
    if (auto f = p.find("format"); f != p.end() && f->value().is_string()) format = f->value().as_string();
    auto type = p.find("type");
    if (type == p.end()) {
        if (auto ref = p.find("$ref"); ref != p.end() && ref->value().is_string())
            return detail::column_type_from_ref(ref->value().as_string());
        return ColumnType::Json;  // oneOf / anyOf / allOf / no type
    }
    if (type->value().is_string()) return detail::column_type_from_name(type->value().as_string(), format);
    if (type->value().is_array()) {
        std::string_view only;
        int n = 0;
        for (const auto& t : type->value().as_array()) {
            if (!t.is_string() || t.as_string() == "null") continue;
            only = t.as_string();
            ++n;
        }
        if (n == 1) return detail::column_type_from_name(only, format);
    }
    return ColumnType::Json;
}

// Whether a column of type `wide` keeps every value a column of type `narrow` keeps (see the widening rule above).
inline constexpr bool column_type_holds(ColumnType wide, ColumnType narrow) noexcept {
    if (wide == narrow || wide == ColumnType::String || wide == ColumnType::Json) return true;
    if (wide == ColumnType::Number) return narrow == ColumnType::Integer;
    if (wide == ColumnType::DateTime) return narrow == ColumnType::Date;
    return false;
}

// What to do with a column of type `existing` whose property now has type `wanted`.
struct ColumnWidening {
    enum Action { Keep, Widen, Incompatible } action = Keep;
    ColumnType type = ColumnType::String;  // the column's type afterwards
};

// Keep (the column holds `wanted`), Widen to `wanted` (it holds the column's values), or Incompatible (neither: keep
// the column; values it cannot hold are NULLed with a change per row).
inline constexpr ColumnWidening column_widening(ColumnType existing, ColumnType wanted) noexcept {
    if (column_type_holds(existing, wanted)) return {ColumnWidening::Keep, existing};
    if (column_type_holds(wanted, existing)) return {ColumnWidening::Widen, wanted};
    return {ColumnWidening::Incompatible, existing};
}

// The schema's name of a ColumnType, for messages ("integer", "number", "boolean", "string", "date", "date-time",
// "json").
inline constexpr const char* to_string(ColumnType t) noexcept {
    switch (t) {
        case ColumnType::Integer: return "integer";
        case ColumnType::Number: return "number";
        case ColumnType::Boolean: return "boolean";
        case ColumnType::String: return "string";
        case ColumnType::Date: return "date";
        case ColumnType::DateTime: return "date-time";
        case ColumnType::Json: return "json";
    }
    return "json";
}

}  // namespace connhost::sdk
