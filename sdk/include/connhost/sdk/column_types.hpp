// Column types from JSON schema: which kind of SQL column a stream property maps to.
//
//   JSON schema of the property                          ColumnType
//   "integer" / $ref .../Integer                         Integer
//   "number"  / $ref .../Number                          Number
//   "number" with "format": "double" or "float"          Float (binary floating point)
//   "boolean" / $ref .../Boolean                         Boolean
//   "string" with "format": "date" / $ref .../Date       Date
//   "string" with "format": "date-time" / $ref
//       .../TimestampWithTimezone                        DateTime
//   "string" with "format": "date-time" and "airbyte_type":
//       "timestamp_without_timezone" / $ref
//       .../TimestampWithoutTimezone                     DateTimeLocal (no time zone)
//   "string" with "contentMediaType": "application/json" JsonText (JSON kept as its exact text)
//   "string" with "contentEncoding": "base64"            Binary (the decoded bytes)
//   "string" with "format": "duration"                   Duration (ISO 8601, "P1Y2M3DT4H5M6.5S", "PT-3M")
//   "string" (any other format) / other well-known $ref  String
//   "array" whose "items" is one scalar type above
//       (or an "anyOf" of it and nested arrays of it)    array_of(that type) (nested arrays: several dimensions)
//   object, other arrays, unions of several types, none  Json
// A ["null", T] union counts as T. An ["array", "string"] union whose "pattern" is kArrayBoundsPattern counts as
// "array": its strings are PostgreSQL array literals with explicit lower bounds ("[0:1]={1,2}"), which a destination
// with real arrays stores as such (others keep the string). A ["number", "string"] union whose "pattern" is
// kSpecialNumberPattern counts as "number": such a column also holds the strings "NaN", "Infinity" and "-Infinity" (the
// values a JSON number cannot carry), and a destination stores them as those values where its type can.
//
// Dates and timestamps travel as ISO 8601 text; a destination accepts also what PostgreSQL can hold:
// "infinity" / "-infinity", years past 9999 ("294276-12-31T23:59:59") and a " BC" suffix for years before
// year 1 ("0044-03-15 BC", "0044-03-15T12:00:00Z BC"). A destination chooses the SQL type of each ColumnType.
//
// Widening (a property's type changed since its column was made): column_widening() is the one rule every
// destination follows. A type holds another when every value a column of the other type keeps is kept by it:
//   Integer -> Number,  Float -> Number,  Date -> DateTimeLocal -> DateTime,  Date -> DateTime,
//   and every type -> String, Json; an array type holds the arrays whose element type its element type holds
// (text keeps any value as its text, jsonb any JSON value; a timestamp without zone is read as UTC). The column keeps
// its type when it already holds the new one, becomes the new type when that holds the old one (the destination
// converts the stored values), and keeps its type otherwise (Integer and Boolean, Date and Number...): then values it
// cannot hold are NULLed, each recorded in the row's _connhost_meta changes. A new ColumnType adds its edges to
// column_type_holds().
#pragma once
#include <boost/json.hpp>

#include <string_view>

