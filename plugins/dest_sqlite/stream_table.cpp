#include "stream_table.hpp"

#include <connhost/sdk/column_types.hpp>

#include "names.hpp"

#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/status.hpp>

#include <cstdint>
#include <stdexcept>

namespace sqlitedest {

using connhost::sdk::ConfigError;
using connhost::sdk::ConfiguredStream;
using connhost::sdk::Field;
using connhost::sdk::FieldKind;
using connhost::sdk::FieldPath;
using connhost::sdk::IntegerText;

namespace {

using connhost::sdk::kMetaColumns;
const ColumnKind kMetaKinds[connhost::sdk::kMetaColumnCount] = {
    ColumnKind::String, ColumnKind::String, ColumnKind::Integer, ColumnKind::Json, ColumnKind::Integer};
constexpr int kMetaCount = connhost::sdk::kMetaColumnCount;

const char* kTypecast = "DESTINATION_TYPECAST_ERROR";
const char* kTooLarge = "DESTINATION_FIELD_SIZE_LIMITATION";

// SQLite says this with a plain SQLITE_ERROR, leaving the table as it was.
bool too_many_columns(const connhost::sdk::SystemError& e) {
    return std::string_view(e.what()).find("too many columns") != std::string_view::npos;
}

// The metadata columns' definitions, as in CREATE TABLE.
std::string meta_column_defs() {
    std::string defs;
    for (int i = 0; i < kMetaCount; ++i)
        defs += std::string(i ? ", " : "") + quote(kMetaColumns[i]) + " " + declared_type(kMetaKinds[i]);
    return defs;
}

std::string replace_nul(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\0')
            out += "\xEF\xBF\xBD";  // U+FFFD: SQL text cannot hold NUL
        else
            out.push_back(c);
    }
    return out;
}

}  // namespace

StreamTable::StreamTable(Database& db, const ConfiguredStream& stream, std::string table, bool fresh,
                         connhost::sdk::Host host)
    : db_(db),
      host_(host),
      stream_(stream),
      table_(std::move(table)),
      dedup_(stream.destination_sync_mode == connhost::sdk::DestinationSyncMode::AppendDedup) {
    if (fresh) {
        db_.exec("DROP TABLE IF EXISTS " + quote(table_));
        Statement del(db_, std::string("DELETE FROM ") + kColumnsTable + " WHERE table_name = ?1");
        del.bind_text_copy(1, table_);
        del.run();
    }
    if (!create_with_schema_columns())
        db_.exec("CREATE TABLE IF NOT EXISTS " + quote(table_) + " (" + meta_column_defs() + ")");
    load_existing();
    fit_schema_columns();

    if (dedup_) {
        if (stream.primary_key.empty())
            throw ConfigError("stream " + stream.display_name() +
                              " is append_dedup but has no primary_key: set primary_key in the catalog, or use append");
        std::string cols;
        for (const FieldPath& pk : stream.primary_key) {
            key_columns_.push_back(key_column(pk, "primary_key"));
            cols += (cols.empty() ? "" : ", ") + quote(columns_[key_columns_.back()].name);
        }
        if (!stream.cursor_field.empty()) cursor_column_ = key_column(stream.cursor_field, "cursor_field");
        db_.exec("CREATE INDEX IF NOT EXISTS " + quote("_connhost_pk__" + table_) + " ON " + quote(table_) + " (" +
                 cols + ")");
    }
}

// One statement, because each ALTER TABLE ... ADD COLUMN re-reads the whole table definition: a stream of 2000 fields
// took 9 s to open when its columns were added one at a time.
bool StreamTable::create_with_schema_columns() {
    auto p = stream_.json_schema.find("properties");
    if (p == stream_.json_schema.end() || !p->value().is_object() || db_.has_table(table_)) return false;
    std::unordered_set<std::string> taken;
    std::string create = "CREATE TABLE " + quote(table_) + " (" + meta_column_defs();
    for (int i = 0; i < kMetaCount; ++i) taken.insert(fold(kMetaColumns[i]));
    std::vector<std::pair<std::string, std::string>> names;  // field -> column
    for (const auto& prop : p->value().as_object()) {
        std::string name = free_name(std::string(prop.key()), taken);
        create += ", " + quote(name) + " " + declared_type(kind_from_schema(prop.value()));
        taken.insert(fold(name));
        names.emplace_back(std::string(prop.key()), std::move(name));
    }
    try {
        db_.exec(create + ")");
    } catch (const connhost::sdk::SystemError& e) {
        if (!too_many_columns(e)) throw;
        schema_too_wide(e.what());
    }
    for (const auto& [field, name] : names) record_column_name(field, name);
    return true;
}

