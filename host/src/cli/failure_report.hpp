// The exit codes of connhost and how a failure reaches the user (stderr, and a TRACE ERROR in protocol mode).
#pragma once
#include "runtime/run_failure.hpp"

namespace connhost::protocol {
class MessageWriter;
}

namespace connhost::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// The exit code of a failure of `kind`.
int exit_code(runtime::FailureKind kind) noexcept;

// Prints "connhost[ <command>]: <message, secrets masked>" on stderr and, given `out`, writes and flushes a TRACE
// ERROR line with the failure's failure_type (a broken stdout is ignored then). Returns the exit code.
int report_failure(const char* command, const runtime::RunFailure& failure, protocol::MessageWriter* out = nullptr);

}  // namespace connhost::cli
