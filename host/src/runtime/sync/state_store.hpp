// StateStore: the latest acknowledged state per stream (or global / legacy), persisted atomically to a file.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::runtime::sync {

// Keeps one state message per stream descriptor (STREAM), one GLOBAL and one LEGACY; the file is a JSON
// array of those messages, which `--state` and a source's read accept. Single-threaded.
class StateStore {
public:
    // `path` empty: nothing is persisted. Loads the file when it exists; throws naming the file if it is broken.
    explicit StateStore(std::string path);

    // Merges an acknowledged state message (JSON object text) into the store.
    void apply(std::string_view state_message);
    // Writes the store to the file atomically (no-op without a path or when nothing changed).
    void save();
    // The store as a JSON array text ("" when empty).
    std::string to_json() const;
    bool empty() const noexcept { return streams_.empty() && !global_ && !legacy_; }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    std::map<std::pair<std::string, std::string>, std::string> streams_;  // (namespace, name) -> message
    std::optional<std::string> global_, legacy_;
    bool dirty_ = false;
};

}  // namespace connhost::runtime::sync