void StreamTable::schema_too_wide(const std::string& refusal) const {
    throw ConfigError("stream " + stream_.display_name() + ": its schema in the catalog has " +
                      std::to_string(stream_.json_schema.at("properties").as_object().size()) +
                      " fields, more columns than SQLite allows in one table (" + refusal +
                      "): deselect fields in the catalog so that the table fits, or use dest_pg");
}

void StreamTable::fit_schema_columns() {
    auto p = stream_.json_schema.find("properties");
    if (p == stream_.json_schema.end() || !p->value().is_object()) return;
    std::unordered_map<int, ColumnKind> wider;         // column -> its new kind
    std::vector<std::pair<int, std::string>> notes;    // widened column -> what to log
    for (const auto& prop : p->value().as_object()) {  // in schema order
        const ColumnKind wanted = kind_from_schema(prop.value());
        int col = 0;
        try {
            col = column_for(std::string(prop.key()), wanted);
        } catch (const RecordRefused& e) {  // no record to set aside: the catalog itself asks too much
            schema_too_wide(e.what());
        }
        const ColumnKind have = columns_[col].kind;
        // JSON text (source_postgres json) into a JSON_TEXT column of an earlier sync: store the JSON itself.
        columns_[col].json_text_in_json = have == ColumnKind::Json &&
            connhost::sdk::column_type_of(prop.value()) == connhost::sdk::ColumnType::JsonText;
        const auto w = connhost::sdk::column_widening(column_type_of_kind(have), column_type_of_kind(wanted));
        if (w.action == connhost::sdk::ColumnWidening::Keep) continue;
        const std::string about = "stream " + stream_.display_name() + ": field \"" + std::string(prop.key()) +
            "\" is " + connhost::sdk::to_string(connhost::sdk::column_type_of(prop.value())) + " in the catalog";
        if (w.action == connhost::sdk::ColumnWidening::Incompatible) {
            warn_kept(about, col, std::string("cannot widen to ") + declared_type(wanted) + " without losing values");
            continue;
        }
        wider[col] = kind_of_column_type(w.type);
        notes.emplace_back(col, about);
    }
    if (wider.empty()) return;
    const std::string refused = rebuild_widened(wider);
    for (const auto& [col, about] : notes) {
        if (!refused.empty()) {
            warn_kept(about, col,
                      "could not be widened to " + std::string(declared_type(wider[col])) + " (" + refused + ")");
            continue;
        }
        host_.info(about + ": widened column " + quote(columns_[col].name) + " of table " + quote(table_) + " to " +
                   declared_type(wider[col]) + ", keeping its values");
    }
}

void StreamTable::warn_kept(const std::string& about, int col, const std::string& why) {
    host_.warn(about + ", but its column " + quote(columns_[col].name) + " of table " + quote(table_) + " is " +
               declared_type(columns_[col].kind) + " and " + why +
               ": the column stays; values it cannot hold are NULLed, each recorded in _connhost_meta "
               "(DESTINATION_TYPECAST_ERROR). To keep them, rename or drop the column and sync again");
}

