#include "table_reader.hpp"

#include "copy_row.hpp"
#include "read_position.hpp"
#include "value_json.hpp"

#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/estimate.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/sql_identifier.hpp>
#include <connhost/sdk/status.hpp>
#include <connhost/sdk/stream_status.hpp>

#include <algorithm>
#include <optional>

namespace pgsource {

namespace json = boost::json;
using connhost::sdk::append_json_string;
using connhost::sdk::ConfigError;
using connhost::sdk::ConfiguredStream;
using connhost::sdk::emit_stream_status;
using connhost::sdk::Host;
using connhost::sdk::json_string;
using connhost::sdk::RecordBatchWriter;
using connhost::sdk::sql_quote_identifier;

namespace {

// The columns to read: those the configured schema names (all when it names none), in table order.
std::vector<const Column*> selected_columns(const Table& t, const ConfiguredStream& cs, const Column* cursor) {
    const json::object* props = nullptr;
    if (auto p = cs.json_schema.find("properties");
        p != cs.json_schema.end() && p->value().is_object() && !p->value().as_object().empty())
        props = &p->value().as_object();
    std::vector<const Column*> out;
    for (const auto& c : t.columns)
        if (!props || props->contains(c.name) || &c == cursor) out.push_back(&c);
    if (out.empty())
        throw ConfigError("stream " + cs.display_name() +
                          ": the configured json_schema names none of the table's columns");
    return out;
}

void emit_state(Host host, const Table& t, const boost::json::object& blob) {
    host.emit_state(connhost::sdk::stream_state_message(t.name, t.schema, blob));
}

// What one stream's read selects: its record columns, then the key columns that are not among them.
struct ReadPlan {
    std::vector<const Column*> cols;
    ReadPosition pos;
    std::vector<std::string> extra_keys;           // key expressions selected after the record columns, quoted
    std::vector<const Column*> extra_key_columns;  // their columns (nullptr for the ctid)
    std::vector<size_t> key_fields;                // the COPY field holding each key column's text
    std::vector<BinaryCell> binary;                // each field's binary cell when the COPY is binary; empty: COPY text
};

// Each field's binary cell when every field of `plan` (place_keys placed them) has one (binary_cell), else nothing:
// COPY BINARY costs the server no output function or escaping per value, and the plugin no unescaping.
std::vector<BinaryCell> binary_cells(const ReadPlan& plan) {
    std::vector<BinaryCell> cells;
    for (const auto* fields : {&plan.cols, &plan.extra_key_columns})
        for (const Column* c : *fields) {
            const std::optional<BinaryCell> cell = c ? binary_cell(c->sql_type) : std::nullopt;  // the ctid: text
            if (!cell) return {};
            cells.push_back(*cell);
        }
    return cells;
}

// Where each key column of `plan` is read: from its record column when it is one (the same text, sent once), else
// from an extra field after the record columns (the ctid, or a key column the configured schema leaves out).
void place_keys(const Table& t, ReadPlan& plan) {
    if (plan.pos.by == ReadPosition::By::Nothing) return;
    for (const std::string& key : plan.pos.columns) {
        size_t field = plan.cols.size() + plan.extra_keys.size();
        if (plan.pos.by == ReadPosition::By::Ctid) {
            plan.extra_keys.push_back(key);
            plan.extra_key_columns.push_back(nullptr);
        } else {
            auto c =
                std::find_if(plan.cols.begin(), plan.cols.end(), [&](const Column* col) { return col->name == key; });
            if (c != plan.cols.end()) {
                field = static_cast<size_t>(c - plan.cols.begin());
            } else {
                plan.extra_keys.push_back(sql_quote_identifier(key));
                plan.extra_key_columns.push_back(t.column(key));
            }
        }
        plan.key_fields.push_back(field);
    }
}

// The SELECT of `plan`: the record columns, then its extra key fields, ordered by the key, from its start, in its slice
// unless !keep_to_slice; `literals` are plan.pos.params() quoted (ReadPosition::where_sql).
std::string select_sql(const Table& t, const ReadPlan& plan, const std::vector<std::string>& literals,
                       bool keep_to_slice = true) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < plan.cols.size(); ++i) sql += (i ? ", " : "") + sql_quote_identifier(plan.cols[i]->name);
    for (const std::string& key : plan.extra_keys) sql += ", " + key;
    sql += " FROM " + sql_quote_identifier(t.schema) + "." + sql_quote_identifier(t.name);
    return sql + plan.pos.where_sql(literals, keep_to_slice) + plan.pos.order_sql();
}

