#include "stream_table.hpp"

#include "copy_text.hpp"
#include "pg_names.hpp"
#include "pk_index.hpp"
#include "temporal.hpp"

#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/status.hpp>

#include <stdexcept>

namespace pgdest {

using connhost::sdk::ColumnType;
using connhost::sdk::ConfigError;
using connhost::sdk::ConfiguredStream;
using connhost::sdk::FieldPath;

namespace {

using connhost::sdk::kMetaColumns;
// _connhost_meta is NULL for a record with no meta and no changes (a table of an older version gets DROP NOT NULL).
const char* const kMetaTypes[connhost::sdk::kMetaColumnCount] = {"uuid NOT NULL", "timestamp with time zone NOT NULL",
                                                                 "bigint", "jsonb", "bigint"};
constexpr const char* kSeqColumn = "_connhost_seq";
constexpr int kFastDefaultVersion = 110000;  // PostgreSQL 11: ADD COLUMN ... DEFAULT without a rewrite

// The SQL type of an array column of `element` (array_of(element)); text[] for an element with no array of its own.
const char* array_sql_type(ColumnType element) {
    switch (element) {
        case ColumnType::Integer: return "bigint[]";
        case ColumnType::Number: return "numeric[]";
        case ColumnType::Boolean: return "boolean[]";
        case ColumnType::Date: return "date[]";
        case ColumnType::DateTime: return "timestamp with time zone[]";
        case ColumnType::Float: return "double precision[]";
        case ColumnType::DateTimeLocal: return "timestamp without time zone[]";
        case ColumnType::JsonText: return "json[]";
        case ColumnType::Binary: return "bytea[]";
        case ColumnType::Duration: return "interval[]";
        default: return "text[]";
    }
}

const char* sql_type(ColumnType t) {
    if (connhost::sdk::is_array(t)) return array_sql_type(connhost::sdk::array_element(t));
    switch (t) {
        case ColumnType::Integer: return "bigint";
        case ColumnType::Number: return "numeric";
        case ColumnType::Boolean: return "boolean";
        case ColumnType::String: return "text";
        case ColumnType::Date: return "date";
        case ColumnType::DateTime: return "timestamp with time zone";
        case ColumnType::Json: return "jsonb";
        case ColumnType::Float: return "double precision";
        case ColumnType::DateTimeLocal: return "timestamp without time zone";
        case ColumnType::JsonText: return "json";
        case ColumnType::Binary: return "bytea";
        case ColumnType::Duration: return "interval";
    }
    return "text";
}

// The USING expression that converts column `col` (quoted) to a ColumnType holding its values: text as each value's
// JSON text unquoted (ISO dates and timestamps, 'true'), jsonb as the value, a date as midnight UTC.
std::string widen_expr(const std::string& col, ColumnType to) {
    switch (to) {
        case ColumnType::String: return "to_json(" + col + ") #>> '{}'";
        case ColumnType::Json: return "to_jsonb(" + col + ")";
        case ColumnType::DateTime: return col + "::timestamp AT TIME ZONE 'UTC'";
        default: return col + "::" + sql_type(to);
    }
}

}  // namespace

ColumnType type_from_sql(const std::string& t) {
    if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) {  // an array (format_type never names dimensions)
        const ColumnType element = type_from_sql(t.substr(0, t.size() - 2));
        return element == ColumnType::Json ? ColumnType::String : connhost::sdk::array_of(element);
    }
    if (t == "bigint" || t == "integer" || t == "smallint") return ColumnType::Integer;
    if (t.rfind("numeric", 0) == 0) return ColumnType::Number;
    if (t == "double precision" || t == "real") return ColumnType::Float;
    if (t == "boolean") return ColumnType::Boolean;
    if (t == "date") return ColumnType::Date;
    if (t.rfind("timestamp without time zone", 0) == 0) return ColumnType::DateTimeLocal;
    if (t.rfind("timestamp", 0) == 0) return ColumnType::DateTime;
    if (t == "jsonb") return ColumnType::Json;
    if (t == "json") return ColumnType::JsonText;
    if (t == "bytea") return ColumnType::Binary;
    if (t.rfind("interval", 0) == 0) return ColumnType::Duration;
    return ColumnType::String;
}

StreamTable::StreamTable(PgConnection& conn, connhost::sdk::StreamPlan& plan, size_t copy_buffer_bytes,
                         connhost::sdk::Host host, bool lean, bool binary_copy)
    : conn_(conn),
      host_(host),
      plan_(plan),
      stream_(*plan.stream),
      schema_(plan.container),
      table_(plan.final_name),
      dedup_(plan.mode == connhost::sdk::DestinationSyncMode::AppendDedup),
      copy_buffer_bytes_(copy_buffer_bytes),
      lean_(lean),
      binary_copy_(binary_copy),
      generation_text_(std::to_string(stream_.generation_id)),
      sync_text_(std::to_string(stream_.sync_id)) {
    qualified_ = q(table_);
    using namespace connhost::sdk;
    // The order encode_record writes them in: meta first (it is built from the cells' changes).
    if (!lean_)
        meta_columns_ = {kMetaJsonColumn, kRawIdColumn, kExtractedAtColumn, kGenerationIdColumn, kSyncIdColumn};
    else if (plan_.resumable())
        meta_columns_ = {kRawIdColumn};  // trims a resumed staging; swap_in() drops it
}

