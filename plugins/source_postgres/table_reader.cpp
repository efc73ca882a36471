#include "table_reader.hpp"

#include "read_position.hpp"
#include "value_json.hpp"

#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/estimate.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/sql_identifier.hpp>
#include <connhost/sdk/status.hpp>
#include <connhost/sdk/stream_status.hpp>

#include <optional>

namespace pgsource {

namespace json = boost::json;
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

// What one stream's read selects: its record columns, then the columns of its checkpoint key.
struct ReadPlan {
    std::vector<const Column*> cols;
    ReadPosition pos;
};

// The SELECT of `plan`: the record columns, then the key's (ordered by the key, from its start as $1..$n in `params`).
std::string select_sql(const Table& t, const ReadPlan& plan, std::vector<std::string>& params) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < plan.cols.size(); ++i) sql += (i ? ", " : "") + sql_quote_identifier(plan.cols[i]->name);
    if (plan.pos.by != ReadPosition::By::Nothing) sql += ", " + plan.pos.key_sql();
    sql += " FROM " + sql_quote_identifier(t.schema) + "." + sql_quote_identifier(t.name);
    sql += plan.pos.where_sql() + plan.pos.order_sql();
    params = plan.pos.params();
    return sql;
}

// The planner's estimate of the rows `sql` returns, or nothing when EXPLAIN gives none.
std::optional<uint64_t> planner_rows(PgSession& db, const std::string& sql, const std::vector<std::string>& params,
                                     const ConfiguredStream& cs) {
    PgResult r = db.query("EXPLAIN (FORMAT JSON) " + sql, params, "estimating the rows of " + cs.display_name());
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

// Appends the JSON text of result row `row` (its first plan.cols.size() columns) to `rec`; `keys` holds each
// column's JSON key with the separator before it.
void append_record(std::string& rec, const PgResult& r, int row, const ReadPlan& plan,
                   const std::vector<std::string>& keys) {
    rec.clear();
    for (size_t i = 0; i < plan.cols.size(); ++i) {
        rec += keys[i];
        const int c = static_cast<int>(i);
        if (r.is_null(row, c))
            rec += "null";
        else
            append_value(rec, *plan.cols[i], r.view(row, c));
    }
    rec += '}';
}

// Fetches every row of the open cursor connhost_read into `w`, a state every cfg.state_interval rows when the plan
// has a key; returns the key of the last row read (the plan's start when none; empty when neither). The next FETCH is
// sent before the rows of the current one are turned into records, so the server reads while this thread converts.
std::vector<std::string> fetch_rows(PgSession& db, const SourceConfig& cfg, const Table& t, const ConfiguredStream& cs,
                                    const ReadPlan& plan, RecordBatchWriter& w, Host host) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < plan.cols.size(); ++i)
        keys.push_back((i ? "," : "{") + json_string(plan.cols[i]->name) + ":");
    const std::string fetch = "FETCH FORWARD " + std::to_string(cfg.fetch_rows) + " FROM connhost_read";
    const bool keyed = plan.pos.by != ReadPosition::By::Nothing;
    const int key_col = static_cast<int>(plan.cols.size()), key_cols = static_cast<int>(plan.pos.columns.size());
    std::vector<std::string> last = plan.pos.start.value_or(std::vector<std::string>{});
    uint64_t since_state = 0;
    std::string rec;
    const std::string what = "reading " + cs.display_name();
    struct Drain {  // a FETCH still in flight when a record or the host throws
        PgSession& db;
        ~Drain() { db.discard_pending(); }
    } drain{db};
    db.send(fetch, what);
    for (;;) {
        host.throw_if_cancelled();
        PgResult r = db.receive(what);
        const int n = r.rows();
        if (n == 0) return last;
        const bool more = n == cfg.fetch_rows;  // a shorter batch is the cursor's last
        if (more) db.send(fetch, what);
        const int64_t emitted = RecordBatchWriter::now_ms();
        // The key text is copied out of the result only when a state needs it, not once a row.
        int last_row = -1;
        auto settle = [&] {
            if (last_row >= 0) {
                last.resize(static_cast<size_t>(key_cols));
                for (int k = 0; k < key_cols; ++k) last[static_cast<size_t>(k)] = r.text(last_row, key_col + k);
            }
            last_row = -1;
        };
        for (int row = 0; row < n; ++row) {
            append_record(rec, r, row, plan, keys);
            w.add(rec, emitted);
            if (!keyed) continue;
            if (!r.is_null(row, key_col)) last_row = row;  // a NULL cursor (sorted last) moves nothing
            if (++since_state >= cfg.state_interval) {
                settle();
                emit_state(host, t, plan.pos.blob(last));
                since_state = 0;
            }
        }
        settle();
        if (!more) return last;
    }
}

}  // namespace

void read_table(PgSession& db, const SourceConfig& cfg, const Table& t, const ConfiguredStream& cs,
                const connhost::sdk::StateMap& state, Host host, connhost::sdk::Slice slice) {
    ReadPlan plan;
    plan.pos = read_position(db, t, cs, state, host, slice);
    plan.cols = selected_columns(t, cs, cs.incremental() ? t.column(plan.pos.columns[0]) : nullptr);
    std::vector<std::string> params;
    const std::string sql = select_sql(t, plan, params);
    emit_stream_status(host, t.name, t.schema, "STARTED");
    db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting the read transaction of " + cs.display_name());
    if (auto rows = planner_rows(db, sql, params, cs)) connhost::sdk::emit_estimate(host, t.name, t.schema, *rows);
    db.query("DECLARE connhost_read NO SCROLL CURSOR FOR " + sql, params, "opening a cursor over " + cs.display_name());
    RecordBatchWriter w(host, t.name, t.schema);
    const std::vector<std::string> last = fetch_rows(db, cfg, t, cs, plan, w, host);
    db.exec("CLOSE connhost_read", "closing the cursor");
    db.exec("COMMIT", "ending the read transaction");
    w.flush();
    if (plan.pos.by != ReadPosition::By::Nothing) emit_state(host, t, plan.pos.final_blob(last));
    host.info("stream " + cs.display_name() + ": " + std::to_string(w.total()) + " records" + plan.pos.resumed_from());
    emit_stream_status(host, t.name, t.schema, "COMPLETE");
}

}  // namespace pgsource
