#include "pg_config.hpp"

#include <connhost/sdk/status.hpp>

namespace pgdest {

using connhost::sdk::ConfigError;
using connhost::sdk::ConfigView;

PgConfig parse_config(const boost::json::object& config) {
    ConfigView c(config);
    PgConfig p;
    p.host = c.string("host");
    p.port = static_cast<int>(c.integer_or("port", 5432, 1, 65535));
    p.database = c.string("database");
    p.schema = c.string_or("schema", "public");
    if (p.schema.empty()) throw ConfigError("config.schema must not be empty");
    p.username = c.string("username");
    p.password = c.string_or("password", "");
    // Airbyte writes ssl_mode as {"mode": "require", ...}; a plain string is accepted too.
    static const std::initializer_list<std::string_view> modes = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    if (auto it = config.find("ssl_mode"); it != config.end() && it->value().is_object()) {
        ConfigView ssl(it->value().as_object(), "config.ssl_mode");
        p.ssl_mode = ssl.choice_or("mode", modes, "prefer");
    } else {
        p.ssl_mode = c.choice_or("ssl_mode", modes, "prefer");
    }
    p.connect_timeout_seconds = static_cast<int>(c.integer_or("connect_timeout_seconds", 10, 1, 3600));
    p.connect_attempts = static_cast<int>(c.integer_or("connect_attempts", 5, 1, 100));
    p.connect_backoff_ms = static_cast<int>(c.integer_or("connect_backoff_ms", 500, 0, 600000));
    p.copy_buffer_bytes = static_cast<size_t>(c.integer_or("copy_buffer_kb", 1024, 16, 1 << 20)) << 10;
    p.commit_bytes = static_cast<size_t>(c.integer_or("commit_mb", 64, 1, 1 << 16)) << 20;
    p.commit_seconds = static_cast<double>(c.integer_or("commit_ms", 2000, 0, 3600000)) / 1000.0;
    return p;
}

boost::json::object spec_json() {
    return connhost::sdk::parse_object(R"SPEC({
      "documentationUrl": "https://connhost.invalid/docs/connectors/dest_pg",
      "supported_destination_sync_modes": ["append", "overwrite", "append_dedup"],
      "supportsIncremental": true,
      "connectionSpecification": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "PostgreSQL destination",
        "type": "object",
        "required": ["host", "database", "username"],
        "properties": {
          "host": {"type": "string", "title": "Host", "order": 0, "description": "server host name or IP address"},
          "port": {"type": "integer", "title": "Port", "order": 1, "default": 5432, "minimum": 1, "maximum": 65535},
          "database": {"type": "string", "title": "Database", "order": 2},
          "schema": {"type": "string", "title": "Default schema", "order": 3, "default": "public",
                     "description": "schema of streams without a namespace; a stream's namespace is its schema (created if missing)"},
          "username": {"type": "string", "title": "User", "order": 4},
          "password": {"type": "string", "title": "Password", "order": 5, "airbyte_secret": true},
          "ssl_mode": {"title": "SSL mode", "order": 6, "default": "prefer",
                       "description": "libpq sslmode; a string or Airbyte's {\"mode\": ...} object",
                       "oneOf": [{"type": "string", "enum": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]},
                                 {"type": "object", "properties": {"mode": {"type": "string"}}}]},
          "connect_timeout_seconds": {"type": "integer", "default": 10, "minimum": 1, "description": "per connection attempt"},
          "connect_attempts": {"type": "integer", "default": 5, "minimum": 1,
                               "description": "tries to (re)connect when the server refuses or drops the connection"},
          "connect_backoff_ms": {"type": "integer", "default": 500, "minimum": 0,
                                 "description": "first wait between connection tries; doubles each time, at most 8 s"},
          "copy_buffer_kb": {"type": "integer", "default": 1024, "minimum": 16, "description": "COPY data is sent in chunks of this size"},
          "commit_mb": {"type": "integer", "default": 64, "minimum": 1,
                        "description": "at a state, commit once this much record data arrived since the last commit"},
          "commit_ms": {"type": "integer", "default": 2000, "minimum": 0,
                        "description": "at a state, commit once this long passed since the last commit"}
        }
      }
    })SPEC", "spec");
}

}  // namespace pgdest
