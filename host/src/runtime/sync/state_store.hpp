// StateStore: the latest acknowledged state per stream (or global / legacy), persisted atomically to a file
// that also records what it belongs to (StateOwner) and is locked for the whole run.
#pragma once
#include "runtime/file_lock.hpp"
#include "runtime/sync/state_owner.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::runtime::sync {

// Keeps one state message per stream descriptor (STREAM), one GLOBAL and one LEGACY. The file is a JSON object
// {"connhost_state_file": 1, "owner": {...}, "states": [...], "overwrite_attempts": [...] (when any)}; `--state` and a
// source's read accept it, and an older file that is a bare array of states is still read. Single-threaded.
class StateStore {
public:
    // `path` empty: nothing is persisted. Otherwise locks the file for this process's lifetime (throws naming the
    // holder's pid when another run has it) and loads it when it exists; throws naming the file if it is broken,
    // empty or unreadable.
    explicit StateStore(std::string path);

    // Checks the file belongs to `owner` (see check_state_owner) and records `owner` for the next save.
    // With `reset`, forgets the file's states instead and saves at once, so the file now belongs to `owner`.
    void adopt(const StateOwner& owner, bool reset);
    // Drops the saved state of stream (ns, name): it is read from its start (an overwrite stream).
    bool forget_stream(const std::string& ns, const std::string& name);
    // The stream_state (JSON text) of the saved STREAM state of (ns, name); "" when none.
    std::string stream_state(const std::string& ns, const std::string& name) const;
    // The attempt of the resumable overwrite of (ns, name) whose staging the saved state belongs to ("" when none);
    // kept in the file's "overwrite_attempts" (see resumable_overwrites.hpp).
    std::string attempt(const std::string& ns, const std::string& name) const;
    // Sets (attempt non-empty) or forgets (empty) the attempt of (ns, name).
    void set_attempt(const std::string& ns, const std::string& name, const std::string& attempt);
    // Merges an acknowledged state message (JSON object text) into the store.
    void apply(std::string_view state_message);
    // Writes the store to the file atomically (no-op without a path or when nothing changed).
    void save();
    // The states as a JSON array text ("" when empty).
    std::string to_json() const;
    bool empty() const noexcept { return streams_.empty() && !global_ && !legacy_; }
    const std::string& path() const noexcept { return path_; }

private:
    void load(const std::string& text);
    void load_attempts(const std::string& text);

    std::string path_;
    std::unique_ptr<FileLock> lock_;
    std::optional<StateOwner> saved_owner_, owner_;
    std::map<std::pair<std::string, std::string>, std::string> streams_;  // (namespace, name) -> message
    std::optional<std::string> global_, legacy_;
    std::map<std::pair<std::string, std::string>, std::string> attempts_;  // (namespace, name) -> attempt
    bool dirty_ = false;
};

}  // namespace connhost::runtime::sync
