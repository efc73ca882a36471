// RunFailure: why `connhost run` or `connhost sync` stopped, thrown to the CLI, which reports it
// (cli/failure_report.hpp).
#pragma once
#include <stdexcept>
#include <string>

namespace connhost::runtime {

// What kind of stop a failure is; the CLI maps each to its exit code.
enum class FailureKind {
    Failed,       // the operation failed (or could not start)
    Usage,        // the command line or its inputs are wrong
    Interrupted,  // SIGINT/SIGTERM stopped it
};

// A failure to report: what() for people (secrets are masked when printed), an Airbyte failure_type, and its kind.
class RunFailure : public std::runtime_error {
public:
    explicit RunFailure(const std::string& message, const char* failure_type = "system_error",
                        FailureKind kind = FailureKind::Failed)
        : std::runtime_error(message), failure_type_(failure_type), kind_(kind) {}

    const char* failure_type() const noexcept {
        return failure_type_;
    }  // config_error, transient_error or system_error
    FailureKind kind() const noexcept { return kind_; }

private:
    const char* failure_type_;
    FailureKind kind_;
};

}  // namespace connhost::runtime
