#include "table_reader.hpp"

#include "pg_names.hpp"
#include "stream_table.hpp"

#include <connhost/sdk/read_back.hpp>
#include <connhost/sdk/record_meta.hpp>

#include <optional>
#include <unordered_map>
#include <vector>

namespace pgdest {

using connhost::sdk::ColumnType;

namespace {

constexpr int kFetchRows = 10000;

struct StoredColumn {
    std::string name;
    std::string field;
    ColumnType type;
};

// The field columns of `qualified` in column order, each with the field it holds; nullopt when there is no table.
std::optional<std::vector<StoredColumn>> field_columns(PgConnection& conn, const std::string& qualified,
                                                       const connhost::sdk::ConfiguredStream& stream) {
    std::unordered_map<std::string, std::string> field_of;  // column -> schema property
    if (auto p = stream.json_schema.find("properties"); p != stream.json_schema.end() && p->value().is_object())
        for (const auto& prop : p->value().as_object()) field_of[column_name(prop.key())] = prop.key();
    PgResult r = conn.query(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        {qualified}, "reading the columns of " + qualified);
    if (r.rows() == 0) return std::nullopt;  // a table always has the metadata columns
    std::vector<StoredColumn> out;
    for (int i = 0; i < r.rows(); ++i) {
        std::string name = r.text(i, 0);
        bool meta = false;
        for (const char* m : connhost::sdk::kMetaColumns) meta = meta || name == m;
        if (meta) continue;
        auto f = field_of.find(name);
        std::string field = f != field_of.end() ? f->second : name;
        out.push_back({std::move(name), std::move(field), type_from_sql(r.text(i, 1))});
    }
    return out;
}

// The select-list expression of a column: timestamps as ISO 8601 text, arrays as JSON, everything else in its text
// output.
std::string select_expr(const StoredColumn& c) {
    if (connhost::sdk::is_array(c.type)) return "to_json(" + quote(c.name) + ")";
    if (c.type == ColumnType::Binary) return "translate(encode(" + quote(c.name) + ", 'base64'), E'\\n', '')";
    if (c.type == ColumnType::DateTime || c.type == ColumnType::DateTimeLocal)
        return "to_json(" + quote(c.name) + ") #>> '{}'";
    return quote(c.name);
}

void add_cell(connhost::sdk::StoredObject& obj, const StoredColumn& c, std::string_view text) {
    if (connhost::sdk::is_array(c.type)) {
        obj.raw(c.field, text);
        return;
    }
    switch (c.type) {
        case ColumnType::Integer: obj.raw(c.field, text); break;
        case ColumnType::Number:
        case ColumnType::Float:
            if (connhost::sdk::is_special_number(text))
                obj.string(c.field, text);
            else
                obj.raw(c.field, text);
            break;
        case ColumnType::Boolean: obj.boolean(c.field, text == "t"); break;
        case ColumnType::Json: obj.raw(c.field, text); break;
        case ColumnType::String:
        case ColumnType::Date:
        case ColumnType::DateTime:
        case ColumnType::DateTimeLocal:
        case ColumnType::JsonText:
        case ColumnType::Binary:
        case ColumnType::Duration: obj.string(c.field, text); break;
    }
}

}  // namespace

void read_table(PgConnection& conn, const std::string& schema, const std::string& table,
                const connhost::sdk::ConfiguredStream& stream, connhost::sdk::RecordBatchWriter& out) {
    const std::string qualified = quote(schema) + "." + quote(table);
    conn.exec("BEGIN READ ONLY", "BEGIN");
    const std::optional<std::vector<StoredColumn>> found = field_columns(conn, qualified, stream);
    if (!found) {
        conn.exec("COMMIT", "COMMIT");
        return;
    }
    const std::vector<StoredColumn>& columns = *found;
    std::string select = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) select += (i ? ", " : "") + select_expr(columns[i]);
    if (columns.empty()) select += "NULL";
    conn.exec("DECLARE connhost_read_back NO SCROLL CURSOR FOR " + select + " FROM " + qualified + " ORDER BY ctid",
              "reading " + qualified);
    connhost::sdk::StoredObject obj;
    for (;;) {
        PgResult r =
            conn.query("FETCH " + std::to_string(kFetchRows) + " FROM connhost_read_back", {}, "reading " + qualified);
        for (int row = 0; row < r.rows(); ++row) {
            obj.clear();
            for (size_t i = 0; i < columns.size(); ++i)
                if (!r.is_null(row, static_cast<int>(i))) add_cell(obj, columns[i], r.view(row, static_cast<int>(i)));
            out.add(obj.finish());
        }
        if (r.rows() < kFetchRows) break;
    }
    conn.exec("COMMIT", "COMMIT");
}

}  // namespace pgdest
