// Reads one configured stream (a table or view) and emits its records and states.
//
// Full refresh: SELECT of the columns in one REPEATABLE READ READ ONLY transaction through a
// server-side cursor, FETCH fetch_rows at a time, so memory holds one fetch, never the table.
// Incremental: the same ordered by the cursor column (NULLs last), from `cursor >= saved value`
// when the state holds one for this cursor column; a STATE every state_interval rows and at the end.
// The state blob is {"cursor_field": [column], "cursor": "<the column's text, exactly as the server wrote it>"}.
// `>=` may repeat the rows equal to the saved value; it never misses one.
#pragma once
#include "pg_session.hpp"
#include "source_config.hpp"
#include "table_catalog.hpp"

#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/state.hpp>

namespace pgsource {

// Reads `cs` from table `t`; throws ConfigError for a bad cursor field, SystemError on server errors.
void read_table(PgSession& db, const SourceConfig& cfg, const Table& t, const connhost::sdk::ConfiguredStream& cs,
                const connhost::sdk::StateMap& state, connhost::sdk::Host host);

}  // namespace pgsource
