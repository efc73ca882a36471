// read.*: a full refresh emits records only for the configured streams, each valid against its stream's schema, and
// the same records twice (unless the spec declares "connhost_nondeterministic": true).
#include "protocol/json_schema.hpp"
#include "certify/read_support.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace connhost::certify {

namespace json = boost::json;

namespace {

const char* const kIds[] = {"read.runs", "read.only_configured", "read.records_valid", "read.deterministic"};

void skip_all(CheckReport& report, const std::string& why, size_t from = 0) {
    for (size_t i = from; i < std::size(kIds); ++i) report.skip(kIds[i], why);
}

void check_only_configured(const ReadOutput& r, const std::vector<json::object>& configured, size_t all_streams,
                           CheckReport& report) {
    std::set<StreamId> wanted;
    for (const auto& s : configured) wanted.insert(stream_id(s));
    if (size_t malformed = r.out.of_type("RECORD").size() - r.records.size()) {
        report.fail(kIds[1], std::to_string(malformed) + " RECORD messages lack a string `stream` or object `data`");
        return;
    }
    for (const auto& rec : r.records)
        if (!wanted.count(rec.stream)) {
            report.fail(kIds[1], "a record of stream " + rec.stream.label() + ", which the catalog does not configure");
            return;
        }
    report.pass(kIds[1],
                "records only for the " + std::to_string(configured.size()) + " configured of " +
                    std::to_string(all_streams) + " streams");
}

void check_records_valid(const ReadOutput& r, const std::vector<json::object>& configured, CheckReport& report) {
    std::map<StreamId, std::optional<protocol::JsonSchema>> schemas;
    for (const auto& s : configured) try {
            schemas[stream_id(s)].emplace(s.at("json_schema"));
        } catch (const std::exception&) {
            schemas[stream_id(s)];  // reported by discover.schemas; its records cannot be judged
        }
    std::map<StreamId, size_t> numbers;
    std::vector<std::string> failures;
    size_t failed = 0;
    for (const auto& rec : r.records) {
        size_t n = ++numbers[rec.stream];
        auto it = schemas.find(rec.stream);
        if (it == schemas.end() || !it->second) continue;
        auto problems = it->second->problems(*rec.data, 1);
        if (problems.empty()) continue;
        if (++failed <= 3)
            failures.push_back("stream " + rec.stream.label() + " record " + std::to_string(n) + ": " + problems[0]);
    }
    if (!failed) {
        report.pass(kIds[2], std::to_string(r.records.size()) + " records valid against their stream's schema");
        return;
    }
    std::string why = std::to_string(failed) + " records do not validate against their stream's schema";
    for (const auto& f : failures) why += "; " + f;
    report.fail(kIds[2], why);
}

// The records of `r` as (stream, data text) pairs, sorted: a multiset that compares regardless of order.
std::vector<std::pair<StreamId, std::string>> record_multiset(const ReadOutput& r) {
    std::vector<std::pair<StreamId, std::string>> all;
    for (const auto& rec : r.records) all.emplace_back(rec.stream, json::serialize(*rec.data));
    std::sort(all.begin(), all.end());
    return all;
}

void check_deterministic(const ReadOutput& first, const ReadOutput& second, CheckReport& report) {
    auto a = record_multiset(first), b = record_multiset(second);
    if (a == b) {
        report.pass(kIds[3], "two full refreshes gave the same " + std::to_string(a.size()) + " records");
        return;
    }
    std::vector<std::pair<StreamId, std::string>> only_a, only_b;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
    std::string why = "two full refreshes differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
        " records, " + std::to_string(only_a.size()) + " only in the first, " + std::to_string(only_b.size()) +
        " only in the second";
    const auto& example = only_a.empty() ? only_b : only_a;
    if (!example.empty()) why += "; e.g. stream " + example[0].first.label() + ": " + example[0].second.substr(0, 200);
    report.fail(kIds[3],
                why +
                    " (a source whose data changes between reads declares \"connhost_nondeterministic\": "
                    "true in its connectionSpecification)");
}

}  // namespace

void check_read(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    std::string why;
    auto streams = ctx.options.config ? streams_to_read(ctx, facts, why) : std::nullopt;
    if (!streams) return skip_all(report, ctx.options.config ? why : "needs --config");
    if (streams->empty()) return skip_all(report, "the catalog has no stream");
    std::vector<json::object> configured(streams->begin(), streams->end() - (streams->size() >= 2 ? 1 : 0));
    const std::string catalog = configured_catalog(configured, "full_refresh");
    const RunResult& r1 = run_read(ctx, facts, "read (full refresh)", catalog);
    if (auto problem = run_problem("read", r1); !problem.empty()) {
        report.fail(kIds[0], problem);
        return skip_all(report, "read failed", 1);
    }
    ReadOutput first = read_output(r1.out);
    report.pass(kIds[0],
                std::to_string(first.records.size()) + " records, " + r1.describe() + " in " +
                    std::to_string(static_cast<int>(r1.seconds * 1000)) + " ms");
    check_only_configured(first, configured, streams->size(), report);
    check_records_valid(first, configured, report);
    if (facts.nondeterministic) return report.skip(kIds[3], "the spec declares \"connhost_nondeterministic\": true");
    const RunResult& r2 = run_read(ctx, facts, "read (second full refresh)", catalog);
    if (auto problem = run_problem("the second read", r2); !problem.empty()) return report.fail(kIds[3], problem);
    check_deterministic(first, read_output(r2.out), report);
}

}  // namespace connhost::certify
