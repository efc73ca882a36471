// check.*: check succeeds on the good config and fails cleanly, without leaking a secret, on a bad one.
#include "certify/source_facts.hpp"
#include "runtime/files.hpp"

#include <boost/json.hpp>

namespace connhost::certify {

namespace json = boost::json;

namespace {

// The CONNECTION_STATUS of a check run: its status ("" when none) and message.
struct Status {
    std::string status, message;
};

Status connection_status(const ProtocolOutput& out) {
    Status s;
    if (const json::object* cs = out.first_payload("CONNECTION_STATUS", "connectionStatus")) {
        if (const auto* st = cs->if_contains("status"); st && st->is_string()) s.status = st->as_string().c_str();
        if (const auto* m = cs->if_contains("message"); m && m->is_string()) s.message = m->as_string().c_str();
    }
    if (s.message.empty()) s.message = error_message(out);
    return s;
}

// A config that must fail check, and where it comes from (for the report): --bad-config, or the good config
// without the fields connectionSpecification.required lists. Nothing when neither can be had (`why` says why).
std::optional<std::pair<std::filesystem::path, std::string>> bad_config(CertifyContext& ctx, const SourceFacts& facts,
                                                                        const json::value& good, std::string& why) {
    if (ctx.options.bad_config) return std::pair{*ctx.options.bad_config, ctx.options.bad_config->string()};
    const auto* req =
        facts.spec ? facts.spec->at("connectionSpecification").as_object().if_contains("required") : nullptr;
    if (!good.is_object() || !req || !req->is_array() || req->as_array().empty()) {
        why = "no --bad-config given and connectionSpecification requires no field to drop";
        return std::nullopt;
    }
    json::object bad = good.as_object();
    std::string dropped;
    for (const auto& f : req->as_array()) {
        if (!f.is_string()) continue;
        bad.erase(f.as_string());
        dropped += (dropped.empty() ? "" : ", ") + std::string(f.as_string());
    }
    return std::pair{ctx.scratch.write("bad_config.json", json::serialize(bad)),
                     "the config without its required fields (" + dropped + ")"};
}

void check_good(CertifyContext& ctx, const RunResult& r, CheckReport& report) {
    auto st = connection_status(parse_protocol_output(r.out));
    if (auto why = run_problem("check", r); !why.empty())
        report.fail("check.succeeds", why + (st.message.empty() ? "" : "; message: " + st.message));
    else if (st.status != "SUCCEEDED")
        report.fail("check.succeeds",
                    "check with " + ctx.options.config->string() + " gave status \"" + st.status + "\"" +
                        (st.message.empty() ? "" : ": " + st.message));
    else
        report.pass("check.succeeds", "SUCCEEDED with " + ctx.options.config->string());
}

void check_bad(const std::string& source, const RunResult& r, CheckReport& report) {
    auto st = connection_status(parse_protocol_output(r.out));
    if (r.signal)
        report.fail("check.bad_config_fails", "check with " + source + " " + r.describe());
    else if (st.status == "SUCCEEDED" || (st.status.empty() && r.exit_code == 0))
        report.fail("check.bad_config_fails",
                    "check with " + source + " did not fail (status \"" + st.status + "\", " + r.describe() + ")");
    else if (st.message.empty())
        report.fail("check.bad_config_fails",
                    "check with " + source + " failed without a message (no CONNECTION_STATUS message, no error)");
    else
        report.pass(
            "check.bad_config_fails",
            "with " + source + ": " + (st.status.empty() ? r.describe() : st.status) + ", \"" + st.message + "\"");
}

}  // namespace

void check_connection(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    if (!ctx.options.config) {
        for (const char* id : {"check.succeeds", "check.bad_config_fails", "check.no_secret"})
            report.skip(id, "needs --config");
        return;
    }
    const std::string good_text = runtime::read_file(ctx.options.config->string(), "--config");
    facts.secrets.add(facts.spec_text, good_text);
    RunArgs args = RunArgs::of("check");
    args.config = ctx.options.config;
    const RunResult good = ctx.runner.run(args);
    check_good(ctx, good, report);
    std::string why;
    boost::system::error_code ec;
    auto bad = bad_config(ctx, facts, json::parse(good_text, ec), why);
    if (!bad) {
        report.skip("check.bad_config_fails", why);
    } else {
        facts.secrets.add(facts.spec_text, runtime::read_file(bad->first.string(), "--bad-config"));
        args.config = bad->first;
        const RunResult r = ctx.runner.run(args);
        check_bad(bad->second, r, report);
        if (auto leak = secret_in(facts.secrets, r)) {
            report.fail("check.no_secret", "a secret config value appears in check with " + bad->second + ": " + *leak);
            return;
        }
    }
    if (auto leak = secret_in(facts.secrets, good)) {
        report.fail("check.no_secret", "a secret config value appears in check: " + *leak);
        return;
    }
    report.pass(
        "check.no_secret",
        facts.secrets.empty() ? "the configs hold no airbyte_secret value" : "no secret value in the output of check");
}

}  // namespace connhost::certify
