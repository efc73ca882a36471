// readback.*: value-level checks of a destination that offers read-back (the plugin extension connhost.read_back/1,
// `connhost run read-back`), as Airbyte's destination tests require retrieveRecords. Each writes streams of its own
// (certify_<pid>_<check>) through the user's --config, which should point at a scratch target, and reads them back.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/check_report.hpp"
#include "certify/destination_steps.hpp"

#include <string>
#include <vector>

namespace connhost::certify {

// Whether the plugin offers read-back: nothing when it does; else why not (the reason every readback.* check is
// skipped, or the failure of readback.available when read-back exists but fails).
struct ReadBackSupport {
    bool offered = false;
    std::string why_not;
};
ReadBackSupport probe_read_back(const DestinationSteps& steps);

// readback.values, readback.append, readback.append_dedup (SKIP when `modes` lacks append_dedup),
// readback.overwrite_incomplete, readback.resumed_write: see README (connhost test-plugin).
void check_read_back(const DestinationSteps& steps, const std::vector<std::string>& modes, CheckReport& report);

}  // namespace connhost::certify
