// ReadPosition: how a stream's read checkpoints and where it resumes.
//
// Incremental: the key is the cursor column; the state blob is {"cursor_field": [column], "cursor": "<its text>"};
// a read resumes at the rows whose cursor is >= the saved value (it may repeat rows equal to it, never misses one).
// Full refresh (resumable): the key is the primary key, or the ctid of a table or materialized view without one;
// the state blob is {"state_type": "primary_key", "primary_key": [columns], "last": ["<text>", ...]} or
// {"state_type": "ctid", "last": ["(page,item)"]}, and a read resumes after that row. When the stream completes its
// state is {}, so the next sync reads the whole table again. A view, foreign or partitioned table without a primary
// key has no key: its full refresh emits no state and a re-run reads it from the start.
// Key values are the server's text of the columns, exactly as it wrote them.
// A slice of a partitioned sync (slice_bounds.hpp) reads only its rows, and its state blobs carry the slice as
// "slice", so a resumed or later read of the slice stays inside it.
#pragma once
#include "pg_session.hpp"
#include "slice_bounds.hpp"
#include "table_catalog.hpp"

#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/state.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pgsource {

struct ReadPosition {
    enum class By { Nothing, Cursor, PrimaryKey, Ctid };
    By by = By::Nothing;
    std::vector<std::string> columns;               // the key's columns ({"ctid"} for Ctid)
    std::optional<std::vector<std::string>> start;  // the saved key value to resume from
    std::optional<SliceBounds> slice;               // this worker's slice (--partition)

    // The key's expressions, quoted, separated by ", " ("" for Nothing).
    std::string key_sql() const;
    // The WHERE clause resuming from `start` and keeping to `slice` unless !keep_to_slice ("" without either), its
    // values `literals`: params(), each quoted as an SQL literal (PgSession::literal), since COPY takes no parameters.
    std::string where_sql(const std::vector<std::string>& literals, bool keep_to_slice = true) const;
    // The values where_sql needs: `start`'s, then a saved range's bounds.
    std::vector<std::string> params() const;
    // The ORDER BY clause ("" for Nothing).
    std::string order_sql() const;
    // The state blob of a read that got to the row whose key is `last` (empty: no row of a cursor yet).
    boost::json::object blob(const std::vector<std::string>& last) const;
    // The state blob at the end of the stream: the last cursor (incremental), {} (full refresh).
    boost::json::object final_blob(const std::vector<std::string>& last) const;
    // "from cursor X" / "after key X" when the read resumed, else "".
    std::string resumed_from() const;

private:
    std::string resume_sql(const std::vector<std::string>& literals) const;
};

// The read position of `cs` over `t`: its checkpoint key, and the saved value to resume from when the state holds one
// for that key (a state for another key is ignored with a warning), and `slice` unless it is the whole table. Throws
// ConfigError for a bad cursor field, or a slice of a table that cannot be split.
ReadPosition read_position(PgSession& db, const Table& t, const connhost::sdk::ConfiguredStream& cs,
                           const connhost::sdk::StateMap& state, connhost::sdk::Host host, connhost::sdk::Slice slice);

}  // namespace pgsource
