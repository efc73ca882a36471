// ErrorTolerance: what a run does with a record it cannot write (Kafka Connect's errors.tolerance).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace connhost::runtime {

// none: a bad record fails the run (the default). all: it goes to the dead-letter file and the run goes on.
enum class ErrorTolerance { None, All };

// How a run treats bad records: the tolerance and, under `all`, the dead-letter file.
struct ToleranceOptions {
    ErrorTolerance tolerance = ErrorTolerance::None;
    std::optional<std::string> dead_letter;  // --dead-letter / "dead_letter"; none: see dead_letter_path()
    bool tolerant() const noexcept { return tolerance == ErrorTolerance::All; }
};

// Parses "none" or "all"; throws std::invalid_argument naming `origin` ("--error-tolerance") and the choices.
ErrorTolerance parse_error_tolerance(std::string_view word, const std::string& origin);

// The dead-letter file of a tolerant run: the one given, else `default_path` ("" when the command has none: then
// throws std::invalid_argument asking for --dead-letter). Throws too when a dead letter is given without `all`.
std::string dead_letter_path(const ToleranceOptions& t, const std::string& default_path);

}  // namespace connhost::runtime
