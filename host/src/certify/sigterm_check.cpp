// sigterm.stops: a read sent SIGTERM after its first record ends within 5 seconds.
#include "certify/read_support.hpp"

#include <boost/json.hpp>

#include <csignal>

namespace connhost::certify {

namespace {

bool is_record_line(const std::string& line) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    const auto* t = !ec && v.is_object() ? v.as_object().if_contains("type") : nullptr;
    return t && *t == "RECORD";
}

}  // namespace

void check_sigterm(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    const char* id = "sigterm.stops";
    std::string why;
    auto streams = ctx.options.config ? streams_to_read(ctx, facts, why) : std::nullopt;
    if (!streams) return report.skip(id, ctx.options.config ? why : "needs --config");
    RunArgs args = RunArgs::of("read");
    args.config = ctx.options.config;
    args.catalog = ctx.scratch.write("catalog.json", configured_catalog(*streams, "full_refresh"));
    auto child = ctx.runner.start(args);
    bool saw_record = false;
    while (auto line = child->next_line(60))
        if (is_record_line(*line)) {
            saw_record = true;
            break;
        }
    const bool read_timed_out = child->timed_out_reading();
    if (saw_record) child->send_signal(SIGTERM);
    const auto sent = std::chrono::steady_clock::now();
    facts.steps.push_back({"read (stopped by SIGTERM)", child->wait(saw_record ? 5 : 60)});
    const RunResult& r = facts.steps.back().result;
    const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    if (!saw_record)
        return report.skip(id, read_timed_out ? "no record within 60 s" : "the read ended before its first record");
    if (r.timed_out) return report.fail(id, "the read did not stop within 5 s of SIGTERM (killed)");
    report.pass(
        id, "stopped " + std::to_string(static_cast<int>(after * 1000)) + " ms after SIGTERM (" + r.describe() + ")");
}

}  // namespace connhost::certify
