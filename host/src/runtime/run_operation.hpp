// `connhost run`: one connector operation with Airbyte protocol lines on stdout, as an Airbyte connector behaves.
#pragma once
#include "protocol/record_limit.hpp"
#include "runtime/error_tolerance.hpp"
#include "runtime/operation.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace connhost::protocol {
class MessageWriter;
}

namespace connhost::runtime {

// What `connhost run` was asked to do.
struct RunOptions {
    std::string plugin;                    // path, file name or short name
    std::vector<std::string> plugin_dirs;  // extra --plugin-dir entries
    Operation op = Operation::Spec;        // parsed where the command line enters
    std::optional<std::string> config_path, catalog_path, state_path;
    std::string log_level = "info";
    std::string log_format = "protocol";  // protocol: LOG messages on stdout; text | json: lines on stderr
    bool isolate = false;                 // run the plugin in a child process
    uint32_t idle_commit_ms = 5000;       // write: wake a destination that asked for it after this long without input
    size_t max_record_bytes = protocol::kDefaultMaxRecordMb << 20;  // longer input lines and larger source records fail
    ToleranceOptions tolerance;                                     // write: what a record that cannot be written does
    bool rejects_to_parent = false;  // read/write in a child of --isolate: records set aside go to the parent (stdout)
    bool changes_to_parent = false;  // write in a child of --isolate: counts of changed values go to the parent
    std::string partition;  // read in the child of a partitioned --isolate sync: "I/N", its slices planned here
};

// Runs the operation, its protocol messages (and logs, in protocol format) written to `out`. Throws RunFailure,
// which the CLI reports (a TRACE ERROR line on `out`, a line on stderr) and turns into the exit code.
void run_operation(const RunOptions& opts, protocol::MessageWriter& out);

}  // namespace connhost::runtime