std::string StreamTable::q(const std::string& table) const { return quote(schema_) + "." + quote(table); }

std::optional<std::string> StreamTable::staging_comment() {
    PgResult r =
        conn_.query("SELECT to_regclass($1) IS NOT NULL, coalesce(obj_description(to_regclass($1), 'pg_class'), '')",
                    {q(plan_.staging_name)}, "looking up the staging table " + q(plan_.staging_name));
    if (r.rows() != 1 || r.view(0, 0) != "t") return std::nullopt;
    return r.text(0, 1);
}

void StreamTable::store_tag() {
    plan_.tag.seal();
    conn_.exec("COMMENT ON TABLE " + q(plan_.staging_name) + " IS " + literal(plan_.tag.text()),
               "tagging the staging table " + q(plan_.staging_name));
    plan_.tag_dirty = false;
}

void StreamTable::prepare(const connhost::sdk::StagingOpening& opening) {
    const std::string& target = plan_.target();
    if (plan_.staged && !opening.keep)
        conn_.exec("DROP TABLE IF EXISTS " + q(target), "dropping an old staging table of " + stream_.display_name());
    if (plan_.resumable()) uuids_.sequence_from(opening.keep_through + 1);
    bigint_row_ids_ = uses_bigint_row_ids(opening.keep);
    if (opening.keep) {  // rows written after the state the source resumes after go: it sends them again
        const uint64_t first = opening.keep_through + 1;
        conn_.exec("DELETE FROM " + q(target) + " WHERE " + quote(kMetaColumns[connhost::sdk::kRawIdColumn]) + " >= " +
                       (bigint_row_ids_ ? std::to_string(first)
                                        : literal(connhost::sdk::UuidGenerator::sequence_floor(first)) + "::uuid"),
                   "trimming the staging table " + q(target) + " to the saved state");
        host_.info("stream " + stream_.display_name() + ": resuming its overwrite in " + q(target));
    }
    plan_constant_columns(opening.keep);
    create_target(opening.keep);
    if (constants_at_swap_ && !opening.keep) note_constant_values(conn_, q(target), constant_values());
    load_columns(target);
    if (plan_.staged) {
        // Keep the columns (and their types) of the table being replaced, so a column's type stays put.
        load_columns(table_);
    }
    if (auto p = stream_.json_schema.find("properties"); p != stream_.json_schema.end() && p->value().is_object())
        for (const auto& prop : p->value().as_object()) {
            const ColumnType declared = connhost::sdk::column_type_of(prop.value());
            // json has no equality: a JSON-text key or cursor of append_dedup is jsonb, which the unique index takes.
            const bool json_key = dedup_ && declared == ColumnType::JsonText && is_key_field(prop.key());
            const ColumnType wanted = json_key ? ColumnType::Json : declared;
            const int index = column_for(std::string(prop.key()), wanted, false);
            fit_type(index, wanted);
            Column& c = columns_[index];
            // JSON text (source_postgres json) into a jsonb column (of an earlier sync, or a key): store the JSON.
            c.json_text_in_jsonb = declared == ColumnType::JsonText && c.type == ColumnType::Json;
        }
    if (dedup_) {
        if (stream_.primary_key.empty())
            throw ConfigError("stream " + stream_.display_name() +
                              " is append_dedup but has no primary_key: set primary_key in the catalog, or use append");
        for (const FieldPath& pk : stream_.primary_key) key_columns_.push_back(key_column(pk, "primary_key"));
        if (!stream_.cursor_field.empty()) cursor_column_ = key_column(stream_.cursor_field, "cursor_field");
    }
    // Add every column the table lacks, and only those: an ALTER TABLE waits for an exclusive lock, so one of a column
    // the table has would wait for every other writer's open transaction (partition workers filling the same table),
    // and queue their next writes behind it. IF NOT EXISTS: columns loaded from the replaced table.
    for (const Column& c : columns_)
        if (!c.stored)
            conn_.exec(
                "ALTER TABLE " + q(target) + " ADD COLUMN IF NOT EXISTS " + quote(c.name) + " " + sql_type(c.type),
                "adding column " + quote(c.name) + " to " + q(target));
    if (dedup_) {
        std::vector<std::string> cols;
        for (int k : key_columns_) cols.push_back(columns_[k].name);
        ensure_pk_index(conn_, schema_, table_, hashed_identifier("_connhost_pk_" + table_), cols, host_);
    }
}

// Whether the rows of a lean resumable staging are numbered by a bigint _connhost_raw_id: a new staging's are; a
// `kept` one written by an older version has a uuid column (numbered UUIDs), so it goes on with those.
bool StreamTable::uses_bigint_row_ids(bool kept) {
    if (!lean_ || !plan_.resumable()) return false;
    if (!kept) return true;
    PgResult r = conn_.query(
        "SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND "
        "NOT attisdropped",
        {q(plan_.target()), kMetaColumns[connhost::sdk::kRawIdColumn]},
        "looking up the row ids of " + q(plan_.target()));
    return r.rows() == 1 && r.view(0, 0) == "bigint";
}

