#include "source_config.hpp"

#include <connhost/sdk/status.hpp>

namespace pgsource {

using connhost::sdk::ConfigError;
using connhost::sdk::ConfigView;

SourceConfig parse_config(const boost::json::object& config) {
    SourceConfig s;
    s.conn = connhost::sdk::parse_pg_connect(config);
    if (auto it = config.find("schemas"); it != config.end() && !it->value().is_null()) {
        if (!it->value().is_array()) throw ConfigError("config.schemas must be an array of schema names");
        s.schemas.clear();
        for (const auto& v : it->value().as_array()) {
            if (!v.is_string() || v.as_string().empty())
                throw ConfigError("config.schemas must hold non-empty strings");
            s.schemas.emplace_back(v.as_string());
        }
        if (s.schemas.empty()) throw ConfigError("config.schemas must name at least one schema");
    }
    ConfigView c(config);
    s.state_interval = static_cast<uint64_t>(c.integer_or("state_interval", 10000, 1));
    c.integer_or("fetch_rows", 10000, 1, 1000000);  // still checked in older configs; reads stream through COPY
    return s;
}

boost::json::object spec_json() {
    boost::json::object spec = connhost::sdk::parse_object(R"SPEC({
      "documentationUrl": "https://connhost.invalid/docs/connectors/source_postgres",
      "supportsIncremental": true,
      "connectionSpecification": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "PostgreSQL source",
        "type": "object",
        "required": ["host", "database", "username"],
        "properties": {
          "schemas": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": ["public"], "order": 3,
                      "description": "the schemas whose tables and views are discovered and read"},
          "state_interval": {"type": "integer", "minimum": 1, "default": 10000,
                             "description": "incremental and resumable full refresh streams: emit a STATE every N rows (and at the end)"},
          "fetch_rows": {"type": "integer", "minimum": 1, "default": 10000,
                         "description": "no longer used: rows stream through COPY ... TO STDOUT (accepted in older configs)"}
        }
      }
    })SPEC",
                                                           "spec");
    connhost::sdk::add_pg_connect_spec(spec);
    return spec;
}

}  // namespace pgsource
