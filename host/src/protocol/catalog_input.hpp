// Normalising what users pass with --catalog and --state into the forms plugins receive.
#pragma once
#include "protocol/sync_modes.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::protocol {

// Returns a ConfiguredAirbyteCatalog text: a configured catalog is kept as it is, a plain catalog
// (streams[].name) becomes full_refresh + append for every stream. `origin` names the input in errors.
std::string normalize_catalog(std::string_view text, const std::string& origin);

// One stream of a configured catalog, as far as the host's delivery rules need it.
struct CatalogStream {
    std::string ns, name;                                                     // namespace "" when absent
    SyncMode sync_mode = SyncMode::FullRefresh;                               // absent: full_refresh
    DestinationSyncMode destination_sync_mode = DestinationSyncMode::Append;  // absent: append
};

// Every stream of a configured catalog text, in catalog order. Throws std::runtime_error naming the stream and
// the value when a mode is not one of the protocol's.
std::vector<CatalogStream> catalog_streams(std::string_view configured_catalog);

// The (namespace, name) of every stream of a configured catalog text (namespace "" when absent).
std::set<std::pair<std::string, std::string>> catalog_stream_keys(std::string_view configured_catalog);

// The parts of a sync's state file {"connhost_state_file": 1, "owner": {...}, "states": [...]} as exact text spans
// into `text` (owner "" when absent); nullopt when `text` is not such an object. Throws JsonSyntaxError on bad JSON.
struct StateFileParts {
    std::string_view owner, states;
};
std::optional<StateFileParts> state_file_parts(std::string_view text);

// Returns a JSON array of AirbyteStateMessage: a sync's state file gives its "states"; an array is kept (whole
// {"type":"STATE","state":...} lines in it are unwrapped), one state message or line is wrapped, any other object is a
// legacy state and becomes
// [{"type":"LEGACY","data":...}]. Empty text: "".
std::string normalize_state(std::string_view text, const std::string& origin);

}  // namespace connhost::protocol
