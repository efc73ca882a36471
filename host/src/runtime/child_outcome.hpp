// child_outcome: how an operation run in a child process ended, from its exit status and what the host saw.
#pragma once
#include "runtime/connector.hpp"

#include <string>

namespace connhost::runtime {

// Everything that decides the outcome of one child run.
struct ChildEnd {
    std::string plugin, verb;
    int wait_status = 0;                        // as waitpid gave it
    bool cancel_requested = false;              // cancel() was called (the child was sent SIGTERM)
    bool sink_refused = false;                  // an event sink refused what the child sent
    std::string pump_error;                     // the child's stdout could not be read, or empty
    std::string host_error;                     // the host could not take what the child reported (a reject), or ""
    int32_t input_status = CONNHOST_STATUS_OK;  // a destination's input ended with this
    std::string error_message, failure_type;    // the child's last TRACE ERROR
};

// The Outcome of the run: a crash names the plugin, verb and signal and says the host and acknowledged states are
// intact; a cancel is CANCELLED; else the child's own error, mapped from its failure_type.
Outcome child_outcome(const ChildEnd& end);

}  // namespace connhost::runtime
