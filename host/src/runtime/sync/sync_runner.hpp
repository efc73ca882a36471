// run_sync: a source and a destination in one process, joined by a bounded queue, with durable state.
#pragma once
#include "runtime/sync/sync_options.hpp"

namespace connhost::runtime::sync {

// Runs the sync; throws RunFailure (runtime/run_failure.hpp) saying what failed and how a re-run resumes. Progress
// and the summary go to stderr; the state file only ever holds states the destination acknowledged.
void run_sync(const SyncOptions& opts);

}  // namespace connhost::runtime::sync