// A full overwrite's staging gets its constant columns at the swap (constant_columns.hpp): a fresh one, or a kept one
// without them whose rows were noted for this stream's values. A kept one noted for other values first gets its
// columns with those (NULL when none are noted), and this attempt's rows store theirs, as a kept one with the columns
// (of an older version) does. A server before PostgreSQL 11 would rewrite the table for each ADD COLUMN ... DEFAULT:
// there every row stores them.
void StreamTable::plan_constant_columns(bool kept) {
    using namespace connhost::sdk;
    if (lean_ || !plan_.staged || dedup_ || conn_.server_version() < kFastDefaultVersion) return;
    const std::string staging = q(plan_.target());
    if (kept) {
        if (has_column(conn_, staging, kMetaColumns[kGenerationIdColumn])) return;
        const std::optional<ConstantValues> noted = noted_constant_values(conn_, staging);
        if (!noted || !(*noted == constant_values())) {
            add_constant_columns(conn_, staging, noted);
            return;
        }
    }
    constants_at_swap_ = true;
    meta_columns_ = {kMetaJsonColumn, kRawIdColumn, kExtractedAtColumn};
}

// The target with the metadata columns of this mode; an existing table written in the other mode is refused.
void StreamTable::create_target(bool kept) {
    const std::string& target = plan_.target();
    if (!plan_.staged || kept) refuse_other_mode(target);
    std::string create = "CREATE TABLE IF NOT EXISTS " + q(target) + " (";
    for (size_t i = 0; i < meta_columns_.size(); ++i) {
        const int m = meta_columns_[i];
        const bool number = bigint_row_ids_ && m == connhost::sdk::kRawIdColumn;
        create +=
            std::string(i ? ", " : "") + quote(kMetaColumns[m]) + " " + (number ? "bigint NOT NULL" : kMetaTypes[m]);
    }
    conn_.exec(create + ")", "creating table " + q(target) + " for stream " + stream_.display_name());
    if (!lean_) upgrade_meta_columns(target);
}

// A table of an older version lacks the newer metadata columns, or has _connhost_meta NOT NULL. Altered only then:
// each ALTER TABLE waits for an exclusive lock on a table that other writers (partition workers) may be filling.
void StreamTable::upgrade_meta_columns(const std::string& target) {
    PgResult r = conn_.query(
        "SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND "
        "attnum > 0 AND NOT attisdropped",
        {q(target)}, "looking up the columns of " + q(target));
    std::unordered_map<std::string, bool> not_null;
    for (int i = 0; i < r.rows(); ++i) not_null[r.text(i, 0)] = r.view(i, 1) == "t";
    for (int i : meta_columns_)
        if (!not_null.count(kMetaColumns[i]))
            conn_.exec("ALTER TABLE " + q(target) + " ADD COLUMN IF NOT EXISTS " + quote(kMetaColumns[i]) + " " +
                           kMetaTypes[i],
                       "adding column " + quote(kMetaColumns[i]) + " to " + q(target));
    const char* meta = kMetaColumns[connhost::sdk::kMetaJsonColumn];
    if (not_null.count(meta) && not_null[meta])
        conn_.exec("ALTER TABLE " + q(target) + " ALTER COLUMN " + quote(meta) + " DROP NOT NULL",
                   "letting " + quote(meta) + " of " + q(target) + " be NULL (a record with no meta and no changes)");
}

// A lean table gets no rows into a table with dest_pg's metadata columns (their NOT NULL would refuse them), and a
// full one none into a table of rows without them (they cannot be added NOT NULL). _connhost_extracted_at tells the
// modes apart: a lean resumable staging has _connhost_raw_id only.
void StreamTable::refuse_other_mode(const std::string& table) {
    PgResult r = conn_.query(
        "SELECT to_regclass($1) IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) "
        "AND attname = $2 AND NOT attisdropped)",
        {q(table), kMetaColumns[connhost::sdk::kExtractedAtColumn]}, "looking up the columns of " + q(table));
    if (r.view(0, 0) != "t") return;
    const bool has_meta = r.view(0, 1) == "t";
    if (lean_ && has_meta)
        throw ConfigError("stream " + stream_.display_name() + ": table " + q(table) +
                          " holds dest_pg's _connhost_* metadata columns (written with \"metadata_columns\": "
                          "\"full\"), so \"metadata_columns\": \"lean\" cannot add rows to it: set "
                          "\"metadata_columns\": \"full\", or drop the table (or sync it once as overwrite)");
    if (lean_ || has_meta) return;
    PgResult rows = conn_.query("SELECT EXISTS (SELECT 1 FROM " + q(table) + ")", {}, "looking into " + q(table));
    if (rows.view(0, 0) == "t")
        throw ConfigError("stream " + stream_.display_name() + ": table " + q(table) +
                          " has rows but no _connhost_* metadata columns (written with \"metadata_columns\": "
                          "\"lean\", or by someone else): set \"metadata_columns\": \"lean\", or drop the table "
                          "(or sync it once as overwrite)");
}

bool StreamTable::is_key_field(std::string_view field) const {
    for (const FieldPath& pk : stream_.primary_key)
        if (pk.size() == 1 && pk[0] == field) return true;
    return stream_.cursor_field.size() == 1 && stream_.cursor_field[0] == field;
}

