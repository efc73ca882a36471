// `connhost run`: one connector operation with Airbyte protocol lines on stdout, as an Airbyte connector behaves.
#pragma once
#include "protocol/record_limit.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace connhost::runtime {

// What `connhost run` was asked to do.
struct RunOptions {
    std::string plugin;                     // path, file name or short name
    std::vector<std::string> plugin_dirs;   // extra --plugin-dir entries
    std::string verb;                       // spec | check | discover | read | write | read-back
    std::optional<std::string> config_path, catalog_path, state_path;
    std::string log_level = "info";
    std::string log_format = "protocol";    // protocol: LOG messages on stdout; text | json: lines on stderr
    bool isolate = false;                   // run the plugin in a child process
    uint32_t idle_commit_ms = 5000;         // write: wake a destination that asked for it after this long without input
    size_t max_record_bytes = protocol::kDefaultMaxRecordMb << 20;  // longer input lines and larger source records fail
};

// Runs the operation; returns the process exit code (0 ok, 1 failed, 2 usage, 130 interrupted).
// Every failure leaves a TRACE ERROR line on stdout and a one-line explanation on stderr.
int run_operation(const RunOptions& opts);

// Reports a command-line mistake of `connhost run` like any other failure (TRACE ERROR on stdout, a line on
// stderr naming `--help`); returns the usage exit code 2.
int report_usage_error(const std::string& message);

}  // namespace connhost::runtime
