#include "slice_bounds.hpp"

#include <connhost/sdk/sql_identifier.hpp>

#include <boost/json.hpp>

namespace pgsource {

namespace json = boost::json;
using connhost::sdk::sql_quote_identifier;

namespace {

std::optional<std::string> bound_at(const json::object& o, const char* key, bool& ok) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    if (!v || !v->is_null()) ok = false;
    return std::nullopt;
}

// Sets b's key range to the one an earlier version saved for the same slice of the same column, if the blob holds one.
void saved_range(const json::object* blob, SliceBounds& b) {
    const json::value* s = blob ? blob->if_contains("slice") : nullptr;
    if (!s || !s->is_object()) return;
    const json::object& o = s->as_object();
    const json::value *index = o.if_contains("index"), *count = o.if_contains("count"), *col = o.if_contains("column");
    if (!index || !count || !index->is_int64() || !count->is_int64() || index->as_int64() != b.index ||
        count->as_int64() != b.count || !col || !col->is_string() || col->as_string() != b.column ||
        !o.contains("from") || !o.contains("to"))
        return;
    bool ok = true;
    b.from = bound_at(o, "from", ok);
    b.to = bound_at(o, "to", ok);
    b.by_range = ok;
    if (!ok) b.from = b.to = std::nullopt;
}

}  // namespace

json::object SliceBounds::to_json() const {
    json::object o;
    o["index"] = index;
    o["count"] = count;
    o["column"] = column;
    if (!by_range) {
        o["by"] = "key_hash";
        return o;
    }
    o["from"] = from ? json::value(*from) : json::value(nullptr);
    o["to"] = to ? json::value(*to) : json::value(nullptr);
    return o;
}

std::string SliceBounds::condition_sql(const std::vector<std::string>& literals, size_t first) const {
    const std::string key = sql_quote_identifier(column);
    if (!by_range)
        return "(pg_catalog.hashint8extended(" + key + "::int8, 0) & 9223372036854775807) % " + std::to_string(count) +
            " = " + std::to_string(index);
    std::string out;
    if (from) out = key + " >= " + literals.at(first++);
    if (to) out += (out.empty() ? "" : " AND ") + key + " < " + literals.at(first);
    return out;
}

std::vector<std::string> SliceBounds::params() const {
    std::vector<std::string> out;
    if (by_range && from) out.push_back(*from);
    if (by_range && to) out.push_back(*to);
    return out;
}

std::string SliceBounds::describe() const {
    const std::string head = "slice " + std::to_string(index) + " of " + std::to_string(count) + ": ";
    if (!by_range)
        return head + "rows whose " + column + " hashes to " + std::to_string(index) + " mod " + std::to_string(count);
    return head + column + " in [" + from.value_or("-inf") + ", " + to.value_or("+inf") + ") from the saved state";
}

bool splittable(const Table& t) {
    if (t.primary_key.size() != 1) return false;
    const Column* c = t.column(t.primary_key[0]);
    return c && (c->sql_type == "smallint" || c->sql_type == "integer" || c->sql_type == "bigint");
}

SliceBounds slice_bounds(const Table& t, connhost::sdk::Slice slice, const json::object* blob) {
    SliceBounds b;
    b.index = slice.index;
    b.count = slice.count;
    b.column = t.primary_key.at(0);
    saved_range(blob, b);
    return b;
}

}  // namespace pgsource
