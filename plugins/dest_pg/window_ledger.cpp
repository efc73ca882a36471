#include "window_ledger.hpp"

#include "pg_names.hpp"

#include <connhost/sdk/commit_windows.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/record_meta.hpp>

#include <vector>

namespace pgdest {

namespace json = boost::json;
using connhost::sdk::LaneWindow;

namespace {

constexpr const char* kLedgerTable = "_connhost_windows";
constexpr const char* kLockWait = "10s";

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

void WindowLedger::recover(PgConnection& first, const std::string& schema, connhost::sdk::Host host) {
    const std::string table = table_in(schema);
    PgResult exists = first.query("SELECT to_regclass($1) IS NOT NULL", {table}, "looking up " + table);
    if (exists.view(0, 0) != "t") return;
    PgResult runs = first.query("SELECT DISTINCT run FROM " + table, {}, "reading the commit-window ledger");
    for (int i = 0; i < runs.rows(); ++i) {
        const std::string run = runs.text(i, 0);
        if (lock_run(first, run))
            trim_run(first, table, run, host);
        else  // a live run: not ours to touch
            host.info("an earlier run (" + run + ") is still writing into " + table + ": its ledger rows stay");
    }
}

// Takes `run`'s lock for this transaction. A sync killed a moment ago may still hold it (its sessions end when the
// server notices the closed socket), so wait up to kLockWait before calling it alive.
bool WindowLedger::lock_run(PgConnection& first, const std::string& run) {
    PgResult r = first.query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))", {run},
                             "locking an earlier run's ledger rows");
    if (r.view(0, 0) == "t") return true;
    first.exec("SAVEPOINT connhost_ledger", "opening a savepoint");
    first.exec(std::string("SET LOCAL lock_timeout = '") + kLockWait + "'", "setting lock_timeout");
    std::string error;
    const bool got = first.exec_unless("SELECT pg_advisory_xact_lock(hashtextextended(" + literal(run) + ", 0))",
                                       "waiting for an earlier run's ledger rows", "55P03", error);
    first.exec(got ? "RELEASE SAVEPOINT connhost_ledger" : "ROLLBACK TO SAVEPOINT connhost_ledger",
               "closing the savepoint");
    if (got) first.exec("SET LOCAL lock_timeout = DEFAULT", "resetting lock_timeout");
    return got;
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
