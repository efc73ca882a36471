#include "certify/readback_checks.hpp"

#include <algorithm>

namespace connhost::certify {

namespace {

// Records of every JSON type: unicode and escapes in strings, numbers beyond int64 and double, nesting, arrays,
// booleans, a null field and a field outside the schema.
const std::vector<std::string> kValues = {
    R"({"id":1,"seq":1,"text":"plain","amount":1.5,"flag":true,"tags":[1,"two",null,{"x":[]}],)"
    R"("doc":{"a":{"b":[1,2]},"c":null},"maybe":null})",
    R"({"id":2,"seq":1,"text":"żółw 🐢 ü\n line\r\n\t\"q\" \\ \u2028 \u00e9nd","amount":)"
    R"(123456789012345678901234567890.123456789,"flag":false,"extra":{"k":"v"}})",
    R"({"id":3,"seq":1,"amount":98765432109876543210987654321,"doc":{},"tags":[],"maybe":"set"})",
};

std::string lines(const std::string& stream, const std::vector<std::string>& data, int64_t at) {
    std::string out;
    for (const std::string& d : data) out += record_line(stream, d, at++);
    return out;
}

std::string keyed(int id, int seq, const std::string& text) {
    return "{\"id\":" + std::to_string(id) + ",\"seq\":" + std::to_string(seq) + ",\"text\":\"" + text + "\"}";
}

// Writes `input` into `catalog` and checks the run exited 0; else reports `id` failed and returns false.
bool write_ok(const DestinationSteps& steps, CheckReport& report, const std::string& id,
              const std::filesystem::path& catalog, const std::string& input) {
    const RunResult r = steps.write(catalog, input);
    if (r.ok()) return true;
    report.fail(id, "the write " + r.describe() + ": " + error_message(parse_protocol_output(r.out)) + stderr_tail(r));
    return false;
}

// Reads `stream` back and compares it with `want`; reports `id`.
void expect_held(const DestinationSteps& steps, CheckReport& report, const std::string& id,
                 const std::filesystem::path& catalog, const std::string& stream, const std::vector<std::string>& want,
                 const std::string& what) {
    const ReadBackResult got = steps.read_back(catalog, stream);
    if (!got.ok) return report.fail(id, got.error);
    if (auto why = record_set_problem(got.records, want)) return report.fail(id, what + ": " + *why);
    report.pass(id, what + " (" + std::to_string(want.size()) + " records, value for value)");
}

void check_values(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "readback.values", s = steps.stream_name("values");
    const auto cat = steps.catalog({{s, "append"}}, "values.catalog.json");
    if (!write_ok(steps, report, id, cat, lines(s, kValues, 1000) + state_line(s, 1))) return;
    expect_held(steps, report, id, cat, s, kValues, "every record lands as written");
}

void check_append(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "readback.append", s = steps.stream_name("append");
    const auto cat = steps.catalog({{s, "append"}}, "append.catalog.json");
    if (!write_ok(steps, report, id, cat, lines(s, {kValues[0], kValues[1]}, 1000) + state_line(s, 1))) return;
    if (!write_ok(steps, report, id, cat, lines(s, {kValues[2]}, 2000) + state_line(s, 2))) return;
    expect_held(steps, report, id, cat, s, kValues, "a second append sync adds to the first");
}

void check_append_dedup(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "readback.append_dedup", s = steps.stream_name("dedup");
    const auto cat = steps.catalog({{s, "append_dedup", true}}, "dedup.catalog.json");
    const std::string first = lines(s, {keyed(1, 1, "one"), keyed(2, 1, "two"), keyed(2, 3, "two latest")}, 1000);
    const std::string second =
        lines(s, {keyed(1, 2, "one latest"), keyed(3, 1, "three"), keyed(2, 2, "two older")}, 2000);
    if (!write_ok(steps, report, id, cat, first + state_line(s, 1))) return;
    if (!write_ok(steps, report, id, cat, second + state_line(s, 2))) return;
    expect_held(steps, report, id, cat, s, {keyed(1, 2, "one latest"), keyed(2, 3, "two latest"), keyed(3, 1, "three")},
                "one record per primary key, the latest by cursor (two syncs, duplicates within one)");
}

// An overwrite sync that started (STREAM_STATUS STARTED) but never completed, once with its input cut and once killed
// after its records were given time to be committed (2.5 s, idle bound 1 s), must leave the previous sync's records.
void check_overwrite_incomplete(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "readback.overwrite_incomplete", s = steps.stream_name("overwrite");
    const auto cat = steps.catalog({{s, "overwrite"}}, "overwrite.catalog.json");
    if (!write_ok(steps, report, id, cat, lines(s, kValues, 1000) + state_line(s, 1))) return;
    const std::string unfinished =
        status_line(s, "STARTED") + lines(s, {keyed(9, 9, "never complete")}, 2000) + state_line(s, 2);
    const RunResult cut = steps.write(cat, unfinished);
    if (cut.signal != 0) return report.fail(id, "a write whose input ended before COMPLETE was " + cut.describe());
    const ReadBackResult after_cut = steps.read_back(cat, s);
    if (!after_cut.ok) return report.fail(id, after_cut.error);
    if (auto why = record_set_problem(after_cut.records, kValues))
        return report.fail(id, "an overwrite whose input ended before its COMPLETE changed the previous data: " + *why);
    steps.write_until_state_echo(cat, unfinished, 2.5, true);
    expect_held(steps, report, id, cat, s, kValues,
                "an overwrite cut before its COMPLETE, or killed, keeps the previous data");
}

void check_resumed_write(const DestinationSteps& steps, CheckReport& report) {
    const std::string id = "readback.resumed_write", s = steps.stream_name("resume");
    const auto cat = steps.catalog({{s, "append"}}, "resume.catalog.json");
    std::vector<std::string> first, second;
    for (int i = 1; i <= 5; ++i) first.push_back(keyed(i, i, "before the kill"));
    for (int i = 6; i <= 8; ++i) second.push_back(keyed(i, i, "resumed"));
    const KilledWrite k = steps.write_until_state_echo(cat, lines(s, first, 1000) + state_line(s, 1), 15);
    if (!k.echoed) return report.fail(id, "no STATE was echoed within 15 s" + stderr_tail(k.run));
    const ReadBackResult after_kill = steps.read_back(cat, s);
    if (!after_kill.ok) return report.fail(id, after_kill.error);
    if (auto why = record_set_problem(after_kill.records, first))
        return report.fail(id,
                           "after its STATE was echoed the write was killed, and the records that STATE covers "
                           "are not all held (acknowledged before committing?): " +
                               *why);
    if (!write_ok(steps, report, id, cat, lines(s, second, 2000) + state_line(s, 2))) return;
    std::vector<std::string> all = first;
    all.insert(all.end(), second.begin(), second.end());
    expect_held(steps, report, id, cat, s, all, "killed after a STATE echo, then resumed: nothing lost");
}

}  // namespace

ReadBackSupport probe_read_back(const DestinationSteps& steps) {
    const std::string s = steps.stream_name("probe");
    const ReadBackResult r = steps.read_back(steps.catalog({{s, "append"}}, "probe.catalog.json"), s);
    ReadBackSupport out;
    out.offered = r.ok;
    if (!r.ok) out.why_not = r.error;
    if (r.ok && !r.records.empty())
        out.why_not = "a stream never written (" + s + ") reads back " + std::to_string(r.records.size()) + " records";
    return out;
}

void check_read_back(const DestinationSteps& steps, const std::vector<std::string>& modes, CheckReport& report) {
    auto offers = [&](const char* mode, const char* id) {
        if (std::find(modes.begin(), modes.end(), mode) != modes.end()) return true;
        report.skip(id, std::string("the spec's supported_destination_sync_modes lacks ") + mode);
        return false;
    };
    check_values(steps, report);
    check_append(steps, report);
    if (offers("append_dedup", "readback.append_dedup")) check_append_dedup(steps, report);
    if (offers("overwrite", "readback.overwrite_incomplete")) check_overwrite_incomplete(steps, report);
    check_resumed_write(steps, report);
}

}  // namespace connhost::certify
