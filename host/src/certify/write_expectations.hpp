// What the input of a destination's write asks of its output: the STATE echoes with their record counts, and the
// error a malformed line must cause.
#pragma once
#include "certify/protocol_output.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::certify {

// The shape of a write's input (Airbyte or Singer lines; blank lines skipped).
struct InputShape {
    std::vector<uint64_t> state_counts;  // per STATE, in order: the RECORDs since the previous STATE
    uint64_t records = 0;                // RECORDs in all
    std::optional<size_t> bad_line;      // the first line that is not JSON (1-based); nothing after it is counted
};

InputShape shape_of_input(std::string_view input);

// Nothing when `out`'s STATE messages are one per entry of `counts`, in order, each with
// destinationStats.recordCount equal to it; else what differs.
std::optional<std::string> state_echo_problem(const ProtocolOutput& out, const std::vector<uint64_t>& counts);

// Nothing when `stdout_lines`, what a Singer target printed, are `count` JSON values (the bare value of each input
// STATE, nothing else); else what differs.
std::optional<std::string> singer_state_problem(const std::vector<std::string>& stdout_lines, size_t count);

// Whether `message` names line `line` ("line 4", not "line 45").
bool names_line(std::string_view message, size_t line);

}  // namespace connhost::certify
