// Fitting a catalog's destination sync modes to what the destination's spec lists (supported_destination_sync_modes).
#pragma once
#include "protocol/sync_modes.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::runtime {

// The destination sync modes a destination supports: those its spec lists, or every mode when it lists none.
class DestinationModes {
public:
    DestinationModes() = default;  // every mode
    // Reads supported_destination_sync_modes of the ConnectorSpecification text `spec` ("" or unreadable: every mode).
    explicit DestinationModes(std::string_view spec);
    bool supports(protocol::DestinationSyncMode m) const;
    // "append, overwrite" as listed, for errors.
    std::string describe() const;

    // The best mode, at most as strong as `wanted`, for a stream whose default would be `wanted`: append_dedup, then
    // append, then overwrite (overwrite before append when `wanted` is overwrite); nullopt when none is supported.
    std::optional<protocol::DestinationSyncMode> best_default(protocol::DestinationSyncMode wanted) const;

private:
    std::vector<protocol::DestinationSyncMode> listed_;  // empty: every mode
};

// The mode of stream `stream` whose default would be `wanted` (read with `sync_mode`): the best default the
// destination supports, logged when it differs, with `sync_mode` set to full_refresh when that is overwrite.
// Throws std::invalid_argument when the destination supports none of append_dedup, append and overwrite.
protocol::DestinationSyncMode fit_default_mode(protocol::DestinationSyncMode wanted, protocol::SyncMode& sync_mode,
                                               const DestinationModes& modes, const std::string& stream,
                                               const std::string& destination);

// Returns the configured catalog `catalog` with each stream's destination_sync_mode replaced by the best default the
// destination supports (full_refresh when that is overwrite), logging each stream that changes. Throws
// std::invalid_argument when the destination supports none of append_dedup, append and overwrite.
std::string fit_default_modes(std::string_view catalog, const DestinationModes& modes, const std::string& destination);

// Throws std::invalid_argument naming the stream, its mode and the modes `destination` supports when a stream of
// the configured catalog `catalog` has a destination_sync_mode the destination does not list.
void require_supported_modes(std::string_view catalog, const DestinationModes& modes, const std::string& destination);

}  // namespace connhost::runtime
