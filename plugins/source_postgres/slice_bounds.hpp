// SliceBounds: the rows of a table one worker of a partitioned sync reads (`connhost sync --partition I/N`).
//
// A table splits when its primary key is one smallint, integer or bigint column. Slice I of N holds the rows whose key
// hashes to I: (hashint8extended(key, 0) & 2^63-1) mod N = I, PostgreSQL's own seeded 64-bit hash of a bigint, stable
// across major versions. Which slice a row is in depends on its key alone, never on when a worker starts, what the
// statistics say or which rows exist, so the N workers read every row exactly once even when they start apart while
// the table changes or is analyzed, and a worker whose state is reset reads the same slice again. Each worker scans
// the whole key (or cursor) order and keeps its share.
//
// A state saved by an earlier version holds a key range [from, to) instead (ranges came from pg_stats); its slice keeps
// reading that range, so the workers it was computed with stay complementary, and says so in a warning. A completed
// full refresh moves it to the hash; an incremental sync's workers must be reset together (--reset-state on each).
#pragma once
#include "table_catalog.hpp"

#include <connhost/sdk/slice.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace pgsource {

struct SliceBounds {
    uint32_t index = 0, count = 1;
    std::string column;                   // the primary-key column
    bool by_range = false;                // a saved key range [from, to) rather than the key's hash
    std::optional<std::string> from, to;  // by_range: from <= key < to; none: open

    // {"index": I, "count": N, "column": C, "by": "key_hash"}, or a saved range's {..., "from": k | null, "to": ...}:
    // kept in the slice's state blob.
    boost::json::object to_json() const;
    // The condition that keeps a row to this slice ("" for an open range), `literals` holding params()' values.
    std::string condition_sql(const std::vector<std::string>& literals, size_t first) const;
    // The values condition_sql needs: a range's bounds.
    std::vector<std::string> params() const;
    // "slice I of N: ..." for logs.
    std::string describe() const;
};

// Whether `t` can be split (a one-column integer primary key).
bool splittable(const Table& t);

// The slice `slice` of `t`: the range the saved state blob holds for the same slice, else the key's hash. `t` must be
// splittable.
SliceBounds slice_bounds(const Table& t, connhost::sdk::Slice slice, const boost::json::object* blob);

}  // namespace pgsource
