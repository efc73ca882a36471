#include "runtime/rerun_advice.hpp"

namespace connhost::runtime {

namespace {

// Where a re-run starts.
std::string resumes_from(const std::string& state_file) {
    return state_file.empty() ? std::string("it starts over (no --state-file was given)")
                              : "it resumes from the state file " + state_file + ", which matches what is committed";
}

}  // namespace

std::string sync_rerun_advice(std::string_view failure_type, const std::string& state_file) {
    if (failure_type == "config_error")
        return ". This is a configuration problem: re-running the same command fails the same way. Change what the "
               "message names (a config, the catalog or connection file, or the state it resumes from; --reset-state "
               "starts from scratch), then re-run: " +
            resumes_from(state_file);
    if (failure_type == "system_error")
        return ". Re-running the same command fails the same way until the cause above is fixed; then " +
            resumes_from(state_file);
    if (state_file.empty()) return " (no --state-file was given, so a re-run starts over)";
    return "; the state file " + state_file + " matches what is committed: re-run the same command to resume";
}

}  // namespace connhost::runtime
