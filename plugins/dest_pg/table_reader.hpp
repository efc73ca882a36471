// Read-back of one stream's table: its rows as the data objects they were written from (`connhost run read-back`).
//
// Rows come in ctid order (the heap's physical order), which is insertion order while a table is only appended to
// (COPY appends at its end; an overwrite's staging table is renamed whole); a row an append_dedup merge updated
// moves to the end like the newest, and after a VACUUM new rows may fill freed space earlier in the heap. The
// metadata columns are left out; a column comes back under the name of the schema property it holds (hashed and
// shortened names, pg_names.hpp), or its own name for fields outside the schema. Cells become JSON by column type:
// bigint and numeric as the number PostgreSQL prints (the same value exactly; exponent forms expanded, `1e2` comes
// back `100`; NaN / Infinity as strings), boolean as true / false, jsonb as its JSON (PostgreSQL's normal form: keys
// sorted, duplicates dropped), text as a string, date as "YYYY-MM-DD", timestamptz as ISO 8601 in UTC
// ("2020-01-01T00:00:00+00:00"). A NULL cell is left out of the object: a null field, an absent one and a value
// NULLed for its column's type are stored alike.
#pragma once
#include "pg_connection.hpp"

#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/catalog.hpp>

#include <string>

namespace pgdest {

// Emits every row of table `schema`.`table` (fitted identifiers, unquoted) of `stream` through `out`, reading in one
// read-only transaction; a table that does not exist emits nothing. Throws SystemError naming the table.
void read_table(PgConnection& conn, const std::string& schema, const std::string& table,
                const connhost::sdk::ConfiguredStream& stream, connhost::sdk::RecordBatchWriter& out);

}  // namespace pgdest