void StreamTable::load_columns(const std::string& table) {
    PgResult r = conn_.query(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), (SELECT json_agg(e.enumlabel ORDER BY "
        "e.enumsortorder) "
        "FROM pg_enum e WHERE e.enumtypid = a.atttypid) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        {q(table)}, "reading the columns of " + q(table));
    for (int i = 0; i < r.rows(); ++i) {
        const std::string name = r.text(i, 0);
        bool meta = false;
        for (const char* m : kMetaColumns) meta = meta || name == m;
        if (meta && table == plan_.target()) meta_binary_ = meta_binary_ && meta_type_binary(name, r.text(i, 1));
        if (meta || name_owner_.count(name)) continue;
        // The owning field is not known yet (hashed names cannot be reversed): column_for claims it
        // when a field maps to this name. Unclaimed columns are written NULL.
        Column c;
        c.name = name;
        c.type = type_from_sql(r.text(i, 1));
        c.stored = table == plan_.target();
        // A column of the replaced table is created in the staging table as sql_type(c.type).
        c.binary = binary_copy_type(c.stored ? r.text(i, 1) : std::string(sql_type(c.type)));
        if (c.stored) c.limit = r.is_null(i, 2) ? column_limit(r.text(i, 1)) : enum_limit(r.view(i, 2));
        name_owner_[name] = std::string();
        columns_.push_back(c);
    }
}

int StreamTable::column_for(const std::string& field, ColumnType type_if_new, bool alter) {
    if (auto it = by_field_.find(field); it != by_field_.end()) return it->second;
    const std::string name = column_name(field);
    if (auto owner = name_owner_.find(name); owner != name_owner_.end()) {
        if (!owner->second.empty() && owner->second != field)
            throw ConfigError("stream " + stream_.display_name() + ": fields \"" + owner->second + "\" and \"" + field +
                              "\" map to the same PostgreSQL column \"" + name + "\": rename one of them");
        owner->second = field;
        for (size_t i = 0; i < columns_.size(); ++i)
            if (columns_[i].name == name) {
                columns_[i].field = field;
                by_field_[field] = static_cast<int>(i);
                return static_cast<int>(i);
            }
    }
    Column c;
    c.field = field;
    c.name = name;
    c.type = type_if_new;
    c.binary = binary_copy_type(sql_type(type_if_new));
    if (alter) add_column_now(c);
    name_owner_[name] = field;
    columns_.push_back(c);
    const int idx = static_cast<int>(columns_.size()) - 1;
    by_field_[field] = idx;
    return idx;
}

void StreamTable::fit_type(int col, ColumnType wanted) {
    Column& c = columns_[col];
    const connhost::sdk::ColumnWidening w = connhost::sdk::column_widening(c.type, wanted);
    if (w.action == connhost::sdk::ColumnWidening::Keep) return;
    if (w.action == connhost::sdk::ColumnWidening::Incompatible) {
        warn_kept(c, wanted, "which cannot widen to " + std::string(sql_type(wanted)) + " without losing values");
    } else if (c.stored) {
        widen_stored(c, w.type);
    } else {  // a staging table takes the replaced table's columns: it gets the wider type straight away
        host_.info("stream " + stream_.display_name() + ": field \"" + c.field + "\" is " + to_string(wanted) +
                   " in the catalog: column " + quote(c.name) + " becomes " + sql_type(w.type) + " (was " +
                   sql_type(c.type) + ")");
        set_type(c, w.type);
    }
}

// Has metadata column `name` the type build_meta_row writes? Someone may have changed it by hand: then the table is
// written as COPY text, which the server casts.
bool StreamTable::meta_type_binary(const std::string& name, const std::string& type) const {
    using namespace connhost::sdk;
    if (name == kMetaColumns[kRawIdColumn]) return type == (bigint_row_ids_ ? "bigint" : "uuid");
    if (name == kMetaColumns[kExtractedAtColumn]) return type == "timestamp with time zone";
    if (name == kMetaColumns[kMetaJsonColumn]) return type == "jsonb";
    return type == "bigint";  // _connhost_generation_id, _connhost_sync_id
}

void StreamTable::set_type(Column& c, ColumnType type) {
    c.type = type;
    c.binary = binary_copy_type(sql_type(type));
}

void StreamTable::warn_kept(const Column& c, ColumnType wanted, const std::string& why) {
    host_.warn("stream " + stream_.display_name() + ": field \"" + c.field + "\" is " + to_string(wanted) +
               " in the catalog, but its column " + quote(c.name) + " of " + q(table_) + " is " + sql_type(c.type) +
               ", " + why +
               ": the column stays; values it cannot hold are NULLed, each recorded in _connhost_meta "
               "(DESTINATION_TYPECAST_ERROR). To keep them, rename or drop the column and sync again");
}

// ALTERs the column inside a savepoint: when the server refuses (a view or rule depends on it), the column stays.
void StreamTable::widen_stored(Column& c, ColumnType to) {
    const std::string& target = plan_.target();
    const std::string what = "column " + quote(c.name) + " of " + q(target) + " from " + sql_type(c.type) + " to " +
        sql_type(to) + " (field \"" + c.field + "\" is " + to_string(to) + " in the catalog)";
    conn_.exec("SAVEPOINT connhost_widen", "SAVEPOINT");
    try {
        conn_.exec("ALTER TABLE " + q(target) + " ALTER COLUMN " + quote(c.name) + " TYPE " + sql_type(to) + " USING " +
                       widen_expr(quote(c.name), to),
                   "widening " + what);
    } catch (const connhost::sdk::Error& e) {
        if (conn_.broken()) throw;
        conn_.exec("ROLLBACK TO SAVEPOINT connhost_widen", "ROLLBACK TO SAVEPOINT");
        warn_kept(c, to, std::string("which PostgreSQL could not widen (") + e.what() + ")");
        return;
    }
    conn_.exec("RELEASE SAVEPOINT connhost_widen", "RELEASE SAVEPOINT");
    host_.info("stream " + stream_.display_name() + ": widened " + what + ", keeping its values");
    set_type(c, to);
}

int StreamTable::key_column(const FieldPath& path, const char* what) {
    if (path.size() != 1)
        throw ConfigError("stream " + stream_.display_name() + ": " + what +
                          " paths into nested objects are not supported by dest_pg: use top-level fields");
    ColumnType type = ColumnType::Json;
    if (auto p = stream_.json_schema.find("properties"); p != stream_.json_schema.end() && p->value().is_object())
        if (auto f = p->value().as_object().find(path[0]); f != p->value().as_object().end())
            type = connhost::sdk::column_type_of(f->value());
    return column_for(path[0], type, false);
}

void StreamTable::add_column_now(const Column& c) {
    end_copy();  // ALTER cannot run inside a COPY; buffered rows go out with the old column list
    const std::string& target = plan_.target();
    // In a savepoint: a table at PostgreSQL's column limit (SQLSTATE 54011) refuses this record, not the transaction.
    conn_.exec("SAVEPOINT connhost_add_column", "opening a savepoint");
    std::string error;
    if (!conn_.exec_unless(
            "ALTER TABLE " + q(target) + " ADD COLUMN IF NOT EXISTS " + quote(c.name) + " " + sql_type(c.type),
            "adding column " + quote(c.name) + " (new field \"" + c.field + "\") to " + q(target), "54011", error)) {
        conn_.exec("ROLLBACK TO SAVEPOINT connhost_add_column", "rolling back to the savepoint");
        throw RecordRefused("stream " + stream_.display_name() + ": field \"" + c.field +
                            "\" needs a new column, but " + q(target) +
                            " has PostgreSQL's maximum number of columns: " + error);
    }
    conn_.exec("RELEASE SAVEPOINT connhost_add_column", "releasing the savepoint");
    if (temp_ready_)
        conn_.exec("ALTER TABLE " + quote(temp_table_) + " ADD COLUMN " + quote(c.name) + " " + sql_type(c.type),
                   "adding column " + quote(c.name) + " to the dedup temp table");
}

void StreamTable::session_lost() noexcept {
    temp_ready_ = false;
    copying_ = false;
    copy_started_ = false;
    merge_pending_ = false;
    out_.clear();
}

std::string StreamTable::dedup_temp_name() const {
    return hashed_identifier("_connhost_dedup_" + schema_ + "." + table_);
}

void StreamTable::ensure_temp() {
    if (temp_ready_) return;
    temp_table_ = dedup_temp_name();
    conn_.exec("DROP TABLE IF EXISTS pg_temp." + quote(temp_table_), "dropping the dedup temp table");
    conn_.exec("CREATE TEMP TABLE " + quote(temp_table_) + " (LIKE " + q(table_) + ") ON COMMIT DELETE ROWS",
               "creating the dedup temp table of " + q(table_));
    conn_.exec("ALTER TABLE " + quote(temp_table_) + " ADD COLUMN " + quote(kSeqColumn) + " bigint",
               "adding the dedup sequence column");
    temp_ready_ = true;
}

// Prepares a COPY into the table (the dedup temp table for append_dedup): its statement, and the binary header. The
// COPY itself starts with the first send, so this table's rows are encoded while the server writes the last COPY's.
void StreamTable::begin_copy() {
    std::string cols;
    for (const Column& c : columns_) cols += quote(c.name) + ", ";
    for (int m : meta_columns_) cols += quote(kMetaColumns[m]) + ", ";
    if (dedup_) cols += quote(kSeqColumn) + ", ";
    if (!cols.empty()) cols = " (" + cols.substr(0, cols.size() - 2) + ")";  // a lean table may have no column yet
    bool binary = binary_copy_ && meta_binary_;
    for (const Column& c : columns_) binary = binary && c.binary;
    format_ = binary ? CopyFormat::Binary : CopyFormat::Text;
    copy_sql_ = "COPY " + (dedup_ ? quote(dedup_temp_name()) : q(plan_.target())) + cols + " FROM STDIN" +
        (binary ? " WITH (FORMAT binary)" : "");
    if (binary) {
        append_copy_binary_header(out_);
        build_meta_row();
    }
    copying_ = true;
    copy_started_ = false;
    merge_pending_ = merge_pending_ || dedup_;
}

// Sends the rows encoded so far, starting the COPY first.
void StreamTable::send_rows() {
    if (!copy_started_) {
        if (dedup_) ensure_temp();
        conn_.copy_begin(copy_sql_);
        copy_started_ = true;
    }
    conn_.copy_send(out_);
    out_.clear();
}

void StreamTable::end_copy() {
    if (!copying_) return;
    copying_ = false;
    if (format_ == CopyFormat::Binary) append_copy_binary_trailer(out_);
    send_rows();
    conn_.copy_end();
}

void StreamTable::write(const connhost::sdk::BatchView& batch) {
    connhost::sdk::write_each_record(host_, batch, [this](const connhost::sdk::RecordView& r) {
        encode_record(r);
        if (out_.size() >= copy_buffer_bytes_) send_rows();
    });
}

void StreamTable::resolve_columns() {
    bool same = fields_.size() == last_keys_.size();
    for (size_t i = 0; same && i < fields_.size(); ++i) same = fields_[i].key == last_keys_[i];
    if (same) return;    // slots_ and in_order_ are the previous record's
    last_keys_.clear();  // until the slots below are all set: a throw leaves no key list they do not match
    slots_.resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) {
        const auto& f = fields_[i];
        if (f.key_escaped)
            key_ = connhost::sdk::json_unescape(f.key);
        else
            key_.assign(f.key.data(), f.key.size());
        slots_[i] = column_for(key_, ColumnType::Json, true);  // a field the schema does not name: jsonb
    }
    last_keys_.resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i) last_keys_[i].assign(fields_[i].key.data(), fields_[i].key.size());
    in_order_ = true;
    for (size_t i = 1; i < slots_.size(); ++i) in_order_ = in_order_ && slots_[i] > slots_[i - 1];
}

