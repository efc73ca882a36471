// SourceConfig: source_postgres's configuration (dest_pg's connection fields plus what to read) and its spec.
#pragma once
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/pg_connect.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pgsource {

struct SourceConfig {
    connhost::sdk::PgConnectConfig conn;
    std::vector<std::string> schemas{"public"};  // discover and read only these schemas
    uint64_t state_interval = 10000;  // a STATE every N rows (and at the end), incremental or resumable full refresh
};

// Reads and validates `config`; throws ConfigError naming the field.
SourceConfig parse_config(const boost::json::object& config);
// The ConnectorSpecification object.
boost::json::object spec_json();

}  // namespace pgsource
