#include "table_reader.hpp"

#include <connhost/sdk/column_types.hpp>

#include "column_kind.hpp"
#include "names.hpp"
#include "stream_table.hpp"

#include <connhost/sdk/read_back.hpp>
#include <connhost/sdk/record_meta.hpp>

#include <unordered_map>
#include <vector>

namespace sqlitedest {

namespace {

struct StoredColumn {
    std::string name;
    std::string field;
    ColumnKind kind;
};

// The field columns of `table` in column order, each with the field it holds.
std::vector<StoredColumn> field_columns(Database& db, const std::string& table) {
    std::unordered_map<std::string, std::string> renamed;  // column -> field
    if (db.has_table(kColumnsTable)) {
        Statement map(db, std::string("SELECT column_name, field FROM ") + kColumnsTable + " WHERE table_name = ?1");
        map.bind_text_copy(1, table);
        while (map.step()) renamed[map.column_text(0)] = map.column_text(1);
    }
    std::vector<StoredColumn> out;
    Statement info(db, "SELECT name, type FROM pragma_table_info(?1)");
    info.bind_text_copy(1, table);
    while (info.step()) {
        std::string name = info.column_text(0);
        bool meta = false;
        for (const char* m : connhost::sdk::kMetaColumns) meta = meta || name == m;
        if (meta) continue;
        auto r = renamed.find(name);
        std::string field = r != renamed.end() ? r->second : name;
        out.push_back({std::move(name), std::move(field), kind_from_declared(info.column_text(1))});
    }
    return out;
}

void add_cell(connhost::sdk::StoredObject& obj, const StoredColumn& c, const Statement& row, int i) {
    switch (c.kind) {
        case ColumnKind::Number:
            if (connhost::sdk::is_special_number(row.column_text(i))) {
                obj.string(c.field, row.column_text(i));
                break;
            }
            [[fallthrough]];
        case ColumnKind::Integer:
        case ColumnKind::Json: obj.raw(c.field, row.column_text(i)); break;
        case ColumnKind::Boolean: obj.boolean(c.field, row.column_int(i) != 0); break;
        case ColumnKind::String: obj.string(c.field, row.column_text(i)); break;
    }
}

}  // namespace

void read_table(Database& db, const std::string& table, connhost::sdk::RecordBatchWriter& out) {
    if (!db.has_table(table)) return;
    const std::vector<StoredColumn> columns = field_columns(db, table);
    std::string select = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) select += (i ? ", " : "") + quote(columns[i].name);
    if (columns.empty()) select += "NULL";
    Statement rows(db, select + " FROM " + quote(table) + " ORDER BY rowid");
    connhost::sdk::StoredObject obj;
    while (rows.step()) {
        obj.clear();
        for (size_t i = 0; i < columns.size(); ++i)
            if (!rows.column_is_null(static_cast<int>(i))) add_cell(obj, columns[i], rows, static_cast<int>(i));
        out.add(obj.finish());
    }
}

}  // namespace sqlitedest
