// What to tell a user about re-running after a failure: only a failure a re-run can get past is "re-run to resume";
// a permanent one says what to change first.
#pragma once
#include <string>
#include <string_view>

namespace connhost::runtime {

// The tail of a sync's failure message (starting with "; " or " ("), for a failure of `failure_type`
// (transient_error, config_error, system_error; "interrupted" for a signal) of a sync keeping its state in
// `state_file` ("" when none).
std::string sync_rerun_advice(std::string_view failure_type, const std::string& state_file);

}  // namespace connhost::runtime
