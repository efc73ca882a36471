// conformance.<file>: every Airbyte and Singer file of the installed conformance data through the destination's write.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/check_report.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace connhost::certify {

// Where test-plugin finds the conformance data: <folder of the connhost executable>/../share/connhost/conformance
// (installed by connhost-dev; the build tree has it at build/share/connhost/conformance).
std::filesystem::path conformance_dir();

// One check per file: airbyte/*_messages.txt, *_message.txt, *_messages_in.txt (each with its catalog, or a
// schemaless one built from its records when it has none) and singer/*.singer. A file must be written without a
// crash, exit 0 and echo each input STATE in order with destinationStats.recordCount right; a file with a line that
// is not JSON, and the three Singer files the Singer SDK's targets must reject, must instead exit 1 (not by a signal)
// with an error naming that line. An Airbyte file whose catalog needs a destination sync mode missing from `modes`
// (the spec's supported_destination_sync_modes) is skipped saying which; Singer files always run.
void check_conformance(CertifyContext& ctx, const std::vector<std::string>& modes, CheckReport& report);

}  // namespace connhost::certify
