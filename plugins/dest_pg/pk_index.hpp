// The unique index an append_dedup table is merged through, kept on the stream's current primary key.
#pragma once
#include "pg_connection.hpp"

#include <connhost/sdk/host.hpp>

#include <string>
#include <vector>

namespace pgdest {

// Makes index `index` (unquoted, in schema `schema`) the unique index of `schema`.`table` on `columns` (unquoted
// column names, in key order): creates it when missing; when it exists on other columns (the stream's key changed,
// as a Singer SCHEMA with new key_properties does) drops and rebuilds it, warning through `host`. The CREATE fails,
// saying so, when the table holds duplicates of the new key. Call inside a transaction. Run thread.
void ensure_pk_index(PgConnection& conn, const std::string& schema, const std::string& table, const std::string& index,
                     const std::vector<std::string>& columns, connhost::sdk::Host host);

}  // namespace pgdest
