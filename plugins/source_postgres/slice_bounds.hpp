// SliceBounds: the primary-key range one worker of a partitioned sync reads of a table (`connhost sync --partition`).
//
// A table splits when its primary key is one smallint, integer or bigint column. The N slices are the ranges
// (-inf, k1), [k1, k2) .. [k(N-1), +inf) of that column: the k come from the column's histogram_bounds in pg_stats
// (equal shares of the rows as ANALYZE sampled them), or, when the table has no statistics, from equal ranges of
// min..max. The first and last ranges are open, so every row, also one inserted later, is in exactly one slice.
// Bounds are computed when a slice starts and kept in its state, so a resumed or later incremental read of the slice
// covers the same range whatever the statistics say by then.
#pragma once
#include "pg_session.hpp"
#include "table_catalog.hpp"

#include <connhost/sdk/slice.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace pgsource {

struct SliceBounds {
    uint32_t index = 0, count = 1;
    std::string column;                   // the primary-key column
    std::optional<std::string> from, to;  // from <= key < to; none: open
    std::string origin;                   // "pg_stats histogram" / "min..max" / "the saved state"

    // {"index": I, "count": N, "from": "k" | null, "to": "k" | null}: kept in the slice's state blob.
    boost::json::object to_json() const;
    // "[from, to) of column (origin)" for logs.
    std::string describe() const;
};

// Whether `t` can be split into key ranges (a one-column integer primary key).
bool splittable(const Table& t);

// The bounds of `slice` of `t`: those the saved state blob holds for the same slice, else computed from the
// statistics (see above). `t` must be splittable.
SliceBounds slice_bounds(PgSession& db, const Table& t, connhost::sdk::Slice slice, const boost::json::object* blob);

}  // namespace pgsource
