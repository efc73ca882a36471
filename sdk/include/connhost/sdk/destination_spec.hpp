// destination_spec(): the ConnectorSpecification of an SDK destination, with the sync modes the SDK implements.
#pragma once
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/json.hpp>

#include <string>
#include <string_view>

namespace connhost::sdk {

// Sets spec.supported_destination_sync_modes to every mode the SDK's destinations implement (kDestinationSyncModes).
inline void add_supported_destination_sync_modes(json::object& spec) {
    json::array modes;
    for (DestinationSyncMode m : kDestinationSyncModes) modes.emplace_back(to_string(m));
    spec["supported_destination_sync_modes"] = std::move(modes);
}

// The spec of destination `name`: its documentation URL, a draft-07 connectionSpecification titled `title` with the
// config `properties_json` (a JSON object text) and `required_json` (a JSON array text), and the supported modes.
inline json::object destination_spec(std::string_view name, std::string_view title, std::string_view properties_json,
                                     std::string_view required_json) {
    json::object connection;
    connection["$schema"] = "http://json-schema.org/draft-07/schema#";
    connection["title"] = json::string_view(title.data(), title.size());
    connection["type"] = "object";
    connection["required"] = parse_json(required_json, "spec required");
    connection["properties"] = parse_object(properties_json, "spec properties");
    json::object spec;
    spec["documentationUrl"] = "https://connhost.invalid/docs/connectors/" + std::string(name);
    add_supported_destination_sync_modes(spec);
    spec["connectionSpecification"] = std::move(connection);
    return spec;
}

}  // namespace connhost::sdk