void StreamTable::encode_record(const connhost::sdk::RecordView& rec) {
    try {
        connhost::sdk::record_fields(rec, fields_);
    } catch (const std::invalid_argument& e) {
        throw ConfigError("stream " + stream_.display_name() + ": " + e.what());
    }
    resolve_columns();
    if (!copying_) begin_copy();
    changes_.clear();
    if (format_ == CopyFormat::Binary)
        append_be16(out_, static_cast<uint16_t>(columns_.size() + meta_columns_.size() + (dedup_ ? 1 : 0)));
    if (in_order_)
        append_fields_in_order();
    else
        append_fields_any_order();
    tally_.add(changes_);
    append_meta_cells(rec);
    if (format_ == CopyFormat::Binary) return;
    if (!columns_.empty() || !meta_columns_.empty() || dedup_) out_.pop_back();  // the last cell's tab
    out_.push_back('\n');
}

CellOutcome StreamTable::append_field(OutBuffer& out, int col, const connhost::sdk::Field& f) {
    const Column& c = columns_[col];
    const size_t at = out.size();
    const CellOutcome o =
        c.json_text_in_jsonb ? append_json_text_as_jsonb(out, f, format_) : append_cell(out, c.type, f, format_);
    if (!c.limit || o.null || fits(c.limit, f, std::string_view(out).substr(at), format_)) return o;
    out.truncate(at);  // a value the narrower column cannot take: NULL, as one its type cannot take
    if (format_ == CopyFormat::Text) out += "\\N";
    return {"NULLED", limit_reason(c.limit), true};
}

