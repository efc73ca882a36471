// `connhost run`: one connector operation with Airbyte protocol lines on stdout, as an Airbyte connector behaves.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace connhost::runtime {

// What `connhost run` was asked to do.
struct RunOptions {
    std::string plugin;                     // path, file name or short name
    std::vector<std::string> plugin_dirs;   // extra --plugin-dir entries
    std::string verb;                       // spec | check | discover | read | write
    std::optional<std::string> config_path, catalog_path, state_path;
    std::string log_level = "info";
    bool isolate = false;                   // run the plugin in a child process
};

// Runs the operation; returns the process exit code (0 ok, 1 failed, 2 usage, 130 interrupted).
// Every failure leaves a TRACE ERROR line on stdout and a one-line explanation on stderr.
int run_operation(const RunOptions& opts);

}  // namespace connhost::runtime
