// The ConnectorSpecification of source_http (its config schema, secrets marked airbyte_secret).
#pragma once

namespace source_http {

// The specification as JSON text.
const char* spec_json();

}  // namespace source_http