// The planner's estimate of the rows `sql` returns, or nothing when EXPLAIN gives none.
std::optional<uint64_t> planner_rows(PgSession& db, const std::string& sql, const ConfiguredStream& cs) {
    PgResult r = db.query("EXPLAIN (FORMAT JSON) " + sql, {}, "estimating the rows of " + cs.display_name());
    if (r.rows() < 1) return std::nullopt;
    boost::system::error_code ec;
    const std::string_view text = r.view(0, 0);
    json::value plans = json::parse(json::string_view(text.data(), text.size()), ec);  // [{"Plan": {...}}]
    const json::array* list = ec ? nullptr : plans.if_array();
    const json::object* first = list && !list->empty() ? list->at(0).if_object() : nullptr;
    const json::value* top = first ? first->if_contains("Plan") : nullptr;
    const json::value* rows = top && top->is_object() ? top->as_object().if_contains("Plan Rows") : nullptr;
    if (!rows || !rows->is_number()) return std::nullopt;
    const double n = rows->to_number<double>();
    return n > 0 ? static_cast<uint64_t>(n) : 0;
}

// The rows the read of `plan` (whose SELECT is `sql`) returns, as the planner estimates them. A slice by the key's
// hash gets its share of the estimate without the hash condition, which the planner takes for 0.5% of the rows.
std::optional<uint64_t> estimated_rows(PgSession& db, const Table& t, const ReadPlan& plan,
                                       const std::vector<std::string>& literals, const std::string& sql,
                                       const ConfiguredStream& cs) {
    const std::optional<SliceBounds>& slice = plan.pos.slice;
    if (!slice || slice->by_range) return planner_rows(db, sql, cs);
    std::optional<uint64_t> rows = planner_rows(db, select_sql(t, plan, literals, false), cs);
    if (rows) *rows /= slice->count;
    return rows;
}

// Appends the JSON text of `row`'s first plan.cols.size() fields to `rec`; `keys` holds each column's JSON key with
// the separator before it.
void append_record(connhost::sdk::OutBuffer& rec, const CopyRow& row, const ReadPlan& plan,
                   const std::vector<std::string>& keys) {
    rec.clear();
    for (size_t i = 0; i < plan.cols.size(); ++i) {
        rec += keys[i];
        const Column& col = *plan.cols[i];
        if (row.is_null(i))
            rec += "null";
        else if (col.kind == Kind::Integer)  // append_value's text of the commonest kinds, without its two calls
            rec += row.view(i);
        else if (col.kind == Kind::String)
            append_json_string(rec, row.view(i));
        else
            append_value(rec, col, row.view(i));
    }
    rec += '}';
}