namespace connhost::sdk {

enum class ColumnType {
    Integer,
    Number,
    Boolean,
    String,
    Date,
    DateTime,
    Json,
    Float,
    DateTimeLocal,
    JsonText,
    Binary,
    Duration
    // Array types are array_of(element): kArrayFlag | element, for each scalar type but Json (see is_array()).
};

// The bit array_of() sets on an element type; a value with it names no enumerator, so switches handle arrays first.
inline constexpr int kArrayFlag = 0x100;
// The type of an array (any number of dimensions) of `element` (a scalar type, not Json).
inline constexpr ColumnType array_of(ColumnType element) noexcept {
    return static_cast<ColumnType>(static_cast<int>(element) | kArrayFlag);
}
// Whether `t` is an array type (array_of some element).
inline constexpr bool is_array(ColumnType t) noexcept { return (static_cast<int>(t) & kArrayFlag) != 0; }
// The element type of an array type; `t` itself otherwise.
inline constexpr ColumnType array_element(ColumnType t) noexcept {
    return static_cast<ColumnType>(static_cast<int>(t) & ~kArrayFlag);
}

// The "pattern" of an ["array", "string"] property whose strings are PostgreSQL array literals with explicit bounds
// ("[0:1]={1,2}", "[1:1][-2:-1]={{a,b}}"); JSON Schema applies it to strings only, so every array stays valid.
inline constexpr const char* kArrayBoundsPattern = "^(\\[-?[0-9]+:-?[0-9]+\\])+=\\{";

// The "pattern" of a ["number", "string"] property whose strings are the special floating-point values
// (JSON Schema applies "pattern" to strings only, so every number stays valid).
inline constexpr const char* kSpecialNumberPattern = "^(NaN|Infinity|-Infinity)$";

// True for the three special values a number column may carry as strings.
inline bool is_special_number(std::string_view s) noexcept { return s == "NaN" || s == "Infinity" || s == "-Infinity"; }

inline ColumnType column_type_of(const boost::json::value& property) noexcept;

namespace detail {
inline bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
inline ColumnType column_type_from_ref(std::string_view ref) noexcept {
    if (ends_with(ref, "/Integer")) return ColumnType::Integer;
    if (ends_with(ref, "/Number")) return ColumnType::Number;
    if (ends_with(ref, "/Boolean")) return ColumnType::Boolean;
    if (ends_with(ref, "/Date")) return ColumnType::Date;
    if (ends_with(ref, "/TimestampWithTimezone")) return ColumnType::DateTime;
    if (ends_with(ref, "/TimestampWithoutTimezone")) return ColumnType::DateTimeLocal;
    if (ref.find("/definitions/") != std::string_view::npos) return ColumnType::String;
    return ColumnType::Json;
}
inline std::string_view string_member(const boost::json::object& p, std::string_view key) noexcept {
    auto it = p.find(key);
    return it != p.end() && it->value().is_string() ? std::string_view(it->value().as_string()) : std::string_view();
}
// The type of an array property `p`: array_of(the one scalar type its "items" has, directly or as every alternative of
// an "anyOf" of it and nested arrays of it); Json when the items are of no one scalar type.
inline ColumnType array_type(const boost::json::object& p) noexcept {
    auto items = p.find("items");
    if (items == p.end() || !items->value().is_object()) return ColumnType::Json;
    const boost::json::object& it = items->value().as_object();
    ColumnType element = ColumnType::Json;
    auto any = it.find("anyOf");
    if (any != it.end() && any->value().is_array() && !any->value().as_array().empty()) {
        element = array_element(column_type_of(any->value().as_array().front()));
        for (const auto& alt : any->value().as_array())
            if (array_element(column_type_of(alt)) != element) return ColumnType::Json;
    } else {
        element = array_element(column_type_of(items->value()));
    }
    return element == ColumnType::Json ? ColumnType::Json : array_of(element);
}
inline ColumnType column_type_from_name(std::string_view t, const boost::json::object& p) noexcept {
    const std::string_view format = string_member(p, "format");
    if (t == "integer") return ColumnType::Integer;
    if (t == "number") return format == "double" || format == "float" ? ColumnType::Float : ColumnType::Number;
    if (t == "boolean") return ColumnType::Boolean;
    if (t == "string") {
        if (format == "date") return ColumnType::Date;
        if (format == "duration") return ColumnType::Duration;
        if (format == "date-time")
            return string_member(p, "airbyte_type") == "timestamp_without_timezone" ? ColumnType::DateTimeLocal
                                                                                    : ColumnType::DateTime;
        if (string_member(p, "contentMediaType") == "application/json") return ColumnType::JsonText;
        if (string_member(p, "contentEncoding") == "base64") return ColumnType::Binary;
        return ColumnType::String;
    }
    if (t == "array") return array_type(p);
    return ColumnType::Json;
}
}  // namespace detail

// The ColumnType of one property schema (the value of json_schema.properties[name]).
inline ColumnType column_type_of(const boost::json::value& property) noexcept {
    if (!property.is_object()) return ColumnType::Json;
    const boost::json::object& p = property.as_object();
    auto type = p.find("type");
    if (type == p.end()) {
        if (auto ref = p.find("$ref"); ref != p.end() && ref->value().is_string())
            return detail::column_type_from_ref(ref->value().as_string());
        return ColumnType::Json;  // oneOf / anyOf / allOf / no type
    }
    if (type->value().is_string()) return detail::column_type_from_name(type->value().as_string(), p);
    if (type->value().is_array()) {
        std::string_view only;
        int n = 0;
        bool number = false, string = false, array = false;
        for (const auto& t : type->value().as_array()) {
            if (!t.is_string() || t.as_string() == "null") continue;
            only = t.as_string();
            number = number || only == "number";
            string = string || only == "string";
            array = array || only == "array";
            ++n;
        }
        if (n == 1) return detail::column_type_from_name(only, p);
        if (n == 2 && number && string && detail::string_member(p, "pattern") == kSpecialNumberPattern)
            return detail::column_type_from_name("number", p);
        if (n == 2 && array && string && detail::string_member(p, "pattern") == kArrayBoundsPattern)
            return detail::array_type(p);
    }
    return ColumnType::Json;
}

// Whether a column of type `wide` keeps every value a column of type `narrow` keeps (see the widening rule above).
inline constexpr bool column_type_holds(ColumnType wide, ColumnType narrow) noexcept {
    if (wide == narrow || wide == ColumnType::String || wide == ColumnType::Json) return true;
    if (is_array(wide) || is_array(narrow))  // an array holds the arrays whose elements its element holds
        return is_array(wide) && is_array(narrow) && column_type_holds(array_element(wide), array_element(narrow));
    if (wide == ColumnType::Number) return narrow == ColumnType::Integer || narrow == ColumnType::Float;
    if (wide == ColumnType::DateTime) return narrow == ColumnType::Date || narrow == ColumnType::DateTimeLocal;
    if (wide == ColumnType::DateTimeLocal) return narrow == ColumnType::Date;
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

// The schema's name of a ColumnType, for messages ("integer", "number", "date-time without time zone"...).
inline constexpr const char* to_string(ColumnType t) noexcept {
    if (is_array(t)) {
        switch (array_element(t)) {
            case ColumnType::Integer: return "array of integer";
            case ColumnType::Number: return "array of number";
            case ColumnType::Float: return "array of number (double)";
            case ColumnType::Boolean: return "array of boolean";
            case ColumnType::Date: return "array of date";
            case ColumnType::DateTime: return "array of date-time";
            case ColumnType::DateTimeLocal: return "array of date-time without time zone";
            case ColumnType::JsonText: return "array of JSON text";
            case ColumnType::Binary: return "array of base64 bytes";
            case ColumnType::Duration: return "array of duration";
            default: return "array of string";
        }
    }
    switch (t) {
        case ColumnType::Integer: return "integer";
        case ColumnType::Number: return "number";
        case ColumnType::Boolean: return "boolean";
        case ColumnType::String: return "string";
        case ColumnType::Date: return "date";
        case ColumnType::DateTime: return "date-time";
        case ColumnType::Json: return "json";
        case ColumnType::Float: return "number (double)";
        case ColumnType::DateTimeLocal: return "date-time without time zone";
        case ColumnType::JsonText: return "JSON text";
        case ColumnType::Binary: return "base64 bytes";
        case ColumnType::Duration: return "duration";
    }
    return "json";
}

}  // namespace connhost::sdk
