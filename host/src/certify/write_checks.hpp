// write.*: how a destination's write treats bad input and a waiting input, whatever it stores.
#pragma once
#include "certify/check_report.hpp"
#include "certify/destination_steps.hpp"

namespace connhost::certify {

// write.bad_input_refused: a line that is not JSON (line 6, after 3 records, a STATE and a record) is refused with
// exit 1 (not a signal) and an error naming line 6, the STATE before it echoed with recordCount 3; with read-back
// (`read_back`), the 3 records it covers are held and nothing from after the bad line.
void check_bad_input(const DestinationSteps& steps, bool read_back, CheckReport& report);

// write.idle_ack: with --idle-commit-seconds 1 and stdin kept open after a STATE, the STATE is echoed within 5 s.
void check_idle_ack(const DestinationSteps& steps, CheckReport& report);

}  // namespace connhost::certify
