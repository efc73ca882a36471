// Building a configured catalog from what a source discovered, with each stream's default modes.
#pragma once
#include "runtime/destination_modes.hpp"
#include "runtime/sync/sync_options.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace connhost::runtime::sync {

// The destination a catalog is configured for: its name (for logs and errors) and the modes it supports.
struct DestinationTarget {
    std::string name;
    DestinationModes modes;
    bool partitioned = false;  // --partition: a stream split over the workers defaults to append(_dedup), not overwrite
};

// Returns a ConfiguredAirbyteCatalog text for the discovered AirbyteCatalog `catalog_json`.
// Defaults per stream: incremental when the stream supports it and has a cursor (source-defined or
// default_cursor_field), then append_dedup when it has a primary key, else append; otherwise
// full_refresh + overwrite; a default the destination does not support falls back to the best one it does
// (fit_default_mode); in a partitioned sync a stream the source marks connhost_splittable defaults to append_dedup
// (append without a primary key) instead of overwrite, which would make each worker replace the others' rows. `choices`
// (may be empty: all streams) select streams and override modes; a choice naming an unknown stream throws
// std::runtime_error listing the discovered ones, a choice of a sync_mode the stream does not list
// std::invalid_argument.
std::string configure_catalog(std::string_view catalog_json, const std::vector<StreamChoice>& choices,
                              const DestinationTarget& target);

}  // namespace connhost::runtime::sync
