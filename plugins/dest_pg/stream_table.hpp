// StreamTable: the table one stream is written to, its columns, and the COPY that fills it.
//
// Row shape: one column per field (type from the JSON schema, see copy_text.hpp), then
// _connhost_raw_id uuid, _connhost_extracted_at timestamptz (from emitted_at), _connhost_generation_id
// bigint, _connhost_meta jsonb (the record's meta plus the changes made here; NULL when it has neither),
// _connhost_sync_id bigint (added to a table that lacks it; an overwrite's staging gets these two at swap_in(), kept
// in the catalog: constant_columns.hpp). A lean table (metadata_columns "lean") has the field
// columns only; a resumable overwrite's lean staging also has _connhost_raw_id (bigint: the row number), dropped at
// swap_in(). A table written in one mode is refused in the other. A field's column is identifier(field)
// (pg_names.hpp), or hashed_identifier(field) for fields named "_connhost_...".
//
// Types: an existing column whose property changed type is widened by the SDK's rule (column_widening in
// connhost/sdk/column_types.hpp) with ALTER COLUMN ... TYPE ... USING, in prepare()'s transaction before any row of
// the sync; a change it cannot widen, or an ALTER the server refuses (a view depends on the column), keeps the column
// (warned once; values it cannot hold are NULLed per row).
//
// Modes: append COPYs into the table; overwrite COPYs into the plan's staging table (connhost/sdk/table_plan.hpp)
// that swap_in() renames over the table; append_dedup COPYs into a session temp table that merge() upserts into the
// table through a unique index on the primary key (latest by cursor, then emitted_at — lean: none —, then input
// order). All statements
// run in the caller's transaction. Not thread-safe (run thread only).
#pragma once
#include "column_limit.hpp"
#include "constant_columns.hpp"
#include "copy_binary.hpp"
#include "copy_text.hpp"
#include "pg_connection.hpp"

#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/column_types.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/input.hpp>
#include <connhost/sdk/record_fields.hpp>
#include <connhost/sdk/record_meta.hpp>
#include <connhost/sdk/record_reject.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgdest {

// The column type of an existing column from its format_type() text; unknown types count as String.
connhost::sdk::ColumnType type_from_sql(const std::string& format_type);

// A record the database refuses while others still fit (a new field beyond PostgreSQL's 1600 columns); write() sets it
// aside through the host.
using connhost::sdk::RecordRefused;

class StreamTable {
public:
    // Writes `plan`'s stream into schema plan.container, table plan.target() (fitted identifiers, unquoted); `plan`
    // outlives this table, and its `staged` says whether rows still go to the staging table.
    // Widening and type conflicts are logged through `host`. `lean`: no metadata columns (see above). `binary_copy`:
    // a COPY whose columns all take binary cells (copy_binary.hpp) is sent in binary format.
    StreamTable(PgConnection& conn, connhost::sdk::StreamPlan& plan, size_t copy_buffer_bytes, connhost::sdk::Host host,
                bool lean, bool binary_copy);

    // Creates or evolves the table (overwrite: a fresh staging table, or the kept one of `opening`, trimmed to its
    // keep_through row); call inside a transaction.
    void prepare(const connhost::sdk::StagingOpening& opening = {});
    // overwrite: the staging table's comment (a resumable staging's tag; "" when none), nullopt when it does not exist.
    std::optional<std::string> staging_comment();
    // overwrite, resumable: stores the plan's tag as the staging table's comment. Call inside a transaction.
    void store_tag();
    // The number of the last row id written (resumable staging; see UuidGenerator::sequence_from).
    uint64_t last_row_number() const noexcept { return uuids_.last_sequence(); }
    // Encodes and sends the batch's rows; opens the COPY when needed. Call inside a transaction, with
    // no other table's COPY open. A record the database refuses (RecordRefused) is set aside through
    // the host (sdk::write_each_record), or thrown when bad records fail the run.
    void write(const connhost::sdk::BatchView& batch);
    // Sends what is buffered and ends the COPY, if one is open, without waiting for the server (see
    // PgConnection::copy_end).
    void end_copy();
    // append_dedup: the statement upserting this transaction's rows into the table, "" when there are none (then
    // nothing is pending any more). Run it after end_copy(), before COMMIT.
    std::string merge_statement();
    // overwrite, while staged: replaces the table by the staging table. Call inside its own transaction.
    void swap_in();
    // overwrite, while staged: drops the staging table (unfinished sync). Own statement; errors are the caller's.
    void drop_staging();
    // Deletes the table's rows of generations below the stream's minimum_generation_id; returns how many. Call inside
    // a transaction.
    uint64_t delete_older_generations();
    // The session was replaced (reconnect): temp tables are gone.
    void session_lost() noexcept;

    bool copying() const noexcept { return copying_; }
    const std::string& qualified() const noexcept { return qualified_; }
    // The changes made to values so far (the rows of rolled-back transactions included).
    const connhost::sdk::ChangeTally& tally() const noexcept { return tally_; }

private:
    struct Column {
        std::string field;
        std::string name;
        connhost::sdk::ColumnType type = connhost::sdk::ColumnType::String;
        bool stored = false;              // the column exists in the table rows are written to now
        bool json_text_in_jsonb = false;  // the schema says JSON text, the (older) column is jsonb
        bool binary = false;              // its type takes binary cells (binary_copy_type)
        ColumnLimit limit;                // a stored column narrower than dest_pg's type for it
    };
    struct Cell {
        uint32_t off = 0, len = 0;
        bool set = false;
        bool null = false;
        const char* change = nullptr;
        const char* reason = nullptr;
    };

