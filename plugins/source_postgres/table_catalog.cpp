#include "table_catalog.hpp"

#include <connhost/sdk/column_types.hpp>

#include <map>
#include <utility>

namespace pgsource {

namespace json = boost::json;

Kind kind_of(std::string_view t) {
    if (t == "int2" || t == "int4" || t == "int8" || t == "oid" || t == "xid" || t == "cid") return Kind::Integer;
    if (t == "numeric") return Kind::Numeric;
    if (t == "float4" || t == "float8") return Kind::Float;
    if (t == "bool") return Kind::Boolean;
    if (t == "date") return Kind::Date;
    if (t == "time") return Kind::Time;
    if (t == "timetz") return Kind::TimeTz;
    if (t == "timestamp") return Kind::Timestamp;
    if (t == "timestamptz") return Kind::TimestampTz;
    if (t == "json" || t == "jsonb") return Kind::Json;
    if (t == "bytea") return Kind::Bytea;
    if (t == "interval") return Kind::Interval;
    return Kind::String;
}

bool keeps_bounds(const Column& c) { return c.kind == Kind::Array && c.delim == ','; }

bool is_cursor_candidate(const Column& c) {
    return c.kind == Kind::Integer || c.kind == Kind::Date || c.kind == Kind::Timestamp || c.kind == Kind::TimestampTz;
}

std::string text_array_literal(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::vector<Table> load_tables(PgSession& db, const std::vector<std::string>& schemas) {
    const std::vector<std::string> params{text_array_literal(schemas)};
    PgResult cols = db.query(R"SQL(
        SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
               bt.typname, bt.typcategory::text, coalesce(et.typname, ''), coalesce(et.typdelim::text, ','),
               a.attnotnull, c.relkind::text
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
          AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname, a.attnum)SQL",
                             params, "listing the tables and columns");
    std::vector<Table> tables;
    std::map<std::pair<std::string, std::string>, size_t> index;
    for (int r = 0; r < cols.rows(); ++r) {
        std::string schema = cols.text(r, 0), name = cols.text(r, 1);
        auto key = std::make_pair(schema, name);
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.emplace(key, tables.size()).first;
            tables.push_back(Table{schema, name, {}, {}, cols.text(r, 9)});
        }
        Column c;
        c.name = cols.text(r, 2);
        c.sql_type = cols.text(r, 3);
        if (cols.view(r, 5) == "A") {
            c.kind = Kind::Array;
            c.elem = kind_of(cols.view(r, 6));
            std::string_view d = cols.view(r, 7);
            c.delim = d.empty() ? ',' : d[0];
        } else {
            c.kind = kind_of(cols.view(r, 4));
        }
        c.not_null = cols.view(r, 8) == "t";
        tables[it->second].columns.push_back(std::move(c));
    }
    PgResult pks = db.query(R"SQL(
        SELECT n.nspname, c.relname, a.attname
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE i.indisprimary AND n.nspname = ANY($1::text[])
        ORDER BY n.nspname, c.relname, k.ord)SQL",
                            params, "listing the primary keys");
    for (int r = 0; r < pks.rows(); ++r) {
        auto it = index.find({pks.text(r, 0), pks.text(r, 1)});
        if (it != index.end()) tables[it->second].primary_key.push_back(pks.text(r, 2));
    }
    return tables;
}

namespace {

// A string property of `format`, with Airbyte's `airbyte_type` when it is not null.
json::object string_schema(const char* format, const char* airbyte_type = nullptr) {
    json::object p{{"type", "string"}};
    if (format) p["format"] = format;
    if (airbyte_type) p["airbyte_type"] = airbyte_type;
    return p;
}

// A number that may also be one of the strings "NaN", "Infinity", "-Infinity" (numeric and float hold them).
json::object special_number_schema(const char* format) {
    json::object p{{"type", json::array{"number", "string"}}, {"pattern", connhost::sdk::kSpecialNumberPattern}};
    if (format) p["format"] = format;
    return p;
}

json::object scalar_schema(Kind k) {
    switch (k) {
        case Kind::Integer: return {{"type", "integer"}};
        case Kind::Numeric: return special_number_schema(nullptr);
        case Kind::Float: return special_number_schema("double");
        case Kind::Boolean: return {{"type", "boolean"}};
        case Kind::Date: return string_schema("date");
        case Kind::Time: return string_schema("time", "time_without_timezone");
        case Kind::TimeTz: return string_schema("time", "time_with_timezone");
        case Kind::Timestamp: return string_schema("date-time", "timestamp_without_timezone");
        case Kind::TimestampTz: return string_schema("date-time", "timestamp_with_timezone");
        case Kind::Json: return {{"type", "string"}, {"contentMediaType", "application/json"}};
        case Kind::Bytea: return {{"type", "string"}, {"contentEncoding", "base64"}};
        case Kind::Interval: return string_schema("duration");
        case Kind::Array: return {{"type", "array"}};
        case Kind::String: break;
    }
    return string_schema(nullptr);
}

// Adds "null" to the property's type (a nullable column).
void make_nullable(json::object& p) {
    json::value& t = p["type"];
    if (t.is_string()) {
        t = json::array{"null", t.as_string()};
    } else if (t.is_array()) {
        t.as_array().insert(t.as_array().begin(), "null");
    }
}

// PostgreSQL's limit on array dimensions (MAXDIM).
constexpr int kMaxArrayDims = 6;

// The schema of an array column's items: PostgreSQL ignores the declared dimensions (an int[] column may hold
// [[1,2],[3,4]]), so an item is a nullable element or a nested array, down to kMaxArrayDims levels in all.
json::object array_items_schema(Kind elem, int dims_left) {
    json::object element = scalar_schema(elem);
    make_nullable(element);
    if (dims_left <= 1) return element;
    json::object nested{{"type", "array"}, {"items", array_items_schema(elem, dims_left - 1)}};
    return {{"anyOf", json::array{std::move(element), std::move(nested)}}};
}

}  // namespace

json::object stream_json(const Table& t) {
    json::object props;
    json::array candidates;
    for (const auto& c : t.columns) {
        json::object p = scalar_schema(c.kind);
        if (c.kind == Kind::Array) p["items"] = array_items_schema(c.elem, kMaxArrayDims);
        if (keeps_bounds(c)) {  // an array with other lower bounds than 1 travels as its literal ("[0:1]={1,2}")
            p["type"] = json::array{"array", "string"};
            p["pattern"] = connhost::sdk::kArrayBoundsPattern;
        }
        if (!c.not_null) make_nullable(p);
        props[c.name] = std::move(p);
        if (is_cursor_candidate(c)) candidates.push_back(json::array{json::string(c.name)});
    }
    json::object schema;
    schema["type"] = "object";
    schema["properties"] = std::move(props);
    json::object s;
    s["name"] = t.name;
    s["namespace"] = t.schema;
    s["json_schema"] = std::move(schema);
    s["supported_sync_modes"] = json::array{"full_refresh", "incremental"};
    s["source_defined_cursor"] = false;
    s["default_cursor_field"] = json::array{};
    json::array pk;
    for (const auto& k : t.primary_key) pk.push_back(json::array{json::string(k)});
    s["source_defined_primary_key"] = std::move(pk);
    s["cursor_candidates"] = std::move(candidates);
    // A full refresh of it checkpoints by primary key or ctid (read_position.hpp), so a killed one can resume.
    s["is_resumable"] = !t.primary_key.empty() || t.relkind == "r" || t.relkind == "m";
    return s;
}

}  // namespace pgsource
