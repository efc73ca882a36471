// Registering the secrets of a config (fields its spec marks airbyte_secret, credentials in URLs) with the masker.
#pragma once
#include "runtime/connector.hpp"

#include <string>
#include <string_view>

namespace connhost::runtime {

// Asks `conn` for its spec (nothing printed) and masks every secret field of `config` from now on.
// Returns the ConnectorSpecification text ("" when the connector gave none).
std::string register_config_secrets(Connector& conn, std::string_view config);

}  // namespace connhost::runtime
