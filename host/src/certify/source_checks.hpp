// The checks `connhost test-plugin` runs on a source.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/check_report.hpp"

namespace connhost::certify {

// Runs every source check (spec.*, check.*, discover.*, read.*, incremental.*, sigterm.*) on ctx's plugin, each
// result into `report`; a check that cannot apply is skipped saying why.
void certify_source(CertifyContext& ctx, CheckReport& report);

}  // namespace connhost::certify
