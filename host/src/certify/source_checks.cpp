#include "certify/source_checks.hpp"

#include "certify/source_facts.hpp"

namespace connhost::certify {

namespace {

// The last non-empty line of `text`, cut to 200 bytes.
std::string last_line(const std::string& text) {
    size_t end = text.find_last_not_of("\n");
    if (end == std::string::npos) return "";
    size_t start = text.rfind('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = text.substr(start, end + 1 - start);
    return line.size() > 200 ? line.substr(0, 197) + "..." : line;
}

// read.no_secret: no secret value in the stdout or stderr of any run after check.
void check_no_secret(const SourceFacts& facts, CheckReport& report) {
    if (facts.secrets.empty()) {
        report.skip("read.no_secret", "the configs hold no airbyte_secret value to look for");
        return;
    }
    for (const auto& step : facts.steps)
        if (auto where = secret_in(facts.secrets, step.result)) {
            report.fail("read.no_secret", "a secret config value appears in " + step.label + ": " + *where);
            return;
        }
    report.pass("read.no_secret", "no secret value in the output of " + std::to_string(facts.steps.size()) + " runs");
}

}  // namespace

const RunResult& SourceFacts::run(CertifyContext& ctx, const std::string& label, RunArgs args) {
    args.config = ctx.options.config;
    steps.push_back({label, ctx.runner.run(args)});
    return steps.back().result;
}

std::optional<std::string> secret_in(const SecretFinder& secrets, const RunResult& r) {
    if (auto where = secrets.find_in(r.out)) return "the stdout, " + *where;
    if (auto where = secrets.find_in(r.err)) return "the stderr, " + *where;
    return std::nullopt;
}

std::string run_problem(const std::string& step, const RunResult& r) {
    if (r.ok()) return "";
    std::string why = step + " ended with " + r.describe();
    std::string err = last_line(r.err);
    return err.empty() ? why : why + "; stderr: " + err;
}

void certify_source(CertifyContext& ctx, CheckReport& report) {
    SourceFacts facts;
    check_spec(ctx, facts, report);
    check_connection(ctx, facts, report);
    check_discover(ctx, facts, report);
    check_read(ctx, facts, report);
    check_incremental(ctx, facts, report);
    check_sigterm(ctx, facts, report);
    check_no_secret(facts, report);
}

}  // namespace connhost::certify
