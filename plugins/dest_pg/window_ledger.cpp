#include "window_ledger.hpp"

#include "pg_names.hpp"

#include <connhost/sdk/commit_windows.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/record_meta.hpp>

#include <thread>
#include <vector>

namespace pgdest {

namespace json = boost::json;
using connhost::sdk::LaneWindow;

namespace {

constexpr const char* kLedgerTable = "_connhost_windows";
constexpr std::chrono::seconds kLockWait{10};        // for the sessions of killed runs to end, all together
constexpr std::chrono::milliseconds kProbeGap{150};  // between two looks at a holder's session

// A fresh run id: a random UUID's text.
std::string new_run_id() {
    std::string id(36, '0');
    connhost::sdk::UuidGenerator().next(&id[0]);
    return id;
}

}  // namespace

WindowLedger::WindowLedger(PgConnection& first, const std::string& schema, uint32_t lanes, connhost::sdk::Host host)
    : table_(table_in(schema)), run_(new_run_id()), lanes_(lanes), host_(host) {
    first.exec("CREATE TABLE IF NOT EXISTS " + table_ +
                   " (run text NOT NULL, lane integer NOT NULL, lanes integer NOT NULL, commit_window bigint NOT NULL,"
                   " xact bigint NOT NULL, appended jsonb NOT NULL, PRIMARY KEY (run, lane))",
               "creating the commit-window ledger " + table_);
    relock(first);
}

void WindowLedger::relock(PgConnection& first) {
    first.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", {run_}, "locking this run's ledger rows");
}

std::string WindowLedger::table_in(const std::string& schema) { return quote(schema) + "." + quote(kLedgerTable); }

std::vector<std::string> WindowLedger::runs_in(PgConnection& first, const std::string& table) {
    std::vector<std::string> out;
    PgResult exists = first.query("SELECT to_regclass($1) IS NOT NULL", {table}, "looking up " + table);
    if (exists.view(0, 0) != "t") return out;
    PgResult runs = first.query("SELECT DISTINCT run FROM " + table, {}, "reading the commit-window ledger");
    for (int i = 0; i < runs.rows(); ++i) out.push_back(runs.text(i, 0));
    return out;
}

void WindowLedger::await_runs(PgConnection& first, const std::string& schema) {
    const auto deadline = std::chrono::steady_clock::now() + kLockWait;
    for (const std::string& run : runs_in(first, table_in(schema))) await_run(first, run, deadline);
}

void WindowLedger::recover(PgConnection& first, const std::string& schema, connhost::sdk::Host host) {
    const std::string table = table_in(schema);
    for (const std::string& run : runs_in(first, table)) {
        if (try_lock(first, run))  // held already when await_runs saw its session end
            trim_run(first, table, run, host);
        else  // a live run: not ours to touch
            host.info("an earlier run (" + run + ") is still writing into " + table + ": its ledger rows stay");
    }
}

// Takes `run`'s lock for this transaction, if free.
bool WindowLedger::try_lock(PgConnection& first, const std::string& run) {
    PgResult r = first.query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))", {run},
                             "locking an earlier run's ledger rows");
    return r.view(0, 0) == "t";
}

// Takes `run`'s lock once its holder's session ends, by `deadline`. A sync killed a moment ago may still hold it: its
// session ends when the server notices the closed socket, at once if the backend was waiting for the client, after
// its statement if busy. So a holder seen waiting for its client twice, kProbeGap apart, is a live run.
bool WindowLedger::await_run(PgConnection& first, const std::string& run,
                             std::chrono::steady_clock::time_point deadline) {
    bool waiting_seen = false;
    while (!try_lock(first, run)) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        const bool waiting = holder_waits_for_client(first, run);
        if (waiting && waiting_seen) return false;
        waiting_seen = waiting;
        std::this_thread::sleep_for(kProbeGap);
    }
    return true;
}

// Whether the session holding `run`'s lock is waiting for its client (false when this user may not see its state).
// pg_locks shows a bigint advisory key as classid (high 32 bits), objid (low 32 bits) and objsubid 1.
bool WindowLedger::holder_waits_for_client(PgConnection& first, const std::string& run) {
    first.query("SELECT pg_stat_clear_snapshot()", {}, "refreshing the view of other sessions");
    PgResult r = first.query(
        "SELECT coalesce(bool_and(a.wait_event IS NOT DISTINCT FROM 'ClientRead'), false) FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid = ((hashtextextended($1, 0) >> 32) & 4294967295)::oid "
        "AND l.objid = (hashtextextended($1, 0) & 4294967295)::oid",
        {run}, "looking up the session of an earlier run");
    return r.view(0, 0) == "t";
}

// Trims the rows of `run`'s partial window from its append tables and forgets the run, in the caller's transaction.
void WindowLedger::trim_run(PgConnection& first, const std::string& table, const std::string& run,
                            connhost::sdk::Host host) {
    PgResult r =
        first.query("SELECT lane, lanes, commit_window, xact, appended::text FROM " + table + " WHERE run = $1", {run},
                    "reading the commit-window ledger");
    std::vector<LaneWindow> rows;
    for (int i = 0; i < r.rows(); ++i) {
        LaneWindow w;
        w.lane = static_cast<uint32_t>(std::stoul(r.text(i, 0)));
        w.lanes = static_cast<uint32_t>(std::stoul(r.text(i, 1)));
        w.window = std::stoull(r.text(i, 2));
        w.transaction = std::stoull(r.text(i, 3));
        const json::value appended = json::parse(r.text(i, 4));
        for (const auto& t : appended.as_array()) w.targets.emplace_back(t.as_string());
        rows.push_back(std::move(w));
    }
    for (const LaneWindow& w : connhost::sdk::partial_windows(rows)) {
        const std::string xid = std::to_string(w.transaction & 0xFFFFFFFFull);  // a row's xmin: the id's low 32 bits
        for (const std::string& target : w.targets) {
            PgResult exists = first.query("SELECT to_regclass($1) IS NOT NULL", {target}, "looking up " + target);
            if (exists.view(0, 0) != "t") continue;
            PgResult d = first.query("WITH d AS (DELETE FROM " + target +
                                         " WHERE xmin = $1::xid RETURNING 1) "
                                         "SELECT count(*) FROM d",
                                     {xid}, "trimming an unacknowledged window from " + target);
            host.info("trimmed " + d.text(0, 0) + " row(s) of an unacknowledged commit window (lane " +
                      std::to_string(w.lane) + ", window " + std::to_string(w.window) +
                      " of an interrupted run) from " + target + ": the source sends them again");
        }
    }
    first.query("DELETE FROM " + table + " WHERE run = $1", {run}, "forgetting an earlier run's ledger rows");
}

void WindowLedger::record(PgConnection& conn, uint32_t lane, uint64_t window, const std::set<std::string>& appended) {
    json::array a;
    for (const std::string& t : appended) a.emplace_back(t);
    conn.query("INSERT INTO " + table_ +
                   " (run, lane, lanes, commit_window, xact, appended) VALUES ($1, $2, $3, $4, txid_current(), $5) "
                   "ON CONFLICT (run, lane) DO UPDATE SET commit_window = EXCLUDED.commit_window, "
                   "xact = EXCLUDED.xact, appended = EXCLUDED.appended",
               {run_, std::to_string(lane), std::to_string(lanes_), std::to_string(window), json::serialize(a)},
               "writing the commit-window ledger");
}

void WindowLedger::finish(PgConnection& first) {
    first.query("DELETE FROM " + table_ + " WHERE run = $1", {run_}, "forgetting this run's ledger rows");
}

}  // namespace pgdest