    std::string q(const std::string& table) const;  // "schema"."table"
    bool uses_bigint_row_ids(bool kept);
    void plan_constant_columns(bool kept);
    ConstantValues constant_values() const { return {stream_.generation_id, stream_.sync_id}; }
    void create_target(bool kept);
    void upgrade_meta_columns(const std::string& target);
    void refuse_other_mode(const std::string& table);
    void load_columns(const std::string& table);
    // Whether `field` is a top-level primary_key or cursor_field of the stream.
    bool is_key_field(std::string_view field) const;
    int column_for(const std::string& field, connhost::sdk::ColumnType type_if_new, bool alter);
    void fit_type(int col, connhost::sdk::ColumnType wanted);
    void widen_stored(Column& c, connhost::sdk::ColumnType to);
    void warn_kept(const Column& c, connhost::sdk::ColumnType wanted, const std::string& why);
    int key_column(const connhost::sdk::FieldPath& path, const char* what);
    void add_column_now(const Column& c);
    std::string dedup_temp_name() const;  // the session temp table an append_dedup stream's rows go to first
    void ensure_temp();
    void begin_copy();
    void send_rows();
    void resolve_columns();
    void encode_record(const connhost::sdk::RecordView& rec);
    CellOutcome append_field(OutBuffer& out, int col, const connhost::sdk::Field& f);
    void append_null_cell();
    bool append_bigint_cell(const Column& c, const connhost::sdk::Field& f);
    void append_fields_in_order();
    void append_fields_any_order();
    void append_meta_cells(const connhost::sdk::RecordView& rec);
    void append_meta_json(std::string_view record_meta);
    // Whether a record's _connhost_meta is NULL: it has no meta and no value of it was changed (the common case).
    bool meta_is_null(std::string_view record_meta) const { return record_meta.empty() && changes_.empty(); }
    void build_meta_row();
    void append_meta_row(const connhost::sdk::RecordView& rec);
    void set_type(Column& c, connhost::sdk::ColumnType type);
    bool meta_type_binary(const std::string& name, const std::string& type) const;

    PgConnection& conn_;
    connhost::sdk::Host host_;
    connhost::sdk::StreamPlan& plan_;
    const connhost::sdk::ConfiguredStream& stream_;
    std::string schema_, table_, qualified_;
    std::string temp_table_;
    bool dedup_;
    size_t copy_buffer_bytes_;
    bool lean_;
    bool binary_copy_;
    bool meta_binary_ = true;               // the target's metadata columns have the types binary cells need
    CopyFormat format_ = CopyFormat::Text;  // of the open COPY
    std::vector<int> meta_columns_;         // the MetaColumns written, in COPY order
    bool constants_at_swap_ = false;        // the staging gets its constant columns at swap_in (constant_columns.hpp)

    std::vector<Column> columns_;
    std::unordered_map<std::string, int> by_field_;
    std::unordered_map<std::string, std::string> name_owner_;  // column name -> field
    std::vector<int> key_columns_;
    int cursor_column_ = -1;

    bool copying_ = false;       // rows of a COPY are being encoded
    bool copy_started_ = false;  // ... and the COPY statement went to the server
    std::string copy_sql_;
    bool temp_ready_ = false;
    bool merge_pending_ = false;
    int64_t seq_ = 0;
    OutBuffer out_;  // COPY data not yet sent

    // Per-record scratch, kept across records.
    std::vector<connhost::sdk::Field> fields_;
    std::vector<int> slots_;
    std::vector<std::string> last_keys_;  // raw keys of the record slots_ was resolved for (empty: none yet)
    bool in_order_ = false;               // slots_ strictly increase
    std::vector<Cell> cells_;
    std::vector<int> touched_;
    std::vector<connhost::sdk::ValueChange> changes_;
    connhost::sdk::ChangeTally tally_;
    OutBuffer scratch_;
    std::string meta_, key_;
    connhost::sdk::UuidGenerator uuids_;
    // A lean resumable staging numbers its rows with a bigint _connhost_raw_id (no UUID for the server to parse);
    // a staging of an older version, whose column is uuid, goes on with numbered UUIDs.
    bool bigint_row_ids_ = false;
    std::string generation_text_, sync_text_;
    // The binary metadata cells of a record whose meta is NULL, built once per COPY (build_meta_row): the constant
    // cells as they are, and where the row id, extraction time and dedup sequence go (npos: not written). Every
    // binary row's metadata cells are written from it (append_meta_row).
    OutBuffer meta_row_;
    size_t row_id_at_ = std::string::npos, extracted_at_at_ = std::string::npos, seq_at_ = std::string::npos;
    int64_t meta_row_ms_ = 0;  // the emission time whose extraction time meta_row_ holds
};

}  // namespace pgdest
