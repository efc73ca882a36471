// Building a configured catalog from what a source discovered, with each stream's default modes.
#pragma once
#include "runtime/sync/sync_options.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace connhost::runtime::sync {

// Returns a ConfiguredAirbyteCatalog text for the discovered AirbyteCatalog `catalog_json`.
// Defaults per stream: incremental when the stream supports it and has a cursor (source-defined or
// default_cursor_field), then append_dedup when it has a primary key, else append; otherwise
// full_refresh + overwrite. `choices` (may be empty: all streams) select streams and override modes;
// a choice naming an unknown stream throws std::runtime_error listing the discovered ones.
std::string configure_catalog(std::string_view catalog_json, const std::vector<StreamChoice>& choices);

}  // namespace connhost::runtime::sync
