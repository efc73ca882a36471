#include "read_position.hpp"

#include <connhost/sdk/saved_cursor.hpp>
#include <connhost/sdk/sql_identifier.hpp>
#include <connhost/sdk/status.hpp>

namespace pgsource {

namespace json = boost::json;
using connhost::sdk::ConfigError;
using connhost::sdk::ConfiguredStream;
using connhost::sdk::Host;
using connhost::sdk::sql_quote_identifier;

namespace {

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

// The strings of array `v`, or nothing when it is not an array of strings.
std::optional<std::vector<std::string>> strings_of(const json::value* v) {
    if (!v || !v->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : v->as_array()) {
        if (!e.is_string()) return std::nullopt;
        out.emplace_back(e.as_string());
    }
    return out;
}

// The saved cursor of an incremental stream, when the blob is for `cursor` and the server can read the value as the
// column's type; anything else is read from the start, with a warning.
std::optional<std::vector<std::string>> saved_cursor(PgSession& db, const ConfiguredStream& cs, const Column& cursor,
                                                     const json::object& blob, Host host) {
    auto field = strings_of(blob.if_contains("cursor_field"));
    const json::value* v = blob.if_contains("cursor");
    if (!field || *field != std::vector<std::string>{cursor.name}) {
        if (!blob.empty())
            host.warn("stream " + cs.display_name() +
                      ": the saved state is for another cursor field; reading everything");
        return std::nullopt;
    }
    if (!v || v->is_null()) return std::nullopt;
    const std::string value = v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
    if (auto problem = db.cast_problem(value, cursor.sql_type)) {
        connhost::sdk::warn_unusable_cursor(host, cs.display_name(), cursor.name, value,
                                            "it is no " + cursor.sql_type + ": " + *problem);
        return std::nullopt;
    }
    return std::vector<std::string>{value};
}

// An overwrite given a saved position resumes into the staging its interrupted sync left (connhost sync's resumable
// overwrite): reading from the start would write the rows kept there twice, so a position this read cannot continue
// from is an error.
[[noreturn]] void refuse_restart(const ConfiguredStream& cs, const json::object& blob) {
    throw ConfigError("stream " + cs.display_name() + ": the saved state " + json::serialize(blob) +
                      " is not a position this full refresh can continue from (the table's key or kind changed), and "
                      "the stream is an overwrite resuming the rows already written: run the sync with --reset-state "
                      "to refresh it from the start");
}

// The saved key of a full refresh by `pos`'s key, when the blob is for that key; another key is read from the start
// (an overwrite: refused, see refuse_restart).
std::optional<std::vector<std::string>> saved_key(const ConfiguredStream& cs, const ReadPosition& pos,
                                                  const json::object& blob, Host host) {
    if (blob.empty()) return std::nullopt;  // a completed full refresh, or none yet
    const json::value* type = blob.if_contains("state_type");
    const bool by_pk = pos.by == ReadPosition::By::PrimaryKey;
    auto last = strings_of(blob.if_contains("last"));
    const bool same = type && type->is_string() && type->as_string() == (by_pk ? "primary_key" : "ctid") && last &&
        last->size() == pos.columns.size() && (!by_pk || strings_of(blob.if_contains("primary_key")) == pos.columns);
    if (same) return last;
    if (cs.destination_sync_mode == connhost::sdk::DestinationSyncMode::Overwrite) refuse_restart(cs, blob);
    host.warn("stream " + cs.display_name() + ": the saved state " + json::serialize(blob) +
              " is not a position of this full refresh (its key is " +
              (by_pk ? "the primary key" : std::string("the ctid")) + "); reading the table from its start");
    return std::nullopt;
}

// Whether relation `t` has physical row addresses that order a read (a table or materialized view).
bool has_ctid(PgSession& db, const Table& t) {
    PgResult r = db.query(
        "SELECT c.relkind::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2",
        {t.schema, t.name}, "looking up the kind of " + t.schema + "." + t.name);
    return r.rows() == 1 && (r.view(0, 0) == "r" || r.view(0, 0) == "m");
}

}  // namespace

std::string ReadPosition::key_sql() const {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : ", ") + (by == By::Ctid ? c : sql_quote_identifier(c));
    return out;
}

