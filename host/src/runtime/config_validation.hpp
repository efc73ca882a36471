// Validating a connector's config against the connectionSpecification of its spec, before the plugin sees it.
#pragma once
#include <string>
#include <string_view>

namespace connhost::runtime {

// Validates the JSON text `config` against the connectionSpecification of `spec` (a ConnectorSpecification text; a
// spec without one, a config that is not JSON or a schema valijson cannot compile is left to the plugin). Throws
// RunFailure (config_error) naming `origin` (e.g. "config file c.json"), the field's path (config.port), what is
// wrong and what to do; logs a warning naming each field the schema neither declares nor forbids.
void validate_config(std::string_view spec, std::string_view config, const std::string& origin,
                     const std::string& plugin);

}  // namespace connhost::runtime
