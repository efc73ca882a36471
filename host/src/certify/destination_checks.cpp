#include "certify/destination_checks.hpp"

#include "certify/conformance_checks.hpp"
#include "certify/destination_steps.hpp"
#include "certify/readback_checks.hpp"
#include "certify/source_facts.hpp"
#include "certify/write_checks.hpp"
#include "runtime/destination_modes.hpp"

#include <string>
#include <vector>

namespace connhost::certify {

namespace {

const char* const kReadBackIds[] = {"readback.values", "readback.append", "readback.append_dedup",
                                    "readback.overwrite_incomplete", "readback.resumed_write"};

// The spec's supported_destination_sync_modes as names, read as the host reads them (every mode when the spec has no
// such list or could not be read).
std::vector<std::string> supported_modes(const SourceFacts& facts) {
    using protocol::DestinationSyncMode;
    const runtime::DestinationModes listed(facts.spec_text);
    std::vector<std::string> modes;
    for (DestinationSyncMode m :
         {DestinationSyncMode::Append, DestinationSyncMode::Overwrite, DestinationSyncMode::AppendDedup})
        if (listed.supports(m)) modes.emplace_back(protocol::to_string(m));
    return modes;
}

}  // namespace

void certify_destination(CertifyContext& ctx, CheckReport& report) {
    SourceFacts facts;  // what spec and check learn (their checks are the sources' ones)
    check_spec(ctx, facts, report);
    check_connection(ctx, facts, report);
    if (!ctx.options.config)
        return report.fail("write.config",
                           "a destination is certified by writing: give --config FILE, a config "
                           "pointing at a scratch target (test-plugin writes the conformance "
                           "streams and streams named certify_<pid>_* into it)");
    DestinationSteps steps(ctx);
    check_conformance(ctx, supported_modes(facts), report);
    const ReadBackSupport rb = probe_read_back(steps);
    const bool not_offered =
        !rb.offered && rb.why_not.find("does not offer the read-back extension") != std::string::npos;
    check_bad_input(steps, rb.offered && rb.why_not.empty(), report);
    check_idle_ack(steps, report);
    if (not_offered) {
        for (const char* id : kReadBackIds)
            report.skip(id, "the plugin does not offer read-back (connhost.read_back/1), so values cannot be checked");
        return;
    }
    if (!rb.why_not.empty()) return report.fail("readback.available", rb.why_not);
    report.pass("readback.available", "connhost.read_back/1 is offered; a stream never written reads back empty");
    check_read_back(steps, supported_modes(facts), report);
}

}  // namespace connhost::certify