std::string StreamTable::rebuild_widened(const std::unordered_map<int, ColumnKind>& wider) {
    std::unordered_map<std::string, int> index;  // column name -> columns_ index
    for (size_t i = 0; i < columns_.size(); ++i) index[columns_[i].name] = static_cast<int>(i);
    const std::string rebuilt = "_connhost_widen_" + table_;
    std::string defs, cols, exprs;
    {
        Statement info(db_, "SELECT name, type FROM pragma_table_info(?1)");  // physical order, declared types
        info.bind_text_copy(1, table_);
        while (info.step()) {
            const std::string name = info.column_text(0);
            std::string type = info.column_text(1), expr = quote(name);
            if (auto i = index.find(name); i != index.end())
                if (auto w = wider.find(i->second); w != wider.end()) {
                    expr = widen_expr(quote(name), columns_[i->second].kind, w->second);
                    type = declared_type(w->second);
                }
            defs += (defs.empty() ? "" : ", ") + quote(name) + " " + type;
            cols += ", " + quote(name);
            exprs += ", " + expr;
        }
    }
    db_.exec("SAVEPOINT connhost_widen");
    try {
        db_.exec("DROP TABLE IF EXISTS " + quote(rebuilt) + "; CREATE TABLE " + quote(rebuilt) + " (" + defs +
                 "); INSERT INTO " + quote(rebuilt) + " (rowid" + cols + ") SELECT rowid" + exprs + " FROM " +
                 quote(table_) + " ORDER BY rowid; DROP TABLE " + quote(table_) + "; ALTER TABLE " + quote(rebuilt) +
                 " RENAME TO " + quote(table_));
    } catch (const connhost::sdk::Error& e) {  // say a view names the table: it stays as it was
        db_.exec("ROLLBACK TO SAVEPOINT connhost_widen; RELEASE SAVEPOINT connhost_widen");
        return e.what();
    }
    db_.exec("RELEASE SAVEPOINT connhost_widen");
    for (const auto& [col, kind] : wider) columns_[col].kind = kind;
    stale_ = true;
    return {};
}

int StreamTable::key_column(const FieldPath& path, const char* what) {
    if (path.size() != 1)
        throw ConfigError("stream " + stream_.display_name() + ": " + what +
                          " paths into nested objects are not supported by dest_sqlite: use top-level fields");
    ColumnKind kind = ColumnKind::Json;
    if (auto p = stream_.json_schema.find("properties"); p != stream_.json_schema.end() && p->value().is_object())
        if (auto f = p->value().as_object().find(path[0]); f != p->value().as_object().end())
            kind = kind_from_schema(f->value());
    return column_for(path[0], kind);
}

void StreamTable::load_existing() {
    std::vector<Column> existing;
    {
        Statement info(db_, "SELECT name, type FROM pragma_table_info(?1)");
        info.bind_text_copy(1, table_);
        while (info.step()) existing.push_back({info.column_text(0), kind_from_declared(info.column_text(1))});
        info.reset();
    }
    // Metadata columns first (added if a table of an older shape lacks one).
    for (int i = 0; i < kMetaCount; ++i) {
        bool found = false;
        for (const Column& c : existing) found = found || c.name == kMetaColumns[i];
        if (!found)
            db_.exec("ALTER TABLE " + quote(table_) + " ADD COLUMN " + quote(kMetaColumns[i]) + " " +
                     declared_type(kMetaKinds[i]));
        columns_.push_back({kMetaColumns[i], kMetaKinds[i]});
        taken_.insert(fold(kMetaColumns[i]));
    }
    std::unordered_map<std::string, std::string> renamed;  // column -> field
    {
        Statement map(db_, std::string("SELECT field, column_name FROM ") + kColumnsTable + " WHERE table_name = ?1");
        map.bind_text_copy(1, table_);
        while (map.step()) renamed[map.column_text(1)] = map.column_text(0);
        map.reset();
    }
    for (const Column& c : existing) {
        if (taken_.count(fold(c.name))) continue;  // a metadata column
        int idx = static_cast<int>(columns_.size());
        columns_.push_back(c);
        taken_.insert(fold(c.name));
        auto r = renamed.find(c.name);
        by_field_[r != renamed.end() ? r->second : c.name] = idx;
    }
}

std::string StreamTable::free_name(const std::string& field, const std::unordered_set<std::string>& taken) {
    std::string base = field.find('\0') == std::string::npos ? field : replace_nul(field);
    if (!taken.count(fold(base))) return base;
    for (int n = 2;; ++n) {
        std::string candidate = base + "_" + std::to_string(n);
        if (!taken.count(fold(candidate))) return candidate;
    }
}

