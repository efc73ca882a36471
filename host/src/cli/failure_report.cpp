#include "cli/failure_report.hpp"

#include "logging/log_setup.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/json_text.hpp"
#include "protocol/message_writer.hpp"

#include <cstdio>

namespace connhost::cli {

int exit_code(runtime::FailureKind kind) noexcept {
    switch (kind) {
        case runtime::FailureKind::Usage: return kExitUsage;
        case runtime::FailureKind::Interrupted: return kExitInterrupted;
        default: return kExitFailed;
    }
}

int report_failure(const char* command, const runtime::RunFailure& failure, protocol::MessageWriter* out) {
    const std::string msg = logging::secrets().mask(failure.what());
    if (out) {
        try {
            out->trace_error(msg, "", failure.failure_type());
            out->flush();
        } catch (...) {
            // stdout is gone; stderr still says it
        }
    }
    const int code = exit_code(failure.kind());
    const std::string line = std::string("connhost") + (*command ? " " : "") + command + ": " + msg;
    if (logging::json_on_stderr())
        logging::write_json_line(spdlog::level::err, "connhost", line,
                                 ",\"failure_type\":" + protocol::json_string(failure.failure_type()) +
                                     ",\"exit_code\":" + std::to_string(code));
    else
        std::fprintf(stderr, "%s\n", line.c_str());
    return code;
}

}  // namespace connhost::cli
