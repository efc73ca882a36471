// Reads one configured stream (a table or view) and emits its records, states and traces.
//
// One REPEATABLE READ READ ONLY transaction and one COPY (SELECT ...) TO STDOUT, whose rows stream in as they are
// turned into records (libpq holds about one row, flow control the rest), never the table. The rows are ordered by the
// stream's checkpoint key (read_position.hpp: the cursor of an incremental stream, the primary key or ctid of a full
// refresh) and start after the saved position; a STATE every state_interval rows and at the end. An ESTIMATE trace with
// the planner's row estimate precedes the rows.
#pragma once
#include "pg_session.hpp"
#include "source_config.hpp"
#include "table_catalog.hpp"

#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/state.hpp>

namespace pgsource {

// Reads `slice` of `cs` from table `t` (slice_bounds.hpp; the whole table unless partitioned); throws ConfigError for
// a bad cursor field or a table that cannot be split, SystemError on server errors.
void read_table(PgSession& db, const SourceConfig& cfg, const Table& t, const connhost::sdk::ConfiguredStream& cs,
                const connhost::sdk::StateMap& state, connhost::sdk::Host host, connhost::sdk::Slice slice);

}  // namespace pgsource