// The condition resuming after (or, for a cursor, from) `start`, its values the first literals.
std::string ReadPosition::resume_sql(const std::vector<std::string>& literals) const {
    if (by == By::Cursor) return key_sql() + " >= " + literals.at(0);
    if (by == By::Ctid) return "ctid > " + literals.at(0) + "::tid";
    std::string values;
    for (size_t i = 0; i < columns.size(); ++i) values += (i ? ", " : "") + literals.at(i);
    return "(" + key_sql() + ") > (" + values + ")";
}

std::string ReadPosition::where_sql(const std::vector<std::string>& literals, bool keep_to_slice) const {
    std::string where = start ? resume_sql(literals) : "";
    if (slice && keep_to_slice) {
        const std::string in_slice = slice->condition_sql(literals, start ? start->size() : 0);
        if (!in_slice.empty()) where += (where.empty() ? "" : " AND ") + in_slice;
    }
    return where.empty() ? "" : " WHERE " + where;
}

std::vector<std::string> ReadPosition::params() const {
    std::vector<std::string> out = start.value_or(std::vector<std::string>{});
    if (slice)
        for (std::string& p : slice->params()) out.push_back(std::move(p));
    return out;
}

std::string ReadPosition::order_sql() const {
    if (by == By::Nothing) return "";
    if (by == By::Cursor) return " ORDER BY " + key_sql() + " ASC NULLS LAST";
    return " ORDER BY " + key_sql();
}

json::object ReadPosition::blob(const std::vector<std::string>& last) const {
    json::object b;
    if (by == By::Cursor) {
        b["cursor_field"] = json::array{json::string(columns[0])};
        if (!last.empty()) b["cursor"] = last[0];
        if (slice) b["slice"] = slice->to_json();
        return b;
    }
    b["state_type"] = by == By::Ctid ? "ctid" : "primary_key";
    if (by == By::PrimaryKey) b["primary_key"] = json::value_from(columns);
    b["last"] = json::value_from(last);
    if (slice) b["slice"] = slice->to_json();
    return b;
}

json::object ReadPosition::final_blob(const std::vector<std::string>& last) const {
    return by == By::Cursor ? blob(last) : json::object();
}

std::string ReadPosition::resumed_from() const {
    if (!start) return "";
    std::string v;
    for (const auto& s : *start) v += (v.empty() ? "" : ", ") + s;
    return by == By::Cursor ? " from cursor " + v : " after " + key_sql() + " = " + v;
}

ReadPosition read_position(PgSession& db, const Table& t, const ConfiguredStream& cs,
                           const connhost::sdk::StateMap& state, Host host, connhost::sdk::Slice slice) {
    ReadPosition pos;
    const json::object* blob = state.stream(t.name, t.schema);
    if (!slice.whole()) {
        if (!splittable(t))
            throw ConfigError("stream " + cs.display_name() +
                              " is marked connhost_splittable in the catalog, but its primary key is no longer one "
                              "integer column, so it cannot be read in slices: run discover again for a new catalog");
        pos.slice = slice_bounds(t, slice, blob);
        host.info("stream " + cs.display_name() + ": " + pos.slice->describe());
        if (pos.slice->by_range)
            host.warn("stream " + cs.display_name() +
                      ": this worker keeps the key range an earlier connhost saved in "
                      "its state, and the other workers of this sync must keep theirs: a range and key-hash slices "
                      "together leave rows to no worker. A full refresh moves to key-hash slices once it completes; an "
                      "incremental sync when the states of all " +
                      std::to_string(slice.count) + " workers are reset together (--reset-state on each)");
    }
    if (cs.incremental()) {
        const Column* cursor = cursor_column(t, cs);
        pos.by = ReadPosition::By::Cursor;
        pos.columns = {cursor->name};
        if (blob) pos.start = saved_cursor(db, cs, *cursor, *blob, host);
        return pos;
    }
    if (!t.primary_key.empty()) {
        pos.by = ReadPosition::By::PrimaryKey;
        pos.columns = t.primary_key;
    } else if (has_ctid(db, t)) {
        pos.by = ReadPosition::By::Ctid;
        pos.columns = {"ctid"};
    } else {
        if (blob && !blob->empty() && cs.destination_sync_mode == connhost::sdk::DestinationSyncMode::Overwrite)
            refuse_restart(cs, *blob);
        return pos;
    }
    if (blob) pos.start = saved_key(cs, pos, *blob, host);
    return pos;
}

}  // namespace pgsource
