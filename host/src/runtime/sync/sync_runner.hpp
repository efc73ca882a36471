// run_sync: a source and a destination in one process, joined by a bounded queue, with durable state.
#pragma once
#include "runtime/sync/sync_options.hpp"

namespace connhost::runtime::sync {

// Runs the sync; returns the exit code (0 ok, 1 failed, 2 usage, 130 interrupted). Progress and the
// summary go to stderr; the state file only ever holds states the destination acknowledged.
int run_sync(const SyncOptions& opts);

}  // namespace connhost::runtime::sync
