// What the source checks learn step by step and hand on: the spec, configs, catalog, secrets and every run's output.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/check_report.hpp"
#include "certify/protocol_output.hpp"

#include <boost/json/object.hpp>

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace connhost::certify {

struct SourceFacts {
    std::optional<boost::json::object> spec;     // the ConnectorSpecification, once spec.valid passed
    std::string spec_text;                       // its JSON text ("" without one)
    bool nondeterministic = false;               // connectionSpecification declares "connhost_nondeterministic": true
    std::optional<boost::json::object> catalog;  // the discovered AirbyteCatalog, once discover.catalog passed
    SecretFinder secrets;                        // airbyte_secret values of the good and bad configs
    // Every run after check (discover, read, incremental, sigterm): its label and output, scanned for secrets.
    struct Step {
        std::string label;
        RunResult result;
    };
    std::deque<Step> steps;  // a deque: references to a step stay valid while more are added

    // Runs `args` with the good config, remembers it under `label`, and returns its result.
    const RunResult& run(CertifyContext& ctx, const std::string& label, RunArgs args);
};

// Each records the outcome of one group of source checks into `report` and what it learnt into `facts`.
void check_spec(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);
void check_connection(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);
void check_discover(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);
void check_read(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);
void check_incremental(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);
void check_sigterm(CertifyContext& ctx, SourceFacts& facts, CheckReport& report);

// Nothing when no secret of `secrets` is in `r`'s stdout or stderr; else "the stdout, line N: <line, masked>".
std::optional<std::string> secret_in(const SecretFinder& secrets, const RunResult& r);

// "<step> ended with exit 1" (or "... killed by signal 11 (...)"), then "; stderr: <its last line>", when `r` did
// not exit 0; else "".
std::string run_problem(const std::string& step, const RunResult& r);

}  // namespace connhost::certify