// Streams the rows of `copy` (COPY (the plan's SELECT) TO STDOUT) into `w`, a state every cfg.state_interval rows when
// the plan has a key; returns the key of the last row read whose key is not NULL (the plan's start when none; empty
// when neither). The server sends rows while this thread turns them into records (no round trip per batch).
std::vector<std::string> copy_rows(PgSession& db, const SourceConfig& cfg, const Table& t, const ConfiguredStream& cs,
                                   const ReadPlan& plan, const std::string& copy, RecordBatchWriter& w, Host host) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < plan.cols.size(); ++i)
        keys.push_back((i ? "," : "{") + json_string(plan.cols[i]->name) + ":");
    const bool keyed = plan.pos.by != ReadPosition::By::Nothing;
    const size_t fields = plan.cols.size() + plan.extra_keys.size(), key_cols = plan.key_fields.size();
    std::vector<std::string> last = plan.pos.start.value_or(std::vector<std::string>{});
    uint64_t since_state = 0, rows = 0;
    connhost::sdk::OutBuffer rec;
    CopyRow row;
    const std::string what = "reading " + cs.display_name();
    struct Abandon {  // a COPY still running when a record or the host throws
        PgSession& db;
        ~Abandon() { db.abandon_copy(); }
    } abandon{db};
    db.copy_out(copy, what);
    std::string_view line;
    int64_t emitted = 0;
    bool header = !plan.binary.empty();  // the first binary message starts with the file header
    while (db.copy_row(line, what)) {
        if (header && !cut_binary_copy_header(line))
            throw connhost::sdk::SystemError(what + ": the server's binary COPY did not start with its header");
        header = false;
        if (!plan.binary.empty() && (line.empty() || is_binary_copy_trailer(line))) continue;
        if ((rows++ & 1023) == 0) {  // the clock and the cancel flag once per 1024 rows
            host.throw_if_cancelled();
            emitted = RecordBatchWriter::now_ms();
        }
        if (plan.binary.empty() ? !row.parse(line, fields) : !row.parse_binary(line, plan.binary))
            throw connhost::sdk::SystemError(what + ": the server sent a COPY row of another shape than " +
                                             std::to_string(fields) + " fields");
        append_record(rec, row, plan, keys);
        w.add(rec.view(), emitted);
        if (!keyed) continue;
        if (!row.is_null(plan.key_fields[0])) {  // a NULL cursor (sorted last) moves nothing
            last.resize(key_cols);
            for (size_t k = 0; k < key_cols; ++k) last[k].assign(row.view(plan.key_fields[k]));
        }
        if (++since_state >= cfg.state_interval) {
            emit_state(host, t, plan.pos.blob(last));
            since_state = 0;
        }
    }
    return last;
}

}  // namespace

void read_table(PgSession& db, const SourceConfig& cfg, const Table& t, const ConfiguredStream& cs,
                const connhost::sdk::StateMap& state, Host host, connhost::sdk::Slice slice) {
    ReadPlan plan;
    plan.pos = read_position(db, t, cs, state, host, slice);
    plan.cols = selected_columns(t, cs, cs.incremental() ? t.column(plan.pos.columns[0]) : nullptr);
    place_keys(t, plan);
    plan.binary = binary_cells(plan);
    std::vector<std::string> literals;
    for (const std::string& p : plan.pos.params()) literals.push_back(db.literal(p));
    const std::string sql = select_sql(t, plan, literals);
    emit_stream_status(host, t.name, t.schema, "STARTED");
    db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting the read transaction of " + cs.display_name());
    // Taking the hash condition for 0.5% of the rows, the planner would sort a whole slice before its first row.
    if (plan.pos.slice && !plan.pos.slice->by_range)
        db.exec("SET LOCAL enable_sort = off", "choosing the plan of " + cs.display_name());
    if (auto rows = estimated_rows(db, t, plan, literals, sql, cs))
        connhost::sdk::emit_estimate(host, t.name, t.schema, *rows);
    RecordBatchWriter w(host, t.name, t.schema);
    const std::vector<std::string> last =
        copy_rows(db, cfg, t, cs, plan,
                  "COPY (" + sql + ") TO STDOUT" + (plan.binary.empty() ? "" : " WITH (FORMAT binary)"), w, host);
    db.exec("COMMIT", "ending the read transaction");
    w.flush();
    if (plan.pos.by != ReadPosition::By::Nothing) emit_state(host, t, plan.pos.final_blob(last));
    host.info("stream " + cs.display_name() + ": " + std::to_string(w.total()) + " records" + plan.pos.resumed_from());
    emit_stream_status(host, t.name, t.schema, "COMPLETE");
}

}  // namespace pgsource