void StreamTable::record_column_name(const std::string& field, const std::string& name) {
    if (name == field) return;
    Statement ins(db_,
                  std::string("INSERT OR REPLACE INTO ") + kColumnsTable +
                      " (table_name, field, column_name) VALUES (?1, ?2, ?3)");
    ins.bind_text_copy(1, table_);
    ins.bind_text_copy(2, field);
    ins.bind_text_copy(3, name);
    ins.run();
}

int StreamTable::column_for(const std::string& field, ColumnKind kind_if_new) {
    if (auto it = by_field_.find(field); it != by_field_.end()) return it->second;
    std::string name = free_name(field, taken_);
    try {
        db_.exec("ALTER TABLE " + quote(table_) + " ADD COLUMN " + quote(name) + " " + declared_type(kind_if_new));
    } catch (const connhost::sdk::SystemError& e) {
        if (!too_many_columns(e)) throw;  // the table is unchanged, and records without the field still fit
        throw RecordRefused("stream " + stream_.display_name() + ": field \"" + field +
                            "\" needs a new column, but the table has SQLite's maximum number of columns: " + e.what());
    }
    record_column_name(field, name);
    int idx = static_cast<int>(columns_.size());
    columns_.push_back({name, kind_if_new});
    taken_.insert(fold(name));
    by_field_[field] = idx;
    stale_ = true;
    return idx;
}

void StreamTable::prepare() {
    std::string cols, params;
    for (size_t i = 0; i < columns_.size(); ++i) {
        cols += (i ? ", " : "") + quote(columns_[i].name);
        params += (i ? ", ?" : "?") + std::to_string(i + 1);
    }
    insert_ = Statement(db_, "INSERT INTO " + quote(table_) + " (" + cols + ") VALUES (" + params + ")");
    if (dedup_) {
        // After inserting row ?1, delete whichever of it and the older row with the same key loses:
        // the greater cursor wins (NULL loses), then the later extraction time, then the newer row.
        auto cur = [&](const char* alias) {
            if (cursor_column_ < 0) return std::string("NULL");
            std::string c = std::string(alias) + "." + quote(columns_[cursor_column_].name);
            return columns_[cursor_column_].kind == ColumnKind::Number ? "CAST(" + c + " AS NUMERIC)" : c;
        };
        std::string same_key;
        for (int k : key_columns_) same_key += " AND o." + quote(columns_[k].name) + " IS n." + quote(columns_[k].name);
        const std::string ext = quote(kMetaColumns[connhost::sdk::kExtractedAtColumn]);
        std::string new_wins = "(" + cur("n") + " IS NOT NULL AND (" + cur("o") + " IS NULL OR " + cur("n") + " > " +
            cur("o") + ")) OR (" + cur("n") + " IS " + cur("o") + " AND n." + ext + " >= o." + ext + ")";
        dedup_delete_ =
            Statement(db_,
                      "DELETE FROM " + quote(table_) + " WHERE rowid IN (SELECT CASE WHEN " + new_wins +
                          " THEN o.rowid ELSE n.rowid END FROM " + quote(table_) + " AS n, " + quote(table_) +
                          " AS o WHERE n.rowid = ?1 AND o.rowid <> n.rowid" + same_key + ")");
    }
    stale_ = false;
}

void StreamTable::retarget(std::string table) {
    table_ = std::move(table);
    insert_ = Statement();
    dedup_delete_ = Statement();
    stale_ = true;
}

void StreamTable::write(const connhost::sdk::BatchView& batch) {
    connhost::sdk::write_each_record(host_, batch, [this](const connhost::sdk::RecordView& r) { write_record(r); });
}

