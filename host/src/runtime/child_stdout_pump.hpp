// ChildReport and pump_child_stdout: turning the protocol lines a child `connhost run` prints back into events.
#pragma once
#include "protocol/private_message.hpp"
#include "runtime/connector.hpp"

#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace connhost::runtime {

// One thing a destination child said that the run thread applies, in the child's order: a state it echoed (an
// acknowledgement), a record it rejected, or a private line the host could not read.
struct ChildNote {
    std::optional<protocol::RecordReject> reject;   // none: an echoed state (unless `error` or `changes`)
    std::optional<protocol::ValueChanges> changes;  // values the child's destination changed to fit its target
    std::string error;                              // an unreadable private message: the run must fail
};

// What a child's stdout said that the run thread needs after (or, for states and rejects, while) it runs.
// Thread-safe.
struct ChildReport {
    std::mutex mu;
    std::deque<ChildNote> notes;              // destination: notes not yet applied, oldest first
    std::string error_message, failure_type;  // from the last TRACE ERROR
};

// Reads the child's stdout `fd` to its end and passes each message of plugin `plugin_name` to `ev`. On the run
// thread (sources, spec, check, discover) records go to ev.on_records in batches; off it (a destination's reader
// thread) only logs are passed on, and echoed states and private record_reject lines go into `report`. A TRACE ERROR
// always goes to `report`. Returns false when an event sink refused; throws when the stream cannot be read or a line is
// too long.
bool pump_child_stdout(ConnectorEvents& ev, const std::string& plugin_name, int fd, size_t line_limit,
                       bool on_run_thread, ChildReport& report);

}  // namespace connhost::runtime