void StreamTable::append_null_cell() {
    if (format_ == CopyFormat::Binary)
        append_field_length(out_, -1);
    else
        out_ += "\\N\t";
}

// Appends `f` as a binary bigint cell of column `c`, an Integer column, when it is one as it comes (an integer, no
// limit), what append_field would append for it without its calls (a third of a narrow row's encoding); false (nothing
// appended) for every other cell.
bool StreamTable::append_bigint_cell(const Column& c, const connhost::sdk::Field& f) {
    int64_t v = 0;
    if (c.limit || f.kind != connhost::sdk::FieldKind::Number) return false;
    if (!connhost::sdk::parse_plain_integer(f.value, v) &&  // inlined: 1 to 18 digits, the common integer
        connhost::sdk::parse_json_integer(f.value, v) != connhost::sdk::IntegerText::Ok)
        return false;
    append_int8_cell(out_, static_cast<uint64_t>(v));
    return true;
}

// The field cells when the record's fields come in column order, each once (the common case): straight into out_
// (text: each followed by a tab; binary: after its length word).
void StreamTable::append_fields_in_order() {
    const bool binary = format_ == CopyFormat::Binary;
    size_t next = 0;  // the next column to write
    for (size_t i = 0; i < fields_.size(); ++i) {
        const size_t col = static_cast<size_t>(slots_[i]);
        for (; next < col; ++next) append_null_cell();
        next = col + 1;
        const bool integer = columns_[col].type == connhost::sdk::ColumnType::Integer;  // tested here: no call else
        if (binary && integer && append_bigint_cell(columns_[col], fields_[i])) continue;
        const size_t at = out_.size();
        if (binary) append_field_length(out_, 0);
        const CellOutcome o = append_field(out_, static_cast<int>(col), fields_[i]);
        if (o.change) changes_.push_back({columns_[col].field, o.change, o.reason});
        if (!binary) {
            out_.push_back('\t');
        } else if (o.null) {
            out_.truncate(at);
            append_field_length(out_, -1);
        } else {
            patch_field_length(out_, at);
        }
    }
    for (; next < columns_.size(); ++next) append_null_cell();
}