void StreamTable::write_record(const connhost::sdk::RecordView& rec) {
    try {
        connhost::sdk::record_fields(rec, members_);
    } catch (const std::invalid_argument& e) {
        throw ConfigError("stream " + stream_.display_name() + ": " + e.what());
    }
    slots_.clear();
    for (const Field& m : members_) {
        if (m.key_escaped)
            key_ = connhost::sdk::json_unescape(m.key);
        else
            key_.assign(m.key.data(), m.key.size());
        slots_.push_back(column_for(key_, ColumnKind::Json));  // a field the schema does not name
    }
    if (stale_) prepare();
    if (bufs_.size() < columns_.size()) bufs_.resize(columns_.size());

    insert_.clear_bindings();
    changes_.clear();
    uuids_.next(uuid_);
    insert_.bind_text_static(1 + connhost::sdk::kRawIdColumn, std::string_view(uuid_, 36));
    extracted_at_.clear();
    connhost::sdk::append_iso8601_utc_ms(extracted_at_, rec.emitted_at_ms);
    insert_.bind_text_static(1 + connhost::sdk::kExtractedAtColumn, extracted_at_);
    insert_.bind_int(1 + connhost::sdk::kGenerationIdColumn, stream_.generation_id);
    insert_.bind_int(1 + connhost::sdk::kSyncIdColumn, stream_.sync_id);
    for (size_t i = 0; i < members_.size(); ++i) bind_value(slots_[i], members_[i]);
    connhost::sdk::build_record_meta(meta_, rec.meta, changes_);
    insert_.bind_text_static(1 + connhost::sdk::kMetaJsonColumn, meta_);
    insert_.run();
    tally_.add(changes_);
    if (dedup_) {
        dedup_delete_.bind_int(1, sqlite3_last_insert_rowid(db_.handle()));
        dedup_delete_.run();
    }
}

void StreamTable::bind_value(int col, const Field& m) {
    const int param = col + 1;
    std::string& buf = bufs_[col];
    auto nulled = [&](const char* reason) {
        insert_.bind_null(param);
        for (const auto& [field, idx] : by_field_)
            if (idx == col) {
                changes_.push_back({field, "NULLED", reason});
                break;
            }
    };
    auto bind_json = [&] {
        buf.clear();
        if (m.kind == FieldKind::String) {
            buf.push_back('"');
            buf.append(m.value);
            buf.push_back('"');
        } else if (m.kind == FieldKind::Object || m.kind == FieldKind::Array) {
            connhost::sdk::append_json_compact(buf, m.value);
        } else {
            buf.assign(m.value);
        }
        insert_.bind_text_static(param, buf);
    };
    if (m.kind == FieldKind::Null) {
        insert_.bind_null(param);
        return;
    }
    switch (columns_[col].kind) {
        case ColumnKind::Integer: {
            int64_t v = 0;
            const IntegerText r =
                m.kind == FieldKind::Number ? connhost::sdk::parse_json_integer(m.value, v) : IntegerText::NotInteger;
            if (r == IntegerText::Ok)
                insert_.bind_int(param, v);
            else
                nulled(r == IntegerText::TooLarge ? kTooLarge : kTypecast);
            break;
        }
        case ColumnKind::Number:
            // The number's text; "NaN", "Infinity", "-Infinity" (strings a number column may carry) as that text.
            if (m.kind == FieldKind::Number ||
                (m.kind == FieldKind::String && !m.value_escaped && connhost::sdk::is_special_number(m.value)))
                insert_.bind_text_static(param, m.value);
            else
                nulled(kTypecast);
            break;
        case ColumnKind::Boolean:
            if (m.kind == FieldKind::True || m.kind == FieldKind::False)
                insert_.bind_int(param, m.kind == FieldKind::True ? 1 : 0);
            else
                nulled(kTypecast);
            break;
        case ColumnKind::String:
            if (m.kind != FieldKind::String)
                bind_json();
            else if (!m.value_escaped)
                insert_.bind_text_static(param, m.value);
            else {
                buf = connhost::sdk::json_unescape(m.value);
                insert_.bind_text_static(param, buf);
            }
            break;
        case ColumnKind::Json:
            if (columns_[col].json_text_in_json && m.kind == FieldKind::String) {
                buf = m.value_escaped ? connhost::sdk::json_unescape(m.value) : std::string(m.value);
                insert_.bind_text_static(param, buf);
            } else {
                bind_json();
            }
            break;
    }
}

}  // namespace sqlitedest
