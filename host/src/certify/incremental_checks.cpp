// incremental.*: states follow the records they cover, a read from the final state emits nothing older, and a read
// resumed from a middle state loses nothing.
#include "certify/cursor_values.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace connhost::certify {

namespace json = boost::json;

namespace {

const char* const kIds[] = {"incremental.state_order", "incremental.from_final_state", "incremental.resume_middle"};

// An incremental stream of the read: its id, top-level cursor field, cursor path and primary key paths.
struct IncStream {
    StreamId id;
    std::string cursor;
    json::array cursor_path, primary_key;
};

// The streams supporting incremental with a default_cursor_field.
std::vector<json::object> incremental_streams(const std::vector<json::object>& streams) {
    std::vector<json::object> out;
    for (const auto& s : streams) {
        const auto* modes = s.if_contains("supported_sync_modes");
        const auto* cf = s.if_contains("default_cursor_field");
        bool inc = false;
        if (modes && modes->is_array())
            for (const auto& m : modes->as_array()) inc = inc || m == "incremental";
        if (inc && cf && cf->is_array() && !cf->as_array().empty() && cf->as_array()[0].is_string()) out.push_back(s);
    }
    return out;
}

IncStream inc_stream(const json::object& s) {
    IncStream st{stream_id(s),
                 std::string(s.at("default_cursor_field").as_array()[0].as_string()),
                 s.at("default_cursor_field").as_array(),
                 {}};
    if (const auto* pk = s.if_contains("source_defined_primary_key"); pk && pk->is_array())
        st.primary_key = pk->as_array();
    return st;
}

// The cursor values of each stream's states in `r`, in order: (position, value).
using StateValues = std::map<StreamId, std::vector<std::pair<size_t, json::value>>>;

StateValues state_values(const ReadOutput& r, const std::vector<IncStream>& streams) {
    StateValues values;
    for (const auto& [pos, state] : r.states)
        for (const auto& s : streams)
            if (auto v = state_cursor(*state, s.id, s.cursor, streams.size() == 1)) values[s.id].emplace_back(pos, *v);
    return values;
}

const IncStream* find_stream(const std::vector<IncStream>& streams, const StreamId& id) {
    for (const auto& s : streams)
        if (s.id == id) return &s;
    return nullptr;
}

// The problem of the first read's order: a record older than a state before it, or records after the last state.
std::string order_problem(const ReadOutput& r, const std::vector<IncStream>& streams, const StateValues& values) {
    for (const auto& [id, list] : values) {
        const IncStream* s = find_stream(streams, id);
        size_t next = 0, after_last = 0;
        const json::value* newest = nullptr;  // the newest state value seen so far
        for (const auto& rec : r.records) {
            if (rec.stream != id) continue;
            while (next < list.size() && list[next].first < rec.position) {
                auto c = newest ? compare_cursors(list[next].second, *newest) : std::optional<int>(1);
                if (c && *c > 0) newest = &list[next].second;
                ++next;
            }
            if (next == list.size()) ++after_last;
            auto v = record_cursor(*rec.data, s->cursor_path);
            if (!newest || !v) continue;
            if (auto c = compare_cursors(*v, *newest); c && *c < 0)
                return "stream " + id.label() + ": the record on line " +
                    std::to_string(r.out.line_numbers[rec.position]) + " has cursor " + json::serialize(*v) +
                    ", older than the state before it (" + json::serialize(*newest) + ")";
        }
        if (after_last)
            return "stream " + id.label() + ": " + std::to_string(after_last) +
                " records come after its last STATE, which therefore does not cover them";
    }
    return "";
}

// A state file (JSON array) with the latest STATE of each kind (each STREAM, GLOBAL, LEGACY) up to `upto`.
std::string state_file(const ReadOutput& r, size_t upto) {
    std::map<std::string, const json::object*> latest;
    for (const auto& [pos, state] : r.states)
        if (pos <= upto) latest[state_key(*state)] = state;
    json::array a;
    for (const auto& [key, state] : latest) a.push_back(*state);
    return json::serialize(a);
}

void check_final_state(const ReadOutput& second, const std::vector<IncStream>& streams, const StateValues& first,
                       CheckReport& report) {
    for (const auto& rec : second.records) {
        auto it = first.find(rec.stream);
        const IncStream* s = find_stream(streams, rec.stream);
        if (it == first.end() || !s) continue;
        const json::value& final_value = it->second.back().second;
        auto v = record_cursor(*rec.data, s->cursor_path);
        if (auto c = v ? compare_cursors(*v, final_value) : std::nullopt; c && *c < 0)
            return report.fail(kIds[1],
                               "stream " + rec.stream.label() + ": a read from the final state emitted cursor " +
                                   json::serialize(*v) + ", older than the state (" + json::serialize(final_value) +
                                   ")");
    }
    report.pass(kIds[1],
                "a read from the final state emitted " + std::to_string(second.records.size()) +
                    " records, none older than the state");
}

}  // namespace