// The field cells of a record whose fields come in another order, or twice (the last one wins): each encoded into
// scratch_, then written in column order.
void StreamTable::append_fields_any_order() {
    if (cells_.size() < columns_.size()) cells_.resize(columns_.size());
    scratch_.clear();
    touched_.clear();
    for (size_t i = 0; i < fields_.size(); ++i) {
        const int col = slots_[i];
        Cell& cell = cells_[col];
        if (!cell.set) touched_.push_back(col);
        cell.set = true;
        cell.off = static_cast<uint32_t>(scratch_.size());
        const CellOutcome o = append_field(scratch_, col, fields_[i]);
        cell.len = static_cast<uint32_t>(scratch_.size() - cell.off);
        cell.null = o.null;
        cell.change = o.change;
        cell.reason = o.reason;
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
        const Cell& cell = cells_[c];
        if (!cell.set || (cell.null && format_ == CopyFormat::Binary)) {
            append_null_cell();
            continue;
        }
        if (format_ == CopyFormat::Binary) append_field_length(out_, static_cast<int32_t>(cell.len));
        out_.append(scratch_.data() + cell.off, cell.len);
        if (format_ == CopyFormat::Text) out_.push_back('\t');
    }
    for (int col : touched_) {
        Cell& cell = cells_[col];
        if (cell.change) changes_.push_back({columns_[col].field, cell.change, cell.reason});
        cell.set = false;
        cell.change = nullptr;
    }
}

// The cells of meta_columns_ (and of the dedup sequence), each followed by a tab in text.
void StreamTable::append_meta_cells(const connhost::sdk::RecordView& rec) {
    using namespace connhost::sdk;
    if (format_ == CopyFormat::Binary) return append_meta_row(rec);
    for (int m : meta_columns_) {
        switch (m) {
            case kMetaJsonColumn: append_meta_json(rec.meta); break;
            case kRawIdColumn: {
                if (bigint_row_ids_) {
                    append_decimal(out_, uuids_.next_number());
                    break;
                }
                uuids_.next(out_.extend(36));
                break;
            }
            case kExtractedAtColumn: append_iso8601_utc_ms(out_, rec.emitted_at_ms); break;
            case kGenerationIdColumn: out_ += generation_text_; break;
            case kSyncIdColumn: out_ += sync_text_; break;
        }
        out_.push_back('\t');
    }
    if (dedup_) {
        out_ += std::to_string(++seq_);
        out_.push_back('\t');
    }
}

// meta_row_ for this COPY's metadata columns (and the dedup sequence): the binary cells of a record whose meta is NULL
// (the UUID as its 16 bytes, the extraction time as microseconds, bigints), the row id, extraction time and dedup
// sequence left for append_meta_row to fill in.
void StreamTable::build_meta_row() {
    using namespace connhost::sdk;
    meta_row_.clear();
    row_id_at_ = extracted_at_at_ = seq_at_ = std::string::npos;
    for (int m : meta_columns_) {
        switch (m) {
            case kMetaJsonColumn:  // first, when written (the constructor's order): append_meta_row may replace it
                if (!meta_row_.empty()) throw std::logic_error("_connhost_meta must be the first metadata column");
                append_field_length(meta_row_, -1);
                continue;
            case kRawIdColumn:
                row_id_at_ = meta_row_.size() + 4;
                if (bigint_row_ids_)
                    append_int8_cell(meta_row_, 0);
                else
                    append_uuid_cell(meta_row_, 0, 0);
                continue;
            case kExtractedAtColumn:
                extracted_at_at_ = meta_row_.size() + 4;
                meta_row_ms_ = 0;
                append_int8_cell(meta_row_, static_cast<uint64_t>(unix_ms_to_micros(0)));
                continue;
            case kGenerationIdColumn:
                append_int8_cell(meta_row_, static_cast<uint64_t>(stream_.generation_id));
                continue;
            case kSyncIdColumn: append_int8_cell(meta_row_, static_cast<uint64_t>(stream_.sync_id)); continue;
        }
    }
    if (dedup_) {
        seq_at_ = meta_row_.size() + 4;
        append_int8_cell(meta_row_, 0);
    }
}

// A record's binary metadata cells: meta_row_ with its row id, extraction time and dedup sequence stored in place,
// and, when the record has meta or a value was changed, its _connhost_meta cell instead of the template's NULL.
void StreamTable::append_meta_row(const connhost::sdk::RecordView& rec) {
    using namespace connhost::sdk;
    if (extracted_at_at_ != std::string::npos && rec.emitted_at_ms != meta_row_ms_) {  // a batch shares one time
        meta_row_ms_ = rec.emitted_at_ms;
        store_be64(&meta_row_[extracted_at_at_], static_cast<uint64_t>(unix_ms_to_micros(rec.emitted_at_ms)));
    }
    size_t from = 0;  // the bytes of meta_row_ to write from
    if (!meta_columns_.empty() && meta_columns_[0] == kMetaJsonColumn && !meta_is_null(rec.meta)) {
        const size_t cell = out_.size();
        append_field_length(out_, 0);
        append_meta_json(rec.meta);
        patch_field_length(out_, cell);
        from = 4;  // past the template's NULL
    }
    const size_t at = out_.size() - from;  // where meta_row_'s first byte would be: its offsets count from there
    out_.append(meta_row_.data() + from, meta_row_.size() - from);
    char* row = &out_[at];
    if (row_id_at_ != std::string::npos) {
        if (bigint_row_ids_) {
            store_be64(row + row_id_at_, uuids_.next_number());
        } else {
            uint64_t hi, lo;
            uuids_.next(hi, lo);
            store_be64(row + row_id_at_, hi);
            store_be64(row + row_id_at_ + 8, lo);
        }
    }
    if (seq_at_ != std::string::npos) store_be64(row + seq_at_, static_cast<uint64_t>(++seq_));
}

