// Commit windows: how a destination that writes over several connections ("lanes") at once keeps the checkpoint
// rule and duplicates nothing, although commits of different connections are not atomic together.
//
// The protocol (the destination follows it; this header holds its bookkeeping and the recovery rule):
//   - a write is one run (a random run id); its lanes are numbered 0..lanes-1, each one connection;
//   - commit() is a window: the lanes commit window W one after another, every lane every window (a lane with
//     nothing to write commits just its ledger row), and no lane writes a row of window W+1 before every lane
//     committed W. The state of the window is acknowledged only after the last lane committed;
//   - in each lane's transaction of window W, before its COMMIT, the lane writes its ledger row (run, lane, lanes,
//     window W, the transaction's id, the append targets it wrote rows to in W), replacing its row of W-1;
//   - a run that was killed between two lanes' commits leaves lanes at W and lanes at W-1 (a lane with no row is at
//     0). W was not acknowledged, so the source re-sends its records: the next open trims the rows of W's
//     transactions (partial_windows) from their append targets, in the same transaction that deletes the run's
//     ledger rows. A window that every lane committed stays whole, as with one connection.
// Append targets only: append_dedup merges re-sent records into the same rows (no duplicate), and overwrite staging
// is dropped or trimmed by its own rule (resumable_staging.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace connhost::sdk {

// One lane's ledger row: the last window it committed.
struct LaneWindow {
    uint32_t lane = 0;
    uint32_t lanes = 1;                // lanes of the run
    uint64_t window = 0;               // the last window the lane committed
    uint64_t transaction = 0;          // the id of the transaction that committed it (the store's own)
    std::vector<std::string> targets;  // the append targets that transaction wrote rows to
};

// The window every lane of one run committed: the lowest lane's window, 0 when a lane has no row.
inline uint64_t complete_window(const std::vector<LaneWindow>& run) {
    if (run.empty()) return 0;
    uint64_t lowest = UINT64_MAX;
    for (const LaneWindow& r : run) lowest = r.window < lowest ? r.window : lowest;
    return run.size() < run.front().lanes ? 0 : lowest;
}

// The ledger rows of one run (killed or finished) whose window is past complete_window: the transactions whose rows
// must be trimmed from their targets because their window was never acknowledged.
inline std::vector<LaneWindow> partial_windows(const std::vector<LaneWindow>& run) {
    const uint64_t complete = complete_window(run);
    std::vector<LaneWindow> out;
    for (const LaneWindow& r : run)
        if (r.window > complete) out.push_back(r);
    return out;
}

}  // namespace connhost::sdk
