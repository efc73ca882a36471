#include "cli/failure_report.hpp"

#include "logging/secret_masker.hpp"
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
    std::fprintf(stderr, "connhost%s%s: %s\n", *command ? " " : "", command, msg.c_str());
    return exit_code(failure.kind());
}

}  // namespace connhost::cli
