#include "runtime/child_outcome.hpp"

#include <csignal>
#include <cstring>
#include <sys/wait.h>

namespace connhost::runtime {

namespace {

int32_t status_of_failure(std::string_view failure_type) {
    if (failure_type == "config_error") return CONNHOST_STATUS_CONFIG;
    if (failure_type == "transient_error") return CONNHOST_STATUS_TRANSIENT;
    return CONNHOST_STATUS_SYSTEM;
}

}  // namespace

Outcome child_outcome(const ChildEnd& end) {
    const int ws = end.wait_status;
    if (WIFSIGNALED(ws) && !(end.cancel_requested && WTERMSIG(ws) == SIGTERM)) {
        int sig = WTERMSIG(ws);
        return {CONNHOST_STATUS_INTERNAL,
                "plugin " + end.plugin + " crashed in " + end.verb + " (signal " + std::to_string(sig) + ": " +
                    strsignal(sig) +
                    "); the host and every state acknowledged before the crash are intact. "
                    "Re-run to resume, and report the crash to the connector's authors"};
    }
    int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
    if (code == 130 || end.cancel_requested) return {CONNHOST_STATUS_CANCELLED, "cancelled"};
    if (!end.host_error.empty()) return {CONNHOST_STATUS_SYSTEM, end.host_error};
    if (!end.pump_error.empty())
        return {CONNHOST_STATUS_SYSTEM, "cannot read the plugin's child process: " + end.pump_error};
    if (end.sink_refused) return {CONNHOST_STATUS_CANCELLED, "cancelled"};
    if (end.input_status != CONNHOST_STATUS_OK) return {end.input_status, ""};
    if (code != 0) {
        std::string message = end.error_message.empty()
            ? "the plugin's child process exited with code " + std::to_string(code)
            : end.error_message;
        return {status_of_failure(end.failure_type), message};
    }
    return {};
}

}  // namespace connhost::runtime
