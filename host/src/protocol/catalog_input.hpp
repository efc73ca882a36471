// Normalising what users pass with --catalog and --state into the forms plugins receive.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::protocol {

// Returns a ConfiguredAirbyteCatalog text: a configured catalog is kept as it is, a plain catalog
// (streams[].name) becomes full_refresh + append for every stream. `origin` names the input in errors.
std::string normalize_catalog(std::string_view text, const std::string& origin);

// The (namespace, name) of every stream of a configured catalog text (namespace "" when absent).
std::set<std::pair<std::string, std::string>> catalog_stream_keys(std::string_view configured_catalog);

// Returns a JSON array of AirbyteStateMessage: an array is kept (whole {"type":"STATE","state":...} lines in it
// are unwrapped), one state message or line is wrapped, any other object is a legacy state and becomes
// [{"type":"LEGACY","data":...}]. Empty text: "".
std::string normalize_state(std::string_view text, const std::string& origin);

}  // namespace connhost::protocol
