// WindowLedger: dest_pg's commit-window ledger (the protocol of connhost/sdk/commit_windows.hpp) for a write over
// several connections ("connections" above 1), in table "_connhost_windows" of the default schema: one row per
// (run, lane) holding the lane's last committed window, the id of the transaction that committed it and the append
// tables it wrote rows to. Rows of a partial window are found by that transaction id (their xmin) and trimmed.
//
// A live run holds a session advisory lock on its run id (lane 0's connection), so another sync opening meanwhile
// never trims it; a killed run's lock went with its connection. Run thread only.
#pragma once
#include "pg_connection.hpp"

#include <connhost/sdk/host.hpp>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace pgdest {

class WindowLedger {
public:
    // Locks, for `first`'s transaction, every earlier run in `schema`'s ledger whose session ends within one shared
    // budget, and none that is alive. Call before the table-creation lock, so that the wait holds no other writer up.
    static void await_runs(PgConnection& first, const std::string& schema);
    // Trims the partial windows of every earlier run in `schema`'s ledger that no live session holds, and forgets
    // those runs; nothing when there is no ledger. Every open calls it, whatever its connections: a run killed with 4
    // may be re-run with 1. Call inside `first`'s transaction, after await_runs, before any table is altered.
    static void recover(PgConnection& first, const std::string& schema, connhost::sdk::Host host);
    // Creates the ledger table in `schema` when missing and locks this run. Call inside `first`'s transaction.
    WindowLedger(PgConnection& first, const std::string& schema, uint32_t lanes, connhost::sdk::Host host);

    // Lane 0's connection was re-opened: takes this run's lock again.
    void relock(PgConnection& first);
    // Writes `lane`'s row for `window`: this transaction (call inside it, right before its COMMIT) and the append
    // tables (quoted, qualified) it wrote rows to.
    void record(PgConnection& conn, uint32_t lane, uint64_t window, const std::set<std::string>& appended);
    // The run finished with every window complete: forgets its rows (lane 0, outside a transaction).
    void finish(PgConnection& first);

private:
    static std::string table_in(const std::string& schema);
    static std::vector<std::string> runs_in(PgConnection& first, const std::string& table);
    static bool try_lock(PgConnection& first, const std::string& run);
    static bool await_run(PgConnection& first, const std::string& run, std::chrono::steady_clock::time_point deadline);
    static bool holder_waits_for_client(PgConnection& first, const std::string& run);
    static void trim_run(PgConnection& first, const std::string& table, const std::string& run,
                         connhost::sdk::Host host);

    std::string table_;  // quoted, qualified
    std::string run_;
    uint32_t lanes_;
    connhost::sdk::Host host_;
};

}  // namespace pgdest
