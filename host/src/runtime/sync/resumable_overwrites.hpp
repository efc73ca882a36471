// Resumable overwrites: which overwrite streams of a sync keep their staging across a killed run, and what the
// destination is told about them.
//
// An overwrite stream is resumable when the source marks it is_resumable (it checkpoints a full refresh), the
// destination's spec declares "connhost_resumable_overwrite": true, the sync has a state file, and every overwrite
// stream of the catalog qualifies (a non-resumable one holds back every state until it completes, so the saved
// position of the others would lag too far to be trimmed to). Each resumable stream has an attempt, kept in the state
// file: it resumes (resume_rows) when the saved state of the stream is a non-empty position saved under its attempt;
// otherwise it gets a new attempt and its saved state is forgotten (read from the start, a stale staging dropped).
// The destination gets "connhost_resumable_overwrite": {"attempt", "resume_rows", "resume_state"} per stream.
#pragma once
#include "runtime/sync/namespace_mapping.hpp"
#include "runtime/sync/state_store.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::runtime::sync {

using StreamKey = std::pair<std::string, std::string>;  // (namespace, name) as the source names it

struct ResumableOverwrite {
    std::string attempt;
    bool resume_rows = false;
    std::string resume_state;  // the saved stream_state (JSON text) when resume_rows
};

// Whether the ConnectorSpecification text `spec` declares "connhost_resumable_overwrite": true.
bool spec_resumes_overwrites(std::string_view spec);

// Decides the resumable overwrite streams of configured catalog `catalog` (see above), updating `store`: attempts
// set or renewed, the saved state of every other overwrite stream forgotten (logged). `store` has a file when
// `has_file`.
std::map<StreamKey, ResumableOverwrite> plan_resumable_overwrites(std::string_view catalog, bool destination_resumes,
                                                                  StateStore& store, bool has_file);

// The destination's catalog `dst_catalog` (streams in the order of the source's catalog, renamed by `renamer`) with
// "connhost_resumable_overwrite" added to each resumable stream; unchanged when there is none.
std::string add_resumable_overwrites(const std::string& dst_catalog, std::string_view catalog,
                                     const std::map<StreamKey, ResumableOverwrite>& resumable);

}  // namespace connhost::runtime::sync
