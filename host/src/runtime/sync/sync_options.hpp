// SyncOptions: everything `connhost sync` needs, from flags or from a connection file.
#pragma once
#include "protocol/record_limit.hpp"
#include "protocol/sync_modes.hpp"
#include "runtime/sync/namespace_mapping.hpp"
#include "runtime/sync/partition_plan.hpp"
#include "runtime/error_tolerance.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace connhost::runtime::sync {

// Per-stream choices of a connection file: which streams, and modes that override the defaults.
struct StreamChoice {
    std::string name;
    std::optional<std::string> ns;
    std::optional<protocol::SyncMode> sync_mode;
    std::optional<protocol::DestinationSyncMode> destination_sync_mode;
    std::optional<std::vector<std::string>> cursor_field;
    std::optional<std::vector<std::vector<std::string>>> primary_key;
};

struct SyncOptions {
    std::string source, destination;  // plugin path, file name or short name
    std::vector<std::string> plugin_dirs;
    std::string source_config, destination_config;  // JSON texts
    std::string source_config_origin = "the source config", destination_config_origin = "the destination config";
    std::optional<std::string> catalog;      // a configured or plain catalog text; none: discover
    std::string catalog_origin = "catalog";  // names the catalog in errors
    std::vector<StreamChoice> streams;       // empty: every discovered stream
    std::string state_file;                  // empty: state is not persisted
    bool default_state_file = false;         // state_file is a connection file's default (<file>.state.json)
    Partition partition;                     // --partition I/N: this worker's share of the streams
    bool reset_state = false;                // start from scratch: the state file's states are dropped
    size_t queue_bytes = 16u << 20;
    size_t max_record_bytes = protocol::kDefaultMaxRecordMb << 20;  // a larger source record fails the sync
    int progress_seconds = 10;                                      // not on a terminal: a progress log line this often
    std::string log_level = "info", log_format = "text";
    bool isolate = false;            // run each plugin in a child process
    uint32_t idle_commit_ms = 5000;  // the destination commits within this bound while the source is idle
    NamespaceMapping namespaces;     // where each stream is written (default: the source's names)
    ToleranceOptions tolerance;      // what a record that cannot be written does
};

// The dead-letter file of a sync with --error-tolerance all: the one given, else `<state file>.dead_letter.jsonl`
// ("" under none). Throws std::invalid_argument when there is neither (no state file either).
std::string sync_dead_letter_path(const SyncOptions& o);

// Reads a connection file (JSON; relative paths are relative to the file's directory):
// {"source": {"plugin": P, "config": {...} | "config_file": F}, "destination": {...},
//  "catalog": {...} | "catalog_file": F, "streams": [{"name": N, "sync_mode": ..., ...}], "state_file": F,
//  "isolate": true|false, "queue_mb": N, "idle_commit_seconds": S, "max_record_mb": N,
//  "namespace_definition": "source"|"destination"|"custom", "namespace_format": F, "stream_prefix": P,
//  "error_tolerance": "none"|"all", "dead_letter": F, "partition": "I/N"}.
// Throws std::runtime_error naming the file and field.
SyncOptions read_connection_file(const std::string& path);

// The state file of worker `p` when the state file is a connection file's default: "<file>.state.json" becomes
// "<file>.state.I-of-N.json", so the workers of one connection file never share one. Other paths are kept.
void name_state_file_for_partition(SyncOptions& o);

}  // namespace connhost::runtime::sync
