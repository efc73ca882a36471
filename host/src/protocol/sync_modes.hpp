// The protocol's sync modes as enums, parsed once where a catalog or connection file enters the host.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace connhost::protocol {

// How a source reads a stream (Airbyte SyncMode).
enum class SyncMode { FullRefresh, Incremental };
// How a destination writes a stream (Airbyte DestinationSyncMode).
enum class DestinationSyncMode { Append, Overwrite, AppendDedup, Update, SoftDelete };

// The protocol's spelling of a mode.
inline const char* to_string(SyncMode m) noexcept {
    return m == SyncMode::Incremental ? "incremental" : "full_refresh";
}
inline const char* to_string(DestinationSyncMode m) noexcept {
    switch (m) {
        case DestinationSyncMode::Append: return "append";
        case DestinationSyncMode::Overwrite: return "overwrite";
        case DestinationSyncMode::AppendDedup: return "append_dedup";
        case DestinationSyncMode::Update: return "update";
        case DestinationSyncMode::SoftDelete: return "soft_delete";
    }
    return "append";
}

// Sets `out` to the mode spelt `text`; false when `text` is no mode of the protocol.
inline bool parse_mode(std::string_view text, SyncMode& out) noexcept {
    for (SyncMode m : {SyncMode::FullRefresh, SyncMode::Incremental})
        if (text == to_string(m)) return out = m, true;
    return false;
}
inline bool parse_mode(std::string_view text, DestinationSyncMode& out) noexcept {
    for (DestinationSyncMode m :
         {DestinationSyncMode::Append, DestinationSyncMode::Overwrite, DestinationSyncMode::AppendDedup,
          DestinationSyncMode::Update, DestinationSyncMode::SoftDelete})
        if (text == to_string(m)) return out = m, true;
    return false;
}

// The mode spelt `text`; throws std::invalid_argument "<field> (stream <stream>) must be one of ..., got "<text>"".
template <class Mode>
Mode parse_mode_or_throw(std::string_view text, const std::string& field, const std::string& stream) {
    Mode m{};
    if (parse_mode(text, m)) return m;
    const char* choices = std::is_same_v<Mode, SyncMode> ? "full_refresh or incremental"
                                                         : "append, overwrite, append_dedup, update or soft_delete";
    throw std::invalid_argument(field + (stream.empty() ? "" : " (stream " + stream + ")") + " must be " + choices +
                                ", got \"" + std::string(text) + "\"");
}

}  // namespace connhost::protocol