namespace {

// How a record is recognised across reads: its primary key values when the stream has one, else all its data.
std::string identity(const ReadOutput::Record& rec, const IncStream* s) {
    std::string id = rec.stream.label() + "\n";
    if (!s || s->primary_key.empty()) return id + json::serialize(*rec.data);
    for (const auto& path : s->primary_key) {
        auto v = path.is_array() ? record_cursor(*rec.data, path.as_array()) : std::nullopt;
        id += (v ? json::serialize(*v) : "null") + "\n";
    }
    return id;
}

// The records of `first` after the state at `cut` that a read resumed from it must emit again: for each stream,
// those after its latest state at or before `cut`.
std::map<std::string, size_t> expected_after(const ReadOutput& first, const std::vector<IncStream>& streams,
                                             const StateValues& values, size_t cut) {
    std::map<StreamId, size_t> covered;  // position of each stream's latest state at or before `cut`
    for (const auto& [id, list] : values)
        for (const auto& [pos, v] : list)
            if (pos <= cut) covered[id] = pos;
    std::map<std::string, size_t> expected;
    for (const auto& rec : first.records) {
        auto it = covered.find(rec.stream);
        if (it == covered.end() || rec.position > it->second)
            ++expected[identity(rec, find_stream(streams, rec.stream))];
    }
    return expected;
}

void check_resume(const ReadOutput& first, const ReadOutput& resumed, const std::vector<IncStream>& streams,
                  const StateValues& values, size_t cut, CheckReport& report) {
    auto expected = expected_after(first, streams, values, cut);
    for (const auto& rec : resumed.records) {
        auto it = expected.find(identity(rec, find_stream(streams, rec.stream)));
        if (it != expected.end() && it->second > 0) --it->second;
    }
    size_t missing = 0, total = 0;
    std::string example;
    for (const auto& [key, left] : expected) {
        missing += left;
        if (left && example.empty()) example = key.substr(0, 200);
    }
    for (const auto& rec : first.records) total += rec.position > cut;
    if (!missing)
        return report.pass(kIds[2],
                           "a read resumed from the state on line " + std::to_string(first.out.line_numbers[cut]) +
                               " emitted every later record");
    for (auto& c : example)
        if (c == '\n') c = ' ';
    report.fail(kIds[2],
                "a read resumed from the state on line " + std::to_string(first.out.line_numbers[cut]) + " lost " +
                    std::to_string(missing) + " records the first read emitted after it, e.g. " + example);
}

// Why the cursor values of a stream cannot be judged (its first record's and its first state's do not compare), or
// "" when every stream's can.
std::string incomparable(const ReadOutput& r, const std::vector<IncStream>& streams, const StateValues& values) {
    for (const auto& [id, list] : values)
        for (const auto& rec : r.records) {
            if (rec.stream != id) continue;
            auto v = record_cursor(*rec.data, find_stream(streams, id)->cursor_path);
            if (v && !compare_cursors(*v, list.front().second))
                return "stream " + id.label() + ": its records' cursor " + json::serialize(*v) +
                    " and its state's value " + json::serialize(list.front().second) + " cannot be compared";
            if (v) break;
        }
    return "";
}

void skip_all(CheckReport& report, const std::string& why) {
    for (const char* id : kIds) report.skip(id, why);
}

}  // namespace

void check_incremental(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    std::string why;
    auto all = ctx.options.config ? streams_to_read(ctx, facts, why) : std::nullopt;
    if (!all) return skip_all(report, ctx.options.config ? why : "needs --config");
    auto selected = incremental_streams(*all);
    if (selected.empty()) return skip_all(report, "no stream supports incremental with a default_cursor_field");
    std::vector<IncStream> streams;
    for (const auto& s : selected) streams.push_back(inc_stream(s));
    const std::string catalog = configured_catalog(selected, "incremental");
    const RunResult& r1 = run_read(ctx, facts, "read (incremental)", catalog);
    if (auto problem = run_problem("the incremental read", r1); !problem.empty()) {
        report.fail(kIds[0], problem);
        return skip_all(report, "the incremental read failed");
    }
    ReadOutput first = read_output(r1.out);
    StateValues values = state_values(first, streams);
    if (values.empty())
        return skip_all(report,
                        first.states.empty() ? "the incremental read emitted no STATE"
                                             : "no STATE holds a value at the streams' cursor fields");
    if (auto problem = incomparable(first, streams, values); !problem.empty()) return skip_all(report, problem);
    if (auto problem = order_problem(first, streams, values); !problem.empty())
        report.fail(kIds[0], problem);
    else
        report.pass(kIds[0], std::to_string(first.states.size()) + " states, each after the records it covers");
    const RunResult& r2 = run_read(ctx, facts, "read (from the final state)", catalog, state_file(first, SIZE_MAX));
    if (auto problem = run_problem("the read from the final state", r2); !problem.empty())
        report.fail(kIds[1], problem);
    else
        check_final_state(read_output(r2.out), streams, values, report);
    const auto busiest = std::max_element(
        values.begin(), values.end(), [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    if (busiest->second.size() < 2)
        return report.skip(kIds[2], "no stream has two STATEs; resuming needs one before the last");
    const size_t cut = busiest->second[(busiest->second.size() - 1) / 2].first;  // the middle state of that stream
    const RunResult& r3 = run_read(ctx, facts, "read (resumed from a middle state)", catalog, state_file(first, cut));
    if (auto problem = run_problem("the resumed read", r3); !problem.empty()) return report.fail(kIds[2], problem);
    check_resume(first, read_output(r3.out), streams, values, cut, report);
}

}  // namespace connhost::certify
