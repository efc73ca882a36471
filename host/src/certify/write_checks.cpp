#include "certify/write_checks.hpp"

#include "certify/write_expectations.hpp"

namespace connhost::certify {

namespace {

constexpr size_t kBadLine = 6;
constexpr double kIdleAckLimit = 5;

std::string numbered(int id) {
    return "{\"id\":" + std::to_string(id) + ",\"text\":\"line " + std::to_string(id) + "\"}";
}

}  // namespace

void check_bad_input(const DestinationSteps& steps, bool read_back, CheckReport& report) {
    const std::string id = "write.bad_input_refused", s = steps.stream_name("bad_input");
    const auto cat = steps.catalog({{s, "append"}}, "bad_input.catalog.json");
    std::string input;
    for (int i = 1; i <= 3; ++i) input += record_line(s, numbered(i), 1000 + i);
    input += state_line(s, 1) + record_line(s, numbered(4), 1004);
    input += "{\"type\": \"RECORD\", \"record\": {\"stream\": \"" + s + "\", \"data\": {\"id\": 5,\n";  // line 6
    input += record_line(s, numbered(7), 1007);
    const RunResult r = steps.write(cat, input);
    if (r.signal != 0 || r.timed_out) return report.fail(id, "the write was " + r.describe() + stderr_tail(r));
    const ProtocolOutput out = parse_protocol_output(r.out);
    const std::string error = error_message(out);
    if (r.exit_code != 1)
        return report.fail(id, "a line that is not JSON must fail the write with exit 1; it " + r.describe());
    if (!names_line(error, kBadLine))
        return report.fail(id, "the error does not name line " + std::to_string(kBadLine) + ": \"" + error + "\"");
    if (auto why = state_echo_problem(out, {3})) return report.fail(id, "the STATE before the bad line: " + *why);
    if (read_back) {
        const ReadBackResult held = steps.read_back(cat, s);
        if (!held.ok) return report.fail(id, held.error);
        const bool with_4 = held.records.size() == 4;
        std::vector<std::string> want = {numbered(1), numbered(2), numbered(3)};
        if (with_4) want.push_back(numbered(4));  // committed or not: both keep the rule
        if (auto why = record_set_problem(held.records, want))
            return report.fail(id,
                               "after the refused line, the records the echoed STATE covers must be held, and "
                               "nothing from after the bad line: " +
                                   *why);
    }
    report.pass(id, "refused with exit 1: " + error + (read_back ? "; the records before it are held" : ""));
}

void check_idle_ack(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "write.idle_ack", s = steps.stream_name("idle_ack");
    const auto cat = steps.catalog({{s, "append"}}, "idle_ack.catalog.json");
    const KilledWrite k = steps.write_until_state_echo(cat, record_line(s, numbered(1), 1000) + state_line(s, 1), 15);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f s", k.seconds);
    if (!k.echoed) return report.fail(id, "no STATE echoed within 15 s while the input waited" + stderr_tail(k.run));
    if (k.seconds > kIdleAckLimit)
        return report.fail(id,
                           std::string("the STATE was echoed after ") + secs +
                               " while the input waited, over the idle bound (1 s) plus a margin of 4 s");
    report.pass(
        id, std::string("the STATE was echoed after ") + secs + " while the input waited (--idle-commit-seconds 1)");
}

}  // namespace connhost::certify
