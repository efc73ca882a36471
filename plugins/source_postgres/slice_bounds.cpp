#include "slice_bounds.hpp"

#include <connhost/sdk/sql_identifier.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <vector>

namespace pgsource {

namespace json = boost::json;
using connhost::sdk::sql_quote_identifier;

namespace {

// The integers of a PostgreSQL array literal "{1,2,3}"; empty when `text` is none.
std::vector<int64_t> integers_of(std::string_view text) {
    std::vector<int64_t> out;
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') return out;
    text = text.substr(1, text.size() - 2);
    while (!text.empty()) {
        const size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        int64_t v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc() || end != item.data() + item.size()) return {};
        out.push_back(v);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return out;
}

// The histogram bounds of the key column (the parent's for a partitioned table); empty without statistics.
std::vector<int64_t> histogram(PgSession& db, const Table& t, const std::string& column) {
    PgResult r = db.query(
        "SELECT histogram_bounds::text FROM pg_catalog.pg_stats WHERE schemaname = $1 AND tablename = $2 AND "
        "attname = $3 ORDER BY inherited DESC LIMIT 1",
        {t.schema, t.name, column}, "reading the statistics of " + t.schema + "." + t.name);
    return r.rows() == 1 && !r.is_null(0, 0) ? integers_of(r.view(0, 0)) : std::vector<int64_t>{};
}

// Boundary i of n (0 < i < n) of the histogram `h`: the bound that has i/n of the buckets below it.
int64_t histogram_boundary(const std::vector<int64_t>& h, uint32_t i, uint32_t n) {
    const uint64_t buckets = h.size() - 1;
    return h[static_cast<size_t>((buckets * i + n / 2) / n)];
}

// Boundary i of n of the range [lo, hi]: lo + (hi - lo) * i / n.
int64_t range_boundary(int64_t lo, int64_t hi, uint32_t i, uint32_t n) {
    const __int128 span = static_cast<__int128>(hi) - lo;
    return static_cast<int64_t>(lo + span * i / n);
}

// The key range [min, max] of the table ({0, 0} when it is empty).
std::pair<int64_t, int64_t> key_range(PgSession& db, const Table& t, const std::string& column) {
    const std::string key = sql_quote_identifier(column);
    PgResult r = db.query("SELECT min(" + key + ")::text, max(" + key + ")::text FROM " +
                              sql_quote_identifier(t.schema) + "." + sql_quote_identifier(t.name),
                          {}, "reading the key range of " + t.schema + "." + t.name);
    if (r.rows() != 1 || r.is_null(0, 0)) return {0, 0};
    return {std::stoll(r.text(0, 0)), std::stoll(r.text(0, 1))};
}

// Computes the bounds from the statistics, or from min..max without them.
void compute(PgSession& db, const Table& t, SliceBounds& b) {
    const std::vector<int64_t> h = histogram(db, t, b.column);
    std::pair<int64_t, int64_t> range{0, 0};
    if (h.size() >= 2)
        b.origin = "pg_stats histogram";
    else {
        range = key_range(db, t, b.column);
        b.origin = "min..max (no statistics: ANALYZE the table for even shares)";
    }
    auto boundary = [&](uint32_t i) -> std::optional<std::string> {
        if (i == 0 || i >= b.count) return std::nullopt;  // the first and last slices are open
        return std::to_string(h.size() >= 2 ? histogram_boundary(h, i, b.count)
                                            : range_boundary(range.first, range.second, i, b.count));
    };
    b.from = boundary(b.index);
    b.to = boundary(b.index + 1);
}

std::optional<std::string> bound_at(const json::object& o, const char* key, bool& ok) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    if (!v || !v->is_null()) ok = false;
    return std::nullopt;
}

// The bounds the state blob saved for the same slice of the same column, if any.
bool saved(const json::object* blob, SliceBounds& b) {
    const json::value* s = blob ? blob->if_contains("slice") : nullptr;
    if (!s || !s->is_object()) return false;
    const json::object& o = s->as_object();
    const json::value *index = o.if_contains("index"), *count = o.if_contains("count"), *col = o.if_contains("column");
    if (!index || !count || !index->is_int64() || !count->is_int64() || index->as_int64() != b.index ||
        count->as_int64() != b.count || !col || !col->is_string() || col->as_string() != b.column)
        return false;
    bool ok = true;
    b.from = bound_at(o, "from", ok);
    b.to = bound_at(o, "to", ok);
    b.origin = "the saved state";
    return ok;
}

}  // namespace

json::object SliceBounds::to_json() const {
    json::object o;
    o["index"] = index;
    o["count"] = count;
    o["column"] = column;
    o["from"] = from ? json::value(*from) : json::value(nullptr);
    o["to"] = to ? json::value(*to) : json::value(nullptr);
    return o;
}

std::string SliceBounds::describe() const {
    return "slice " + std::to_string(index) + " of " + std::to_string(count) + ": " + column + " in [" +
        from.value_or("-inf") + ", " + to.value_or("+inf") + ") from " + origin;
}

bool splittable(const Table& t) {
    if (t.primary_key.size() != 1) return false;
    const Column* c = t.column(t.primary_key[0]);
    return c && (c->sql_type == "smallint" || c->sql_type == "integer" || c->sql_type == "bigint");
}

SliceBounds slice_bounds(PgSession& db, const Table& t, connhost::sdk::Slice slice, const json::object* blob) {
    SliceBounds b;
    b.index = slice.index;
    b.count = slice.count;
    b.column = t.primary_key.at(0);
    if (!saved(blob, b)) compute(db, t, b);
    return b;
}

}  // namespace pgsource
