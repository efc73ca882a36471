// StreamTable: the table one stream is written to, its columns, and the statements that fill it.
//
// Row shape: _connhost_raw_id (UUID v4 text), _connhost_extracted_at (ISO 8601 UTC text with ms,
// from emitted_at), _connhost_generation_id (INTEGER), _connhost_meta (JSON text: the record's meta
// plus the changes made here), _connhost_sync_id (INTEGER; added to a table that lacks it), then one column per
// field (see column_kind.hpp for the types).
//
// Widening: SQLite cannot change a column's declared type, so when schema properties of an existing table changed to
// a kind that holds the old one (connhost::sdk::column_widening), the table is rebuilt once with the wider declared
// types (rows copied with their rowids, values converted by widen_expr), inside the caller's transaction and before
// any row of the sync. A change that cannot widen, or a rebuild SQLite refuses (a view names the table), keeps the
// column (warned; values it cannot hold are NULLed per row).
//
// Columns: a field's column has the field's name, unless that name is already taken ignoring ASCII
// case (SQLite's rule) by a metadata column or another field, or holds NUL: then it is
// "<name>_2", "<name>_3"..., and the mapping is kept in the table _connhost_columns
// (table_name, field, column_name), so later syncs find it again.
#pragma once
#include "column_kind.hpp"
#include "database.hpp"

#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/input.hpp>
#include <connhost/sdk/record_fields.hpp>
#include <connhost/sdk/record_meta.hpp>
#include <connhost/sdk/record_reject.hpp>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sqlitedest {

// The mapping table of renamed columns; created by the destination before any StreamTable.
inline constexpr const char* kColumnsTable = "_connhost_columns";

// A record the database refuses while others still fit (a new field beyond SQLite's column limit); write() sets it
// aside through the host.
using connhost::sdk::RecordRefused;

class StreamTable {
public:
    // Opens (creating, or for `fresh` dropping and re-creating) `table` for `stream`, with a column
    // for each schema property and, for append_dedup, for each key and the cursor plus a key index.
    // Call inside a transaction. Widening and type conflicts are logged through `host`.
    StreamTable(Database& db, const connhost::sdk::ConfiguredStream& stream, std::string table, bool fresh,
                connhost::sdk::Host host);

    // Inserts the records of `batch` (append_dedup: keeps one row per key). Call inside a transaction. A record the
    // database refuses (RecordRefused) is set aside through the host (sdk::write_each_record), or thrown when bad
    // records fail the run.
    void write(const connhost::sdk::BatchView& batch);
    // The table was renamed to `table` (overwrite swap): statements are re-prepared for the new name.
    void retarget(std::string table);
    const std::string& table() const noexcept { return table_; }
    // The generator of the rows' _connhost_raw_id (numbered for a resumable overwrite's staging).
    connhost::sdk::UuidGenerator& ids() noexcept { return uuids_; }
    // The changes made to values so far (the rows of rolled-back transactions included).
    const connhost::sdk::ChangeTally& tally() const noexcept { return tally_; }

private:
    struct Column {
        std::string name;
        ColumnKind kind;
        bool json_text_in_json = false;  // the schema says JSON text, the (older) column is JSON_TEXT
    };

    // Creates the missing table with the metadata columns and one column per field of the catalog's schema, in one
    // statement; false when the table exists (column_for then adds the missing columns).
    bool create_with_schema_columns();
    // Throws the ConfigError of a catalog schema with more fields than SQLite takes columns, quoting `refusal`.
    [[noreturn]] void schema_too_wide(const std::string& refusal) const;
    void load_existing();
    // Each schema property's column, widened where its kind changed (one rebuild for all).
    void fit_schema_columns();
    // Rebuilds the table with the wider kinds; returns "" or why SQLite refused (the table then stays as it was).
    std::string rebuild_widened(const std::unordered_map<int, ColumnKind>& wider);
    void warn_kept(const std::string& about, int col, const std::string& why);
    int column_for(const std::string& field, ColumnKind kind_if_new);
    // A column name for `field` that no name in `taken` (fold()ed) has.
    static std::string free_name(const std::string& field, const std::unordered_set<std::string>& taken);
    // Records in the columns table that `field` is held by the column `name`, when the two differ.
    void record_column_name(const std::string& field, const std::string& name);
    void prepare();
    void write_record(const connhost::sdk::RecordView& rec);
    void bind_value(int col, const connhost::sdk::Field& m);
    int key_column(const connhost::sdk::FieldPath& path, const char* what);

    Database& db_;
    connhost::sdk::Host host_;
    const connhost::sdk::ConfiguredStream& stream_;
    std::string table_;
    bool dedup_;
    std::vector<Column> columns_;                    // 0..3: the metadata columns
    std::unordered_map<std::string, int> by_field_;  // field name -> index into columns_
    std::unordered_set<std::string> taken_;          // fold()ed names of every column
    std::vector<int> key_columns_;
    int cursor_column_ = -1;
    Statement insert_, dedup_delete_;
    bool stale_ = true;  // statements need preparing

    // Per-record scratch, kept to avoid allocations.
    std::vector<connhost::sdk::Field> members_;
    std::vector<int> slots_;
    std::vector<std::string> bufs_;  // per column: decoded / compacted values
    std::vector<connhost::sdk::ValueChange> changes_;
    connhost::sdk::ChangeTally tally_;
    std::string key_, meta_, extracted_at_;
    char uuid_[36];
    connhost::sdk::UuidGenerator uuids_;
};

}  // namespace sqlitedest
