#include "pg_config.hpp"

#include <connhost/sdk/status.hpp>
#include <connhost/sdk/destination_spec.hpp>

namespace pgdest {

using connhost::sdk::ConfigError;
using connhost::sdk::ConfigView;

PgConfig parse_config(const boost::json::object& config) {
    ConfigView c(config);
    PgConfig p;
    p.conn = connhost::sdk::parse_pg_connect(config);
    p.schema = c.string_or("schema", "public");
    if (p.schema.empty()) throw ConfigError("config.schema must not be empty");
    p.copy_buffer_bytes = static_cast<size_t>(c.integer_or("copy_buffer_kb", 1024, 16, 1 << 20)) << 10;
    p.commit_bytes = static_cast<size_t>(c.integer_or("commit_mb", 64, 1, 1 << 16)) << 20;
    p.commit_seconds = static_cast<double>(c.integer_or("commit_ms", 2000, 0, 3600000)) / 1000.0;
    p.connections = static_cast<uint32_t>(c.integer_or("connections", 1, 1, 16));
    const std::string metadata = c.string_or("metadata_columns", "full");
    if (metadata != "full" && metadata != "lean")
        throw ConfigError("config.metadata_columns is \"" + metadata + "\": use \"full\" or \"lean\"");
    p.lean = metadata == "lean";
    const std::string format = c.string_or("copy_format", "binary");
    if (format != "binary" && format != "text")
        throw ConfigError("config.copy_format is \"" + format + "\": use \"binary\" or \"text\"");
    p.binary_copy = format == "binary";
    return p;
}

boost::json::object spec_json() {
    boost::json::object spec = connhost::sdk::destination_spec("dest_pg", "PostgreSQL destination", R"SPEC({
      "schema": {"type": "string", "title": "Default schema", "order": 3, "default": "public", "connhost_target": true,
       "description": "schema of streams without a namespace; a stream's namespace is its schema (created if missing)"},
      "copy_buffer_kb": {"type": "integer", "default": 1024, "minimum": 16,
                         "description": "COPY data is sent in chunks of this size"},
      "commit_mb": {"type": "integer", "default": 64, "minimum": 1,
                    "description": "at a state, commit once this much record data arrived since the last commit"},
      "commit_ms": {"type": "integer", "default": 2000, "minimum": 0,
                    "description": "at a state, commit once this long passed since the last commit"},
      "connections": {"type": "integer", "default": 1, "minimum": 1, "maximum": 16,
                      "description": "streams are spread over this many connections and written concurrently (one server process each); a killed sync still loses and duplicates nothing"},
      "metadata_columns": {"type": "string", "enum": ["full", "lean"], "default": "full",
                           "description": "full: each row also holds _connhost_raw_id, _connhost_extracted_at, _connhost_generation_id, _connhost_meta and _connhost_sync_id; lean: the record's fields only (faster; no per-row changes, no truncate refresh by generation, append_dedup ties go to the later record)"},
      "copy_format": {"type": "string", "enum": ["binary", "text"], "default": "binary",
                      "description": "binary: rows go to the server in COPY's binary format whenever every column of the table is bigint, numeric, double precision, boolean, text, varchar, date, timestamp(tz), json or jsonb (the server parses no numbers, timestamps or UUIDs), else as COPY text; text: always COPY text. Both store the same values"}
    })SPEC",
                                                               R"(["host", "database", "username"])");
    spec["supportsIncremental"] = true;
    spec["connhost_resumable_overwrite"] = true;  // keeps and trims a resumable overwrite's staging (table_plan.hpp)
    connhost::sdk::add_pg_connect_spec(spec);
    return spec;
}

}  // namespace pgdest
