// The checks `connhost test-plugin` runs on a destination.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/check_report.hpp"

namespace connhost::certify {

// Runs every destination check (write.*, conformance.*, readback.*) on ctx's plugin, each result into `report`.
void certify_destination(CertifyContext& ctx, CheckReport& report);

}  // namespace connhost::certify
