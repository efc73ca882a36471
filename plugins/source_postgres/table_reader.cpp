#include "table_reader.hpp"

#include "value_json.hpp"

#include <connhost/sdk/batch_writer.hpp>
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

void emit_state(Host host, const Table& t, const Column& cursor, const std::optional<std::string>& value) {
    json::object blob;
    blob["cursor_field"] = json::array{json::string(cursor.name)};
    if (value) blob["cursor"] = *value;
    host.emit_state(connhost::sdk::stream_state_message(t.name, t.schema, blob));
}

// What one stream's read selects: its columns, its cursor column (incremental) and where the cursor starts.
struct ReadPlan {
    std::vector<const Column*> cols;
    const Column* cursor = nullptr;
    size_t cursor_index = 0;  // of `cursor` in `cols`
    std::optional<std::string> start;
};

// The cursor column of an incremental stream; throws ConfigError when cursor_field names none.
const Column* cursor_column(const Table& t, const ConfiguredStream& cs) {
    if (cs.cursor_field.empty())
        throw ConfigError("stream " + cs.display_name() +
                          " is incremental but has no cursor_field: pick one of its columns " +
                          "(cursor_candidates in discover lists the integer, date and timestamp ones)");
    if (cs.cursor_field.size() != 1)
        throw ConfigError("stream " + cs.display_name() + ": cursor_field must name one top-level column");
    const Column* cursor = t.column(cs.cursor_field[0]);
    if (!cursor)
        throw ConfigError("stream " + cs.display_name() + ": cursor_field \"" + cs.cursor_field[0] +
                          "\" is not a column of the table");
    return cursor;
}

// The cursor value the saved state of `t` holds for `cursor`, if any (a state for another cursor field is ignored).
std::optional<std::string> saved_cursor(const Table& t, const ConfiguredStream& cs, const Column& cursor,
                                        const connhost::sdk::StateMap& state, Host host) {
    const json::object* blob = state.stream(t.name, t.schema);
    if (!blob) return std::nullopt;
    auto f = blob->find("cursor_field");
    auto v = blob->find("cursor");
    const bool same_field = f != blob->end() && f->value().is_array() && f->value().as_array().size() == 1 &&
        f->value().as_array()[0].is_string() && f->value().as_array()[0].as_string() == cursor.name;
    if (same_field && v != blob->end() && v->value().is_string()) return std::string(v->value().as_string());
    if (!same_field && !blob->empty())
        host.warn("stream " + cs.display_name() + ": the saved state is for another cursor field; reading everything");
    return std::nullopt;
}

// The SELECT of `plan` (ordered by the cursor, from its start as $1 in `params`); sets plan.cursor_index.
std::string select_sql(const Table& t, ReadPlan& plan, std::vector<std::string>& params) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < plan.cols.size(); ++i) {
        if (i) sql += ", ";
        sql += sql_quote_identifier(plan.cols[i]->name);
        if (plan.cols[i] == plan.cursor) plan.cursor_index = i;
    }
    sql += " FROM " + sql_quote_identifier(t.schema) + "." + sql_quote_identifier(t.name);
    if (plan.cursor) {
        if (plan.start) {
            sql += " WHERE " + sql_quote_identifier(plan.cursor->name) + " >= $1";
            params.push_back(*plan.start);
        }
        sql += " ORDER BY " + sql_quote_identifier(plan.cursor->name) + " ASC NULLS LAST";
    }
    return sql;
}

// Fetches every row of the open cursor connhost_read into `w`, a state every cfg.state_interval rows of an
// incremental stream; returns the last cursor value read (plan.start when none).
std::optional<std::string> fetch_rows(PgSession& db, const SourceConfig& cfg, const Table& t,
                                      const ConfiguredStream& cs, const ReadPlan& plan, RecordBatchWriter& w,
                                      Host host) {
    // The JSON key of every column, with the separator before it.
    std::vector<std::string> keys;
    for (size_t i = 0; i < plan.cols.size(); ++i)
        keys.push_back((i ? "," : "{") + json_string(plan.cols[i]->name) + ":");
    const std::string fetch = "FETCH FORWARD " + std::to_string(cfg.fetch_rows) + " FROM connhost_read";
    const int cursor_col = static_cast<int>(plan.cursor_index);
    std::optional<std::string> last = plan.start;
    uint64_t since_state = 0;
    std::string rec;
    for (;;) {
        host.throw_if_cancelled();
        PgResult r = db.query(fetch, {}, "reading " + cs.display_name());
        const int n = r.rows();
        if (n == 0) return last;
        const int64_t emitted = RecordBatchWriter::now_ms();
        // The cursor text is copied out of the result only when a state needs it, not once a row.
        int last_row = -1;
        auto settle = [&] {
            if (last_row >= 0) last = r.text(last_row, cursor_col);
            last_row = -1;
        };
        for (int row = 0; row < n; ++row) {
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
            w.add(rec, emitted);
            if (!plan.cursor) continue;
            if (!r.is_null(row, cursor_col)) last_row = row;
            if (++since_state >= cfg.state_interval) {
                w.flush();
                settle();
                emit_state(host, t, *plan.cursor, last);
                since_state = 0;
            }
        }
        settle();
    }
}

}  // namespace

void read_table(PgSession& db, const SourceConfig& cfg, const Table& t, const ConfiguredStream& cs,
                const connhost::sdk::StateMap& state, Host host) {
    ReadPlan plan;
    if (cs.incremental()) {
        plan.cursor = cursor_column(t, cs);
        plan.start = saved_cursor(t, cs, *plan.cursor, state, host);
    }
    plan.cols = selected_columns(t, cs, plan.cursor);
    std::vector<std::string> params;
    const std::string sql = select_sql(t, plan, params);
    emit_stream_status(host, t.name, t.schema, "STARTED");
    db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting the read transaction of " + cs.display_name());
    db.query("DECLARE connhost_read NO SCROLL CURSOR FOR " + sql, params, "opening a cursor over " + cs.display_name());
    RecordBatchWriter w(host, t.name, t.schema);
    std::optional<std::string> last = fetch_rows(db, cfg, t, cs, plan, w, host);
    db.exec("CLOSE connhost_read", "closing the cursor");
    db.exec("COMMIT", "ending the read transaction");
    w.flush();
    if (plan.cursor) emit_state(host, t, *plan.cursor, last);
    host.info("stream " + cs.display_name() + ": " + std::to_string(w.total()) + " records" +
              (plan.start ? " from cursor " + *plan.start : std::string()));
    emit_stream_status(host, t.name, t.schema, "COMPLETE");
}

}  // namespace pgsource
