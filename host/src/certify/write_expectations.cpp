#include "certify/write_expectations.hpp"

#include "certify/text_lines.hpp"
#include "protocol/json_scan.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace connhost::certify {

namespace {

// The "type" of a JSON object line; "" when it has none; throws JsonSyntaxError when the line is not JSON.
std::string type_of_line(std::string_view line) {
    protocol::JsonScanner s(line);
    std::string type;
    if (s.peek() != '{') {
        s.skip_value();
        s.expect_end();
        return type;
    }
    s.expect('{', "'{'");
    s.members([&](std::string_view key) {
        if (key == "type" && s.peek() == '"')
            s.read_string(&type);
        else
            s.skip_value();
    });
    s.expect_end();
    return type;
}

std::optional<uint64_t> record_count_of(const boost::json::object& state_message) {
    const auto* state = state_message.if_contains("state");
    if (!state || !state->is_object()) return std::nullopt;
    const auto* stats = state->as_object().if_contains("destinationStats");
    if (!stats || !stats->is_object()) return std::nullopt;
    const auto* count = stats->as_object().if_contains("recordCount");
    if (!count) return std::nullopt;
    if (count->is_uint64()) return count->as_uint64();
    if (count->is_int64() && count->as_int64() >= 0) return static_cast<uint64_t>(count->as_int64());
    return std::nullopt;
}

}  // namespace

InputShape shape_of_input(std::string_view input) {
    InputShape shape;
    uint64_t since = 0;
    for_each_line(input, [&](size_t number, std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) return true;
        std::string type;
        try {
            type = type_of_line(line);
        } catch (const protocol::JsonSyntaxError&) {
            shape.bad_line = number;
            return false;
        }
        if (type == "RECORD") {
            ++since;
            ++shape.records;
        } else if (type == "STATE") {
            shape.state_counts.push_back(since);
            since = 0;
        }
        return true;
    });
    return shape;
}

std::optional<std::string> state_echo_problem(const ProtocolOutput& out, const std::vector<uint64_t>& counts) {
    const auto states = out.of_type("STATE");
    if (states.size() != counts.size())
        return std::to_string(states.size()) + " STATE message(s) echoed, expected " + std::to_string(counts.size()) +
            " (one per input STATE, once its records are committed)";
    for (size_t i = 0; i < counts.size(); ++i) {
        const std::optional<uint64_t> got = record_count_of(*states[i]);
        if (!got) return "STATE " + std::to_string(i + 1) + " was echoed without state.destinationStats.recordCount";
        if (*got != counts[i])
            return "STATE " + std::to_string(i + 1) + " was echoed with destinationStats.recordCount " +
                std::to_string(*got) + ", expected " + std::to_string(counts[i]) +
                " (the records since the previous STATE)";
    }
    return std::nullopt;
}

std::optional<std::string> singer_state_problem(const std::vector<std::string>& stdout_lines, size_t count) {
    if (stdout_lines.size() != count)
        return std::to_string(stdout_lines.size()) + " line(s) on stdout, expected " + std::to_string(count) +
            " (the value of each input STATE, once its records are committed, and nothing else)";
    for (size_t i = 0; i < count; ++i) {
        boost::system::error_code ec;
        boost::json::parse(stdout_lines[i], ec);
        if (ec) return "stdout line " + std::to_string(i + 1) + " is not a JSON state value: " + stdout_lines[i];
    }
    return std::nullopt;
}

bool names_line(std::string_view message, size_t line) {
    const std::string needle = "line " + std::to_string(line);
    for (size_t at = message.find(needle); at != std::string_view::npos; at = message.find(needle, at + 1)) {
        const size_t after = at + needle.size();
        if (after == message.size() || !std::isdigit(static_cast<unsigned char>(message[after]))) return true;
    }
    return false;
}

}  // namespace connhost::certify
