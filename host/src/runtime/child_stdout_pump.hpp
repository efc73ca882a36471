// ChildReport and pump_child_stdout: turning the protocol lines a child `connhost run` prints back into events.
#pragma once
#include "runtime/connector.hpp"

#include <deque>
#include <mutex>
#include <string>

namespace connhost::runtime {

// What a child's stdout said that the run thread needs after (or, for states, while) it runs. Thread-safe.
struct ChildReport {
    std::mutex mu;
    std::deque<std::string> echoed_states;    // destination: acknowledged states not yet applied, oldest first
    std::string error_message, failure_type;  // from the last TRACE ERROR
};

// Reads the child's stdout `fd` to its end and passes each message of plugin `plugin_name` to `ev`. On the run
// thread (sources, spec, check, discover) records go to ev.on_records in batches; off it (a destination's reader
// thread) only logs are passed on and states echoed into `report`. A TRACE ERROR always goes to `report`.
// Returns false when an event sink refused; throws when the stream cannot be read or a line is too long.
bool pump_child_stdout(ConnectorEvents& ev, const std::string& plugin_name, int fd, size_t line_limit,
                       bool on_run_thread, ChildReport& report);

}  // namespace connhost::runtime
