// PgConfig: dest_pg's configuration (shaped like Airbyte's Postgres destination) and its spec.
#pragma once
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/pg_connect.hpp>

#include <cstdint>
#include <string>

namespace pgdest {

struct PgConfig {
    connhost::sdk::PgConnectConfig conn;  // where and how to connect
    std::string schema = "public";        // for streams without a namespace
    size_t copy_buffer_bytes = 1u << 20;  // COPY data sent to the server in chunks of this size
    size_t commit_bytes = 64u << 20;      // commit at a state once this much was written since the last commit
    double commit_seconds = 2.0;          // ... or this long after the last commit
    uint32_t connections = 1;             // streams are spread over this many connections, written concurrently
    bool lean = false;                    // metadata_columns "lean": tables of the field columns only
    bool binary_copy = true;              // copy_format "binary": COPY binary where every column's type allows it
};

// Reads and validates `config`; throws ConfigError naming the field.
PgConfig parse_config(const boost::json::object& config);
// The ConnectorSpecification object.
boost::json::object spec_json();

}  // namespace pgdest
