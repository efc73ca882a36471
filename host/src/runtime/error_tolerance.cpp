#include "runtime/error_tolerance.hpp"

#include <stdexcept>

namespace connhost::runtime {

ErrorTolerance parse_error_tolerance(std::string_view word, const std::string& origin) {
    if (word == "none") return ErrorTolerance::None;
    if (word == "all") return ErrorTolerance::All;
    throw std::invalid_argument(origin +
                                " must be none (a bad record fails the run) or all (bad records go to the "
                                "dead-letter file), not \"" +
                                std::string(word) + "\"");
}

std::string dead_letter_path(const ToleranceOptions& t, const std::string& default_path) {
    if (!t.tolerant()) {
        if (t.dead_letter)
            throw std::invalid_argument("a dead-letter file (" + *t.dead_letter +
                                        ") is only written with --error-tolerance all (\"error_tolerance\": \"all\")");
        return {};
    }
    if (t.dead_letter) return *t.dead_letter;
    if (default_path.empty())
        throw std::invalid_argument(
            "--error-tolerance all needs --dead-letter FILE: the file where the records that cannot be written go");
    return default_path;
}

}  // namespace connhost::runtime