// _connhost_meta: NULL when the record has no meta and no value was changed (the common case costs no jsonb parse).
void StreamTable::append_meta_json(std::string_view record_meta) {
    if (meta_is_null(record_meta)) {
        if (format_ == CopyFormat::Text) out_ += "\\N";  // binary: the template's NULL (append_meta_row)
        return;
    }
    connhost::sdk::build_record_meta(meta_, record_meta, changes_);
    bool stripped = false;
    if (append_jsonb_cell(out_, meta_, stripped, format_)) {  // a meta jsonb cannot hold: keep only the changes
        connhost::sdk::build_record_meta(meta_, {}, changes_);
        append_jsonb_cell(out_, meta_, stripped, format_);
    }
}

std::string StreamTable::merge_statement() {
    if (!merge_pending_) return {};
    merge_pending_ = false;
    std::vector<std::string> names;
    for (const Column& c : columns_) names.push_back(quote(c.name));
    for (int m : meta_columns_) names.push_back(quote(kMetaColumns[m]));
    std::string cols, pk, set;
    for (const std::string& n : names) {
        cols += (cols.empty() ? "" : ", ") + n;
        set += (set.empty() ? "" : ", ") + n + " = EXCLUDED." + n;
    }
    for (int k : key_columns_) pk += (pk.empty() ? "" : ", ") + quote(columns_[k].name);
    // Ties (no cursor, or equal cursors) go to the later emitted_at; a lean table has none: to the later record.
    const std::string ext = quote(kMetaColumns[connhost::sdk::kExtractedAtColumn]);
    const std::string later = lean_ ? "TRUE" : "EXCLUDED." + ext + " >= t." + ext;
    std::string order = pk, wins = later;
    if (cursor_column_ >= 0) {
        const Column& c = columns_[cursor_column_];
        const std::string coll = c.type == ColumnType::String ? " COLLATE \"C\"" : "";
        const std::string n = "EXCLUDED." + quote(c.name) + coll, o = "t." + quote(c.name) + coll;
        order += ", " + quote(c.name) + coll + " DESC NULLS LAST";
        wins = "(" + n + " IS NOT NULL AND (" + o + " IS NULL OR " + n + " > " + o + ")) OR (" + n +
            " IS NOT DISTINCT FROM " + o + " AND " + later + ")";
    }
    order += (lean_ ? "" : ", " + ext + " DESC") + ", " + quote(kSeqColumn) + " DESC";
    return "INSERT INTO " + q(table_) + " AS t (" + cols + ") SELECT " + cols + " FROM (SELECT DISTINCT ON (" + pk +
        ") * FROM " + quote(temp_table_) + " ORDER BY " + order + ") AS s ON CONFLICT (" + pk + ") DO UPDATE SET " +
        set + " WHERE " + wins;
}

void StreamTable::swap_in() {
    if (!plan_.staged) return;
    if (lean_ && plan_.resumable())  // the numbered raw ids served resuming only
        conn_.exec(
            "ALTER TABLE " + q(plan_.staging_name) + " DROP COLUMN " + quote(kMetaColumns[connhost::sdk::kRawIdColumn]),
            "dropping the row ids of " + q(plan_.staging_name));
    if (constants_at_swap_) add_constant_columns(conn_, q(plan_.staging_name), constant_values());
    conn_.exec("DROP TABLE IF EXISTS " + q(table_), "dropping the previous " + q(table_));
    conn_.exec("ALTER TABLE " + q(plan_.staging_name) + " RENAME TO " + quote(table_),
               "renaming the staging table to " + q(table_));
    if (plan_.resumable()) conn_.exec("COMMENT ON TABLE " + q(table_) + " IS NULL", "clearing the tag of " + q(table_));
}

uint64_t StreamTable::delete_older_generations() {
    const std::string sql = connhost::sdk::older_generations_sql(q(table_), stream_.minimum_generation_id);
    PgResult r = conn_.query("WITH d AS (" + sql + " RETURNING 1) SELECT count(*) FROM d", {},
                             "deleting the rows of generations below " + std::to_string(stream_.minimum_generation_id) +
                                 " from " + q(table_));
    return std::stoull(r.text(0, 0));
}

void StreamTable::drop_staging() {
    if (!plan_.staged) return;
    conn_.exec("DROP TABLE IF EXISTS " + q(plan_.staging_name), "dropping the staging table " + q(plan_.staging_name));
}

}  // namespace pgdest
