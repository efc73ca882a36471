// PgConfig: dest_pg's configuration (shaped like Airbyte's Postgres destination) and its spec.
#pragma once
#include <connhost/sdk/json.hpp>

#include <cstdint>
#include <string>

namespace pgdest {

struct PgConfig {
    std::string host;
    int port = 5432;
    std::string database;
    std::string schema = "public";           // for streams without a namespace
    std::string username;
    std::string password;
    std::string ssl_mode = "prefer";          // libpq sslmode
    int connect_timeout_seconds = 10;
    int connect_attempts = 5;                 // tries per (re)connect, >= 1
    int connect_backoff_ms = 500;             // first wait between tries; doubles up to 8 s
    size_t copy_buffer_bytes = 1u << 20;      // COPY data sent to the server in chunks of this size
    size_t commit_bytes = 64u << 20;          // commit at a state once this much was written since the last commit
    double commit_seconds = 2.0;              // ... or this long after the last commit

    // "host:port", for messages.
    std::string endpoint() const { return host + ":" + std::to_string(port); }
};

// Reads and validates `config`; throws ConfigError naming the field.
PgConfig parse_config(const boost::json::object& config);
// The ConnectorSpecification object.
boost::json::object spec_json();

}  // namespace pgdest
