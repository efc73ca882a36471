#include "certify/destination_steps.hpp"

#include "protocol/json_text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <unistd.h>

namespace connhost::certify {

namespace json = boost::json;

const char* const kValueSchema = R"({"type":"object","properties":{
  "id":{"type":"integer"},"seq":{"type":"integer"},"text":{"type":"string"},"amount":{"type":"number"},
  "flag":{"type":"boolean"},"tags":{"type":"array"},"doc":{"type":"object"},"maybe":{"type":["null","string"]}}})";

std::string record_line(std::string_view stream, std::string_view data_json, int64_t emitted_at) {
    return R"({"type":"RECORD","record":{"stream":)" + protocol::json_string(stream) +
        ",\"emitted_at\":" + std::to_string(emitted_at) + ",\"data\":" + std::string(data_json) + "}}\n";
}

std::string state_line(std::string_view stream, int n) {
    return R"({"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":)" +
        protocol::json_string(stream) + R"(},"stream_state":{"n":)" + std::to_string(n) + "}}}}\n";
}

std::string status_line(std::string_view stream, std::string_view status) {
    return R"({"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":0,"stream_status":{"stream_descriptor":)"
           R"({"name":)" +
        protocol::json_string(stream) + R"(},"status":)" + protocol::json_string(status) + "}}}\n";
}

std::string DestinationSteps::stream_name(std::string_view what) const {
    return "certify_" + std::to_string(::getpid()) + "_" + std::string(what);
}

std::filesystem::path DestinationSteps::catalog(const std::vector<CertifyStream>& streams,
                                                const std::string& file) const {
    json::array list;
    for (const CertifyStream& s : streams) {
        json::object stream{{"name", s.name},
                            {"json_schema", json::parse(kValueSchema)},
                            {"supported_sync_modes", json::array{"full_refresh", "incremental"}}};
        json::object c{{"stream", std::move(stream)},
                       {"sync_mode", s.mode == "overwrite" ? "full_refresh" : "incremental"},
                       {"destination_sync_mode", s.mode}};
        if (s.keyed) {
            c["primary_key"] = json::array{json::array{"id"}};
            c["cursor_field"] = json::array{"seq"};
        }
        list.emplace_back(std::move(c));
    }
    return ctx_.scratch.write(file, json::serialize(json::object{{"streams", std::move(list)}}));
}

RunResult DestinationSteps::write(const std::filesystem::path& catalog, const std::string& input,
                                  std::vector<std::string> extra) const {
    RunArgs a;
    a.op = "write";
    a.config = ctx_.options.config;
    a.catalog = catalog;
    a.stdin_text = input;
    a.extra = std::move(extra);
    return ctx_.runner.run(a);
}

KilledWrite DestinationSteps::write_until_state_echo(const std::filesystem::path& catalog, const std::string& input,
                                                     double limit, bool wait_full) const {
    RunArgs a;
    a.op = "write";
    a.config = ctx_.options.config;
    a.catalog = catalog;
    a.stdin_text = input;
    a.extra = {"--idle-commit-seconds", "1"};
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::unique_ptr<StreamingRun> run = ctx_.runner.start(a, true);
    KilledWrite k;
    while ((wait_full || !k.echoed) && elapsed() < limit) {
        std::optional<std::string> line = run->next_line(limit - elapsed());
        if (!line) break;  // stdout ended (the run failed) or the limit passed
        k.echoed = k.echoed || line->find("\"STATE\"") != std::string::npos;
    }
    k.seconds = elapsed();
    run->send_signal(SIGKILL);
    k.run = run->wait(10);
    return k;
}

ReadBackResult DestinationSteps::read_back(const std::filesystem::path& catalog, const std::string& stream) const {
    RunArgs a;
    a.op = "read-back";
    a.config = ctx_.options.config;
    a.catalog = catalog;
    const RunResult r = ctx_.runner.run(a);
    ReadBackResult out;
    if (!r.ok()) {
        const std::string why = error_message(parse_protocol_output(r.out));
        out.error = "read-back " + r.describe() + (why.empty() ? stderr_tail(r) : ": " + why);
        return out;
    }
    try {
        RecordsByStream got = records_by_stream(r.out);
        out.records = std::move(got[{std::string(), stream}]);
        out.ok = true;
    } catch (const std::exception& e) {
        out.error = std::string("read-back printed a RECORD that is not JSON: ") + e.what();
    }
    return out;
}

namespace {

std::string cut(const std::string& s, size_t n = 300) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

}  // namespace

std::optional<std::string> record_set_problem(const std::vector<std::string>& got,
                                              const std::vector<std::string>& want) {
    std::vector<std::string> g, w;
    try {
        for (const auto& t : got) g.push_back(canonical_json(t, true));
    } catch (const std::exception& e) {
        return std::string("a record read back is not valid JSON: ") + e.what();
    }
    for (const auto& t : want) w.push_back(canonical_json(t, true));
    std::sort(g.begin(), g.end());
    std::sort(w.begin(), w.end());
    std::vector<std::string> missing, extra;
    std::set_difference(w.begin(), w.end(), g.begin(), g.end(), std::back_inserter(missing));
    std::set_difference(g.begin(), g.end(), w.begin(), w.end(), std::back_inserter(extra));
    if (missing.empty() && extra.empty()) return std::nullopt;
    std::string why = std::to_string(g.size()) + " record(s) read back, expected " + std::to_string(w.size());
    if (!missing.empty()) why += "; missing: " + cut(missing.front());
    if (!extra.empty()) why += "; not written so (or twice): " + cut(extra.front());
    return why;
}

std::string stderr_tail(const RunResult& r) {
    std::string tail = r.err.size() > 600 ? "..." + r.err.substr(r.err.size() - 600) : r.err;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    return tail.empty() ? std::string() : " (stderr: " + tail + ")";
}

}  // namespace connhost::certify
