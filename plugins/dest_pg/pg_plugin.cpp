// dest_pg: writes each stream into a table of a PostgreSQL database, loading with COPY.
//
// Transactions: BEGIN at the first write after a commit; commit() ends the open COPY, merges the
// append_dedup temp tables and COMMITs, checking the server answered COMMIT (not ROLLBACK). The SDK
// acknowledges a state only after the commit() that follows it, so every acknowledged state's records
// are committed. After any failure the SDK calls nothing but close(false), which rolls back.
//
// Pipelining: one COPY stays open across batches of a stream; rows are encoded into a buffer that is
// handed to libpq every copy_buffer_kb, so the server parses and inserts the previous chunks (from the
// socket buffer) while this thread encodes the next ones.
//
// Connections: refused or unreachable -> retried with doubling back-off (connect_attempts); a
// connection found dropped between transactions is re-opened the same way; a drop inside a
// transaction fails the sync (nothing since the last acknowledged state was committed).
//
// Several connections ("connections" N > 1): the streams are spread over N lanes (pg_lane.hpp) in catalog order,
// each lane one connection with its own open COPY, so N server processes load rows at once while this thread encodes.
// A commit is one window over every lane: all lanes end their rows, then commit one after another, each writing its
// row of the commit-window ledger in its transaction (window_ledger.hpp); a sync killed between two lanes' commits
// has its unacknowledged window's append rows trimmed at the next open (connhost/sdk/commit_windows.hpp).
//
// Generations: rows store the stream's generation_id and sync_id; a stream with minimum_generation_id above 0 (not
// overwrite) loses its rows of older generations when it completes (connhost/sdk/table_plan.hpp), never before.
//
// Resumable overwrite (connhost_resumable_overwrite in the spec): a stream the host may resume keeps its staging
// table after an unfinished sync, tagged by a table COMMENT (attempt and marks) stored in each commit's transaction;
// its row ids are numbered, so a resumed sync deletes the rows after the saved state (TablePlan::open_staging).
//
// Read-back (connhost.read_back/1): each stream's final table, rows as data objects (table_reader.hpp).
#include "pg_config.hpp"
#include "pg_connection.hpp"
#include "pg_lane.hpp"
#include "pg_names.hpp"
#include "stream_table.hpp"
#include "table_reader.hpp"
#include "window_ledger.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace {

using namespace connhost::sdk;
using namespace pgdest;

class PgDestination final : public Destination, public ReadBack, private StagingStore {
public:
    using Destination::Destination;

    json::object spec() override { return spec_json(); }

    void check(const json::object& config) override {
        const PgConfig cfg = parse_config(config);
        std::unique_ptr<PgConnection> conn;
        try {
            conn = std::make_unique<PgConnection>(cfg, host());
        } catch (const Error& e) {
            throw Error(e.status(), std::string("connect: ") + e.what());
        }
        const std::string schema = quote(identifier(cfg.schema));
        conn->exec("BEGIN", "BEGIN");
        try {
            ensure_schema(*conn, identifier(cfg.schema));
        } catch (const Error& e) {
            throw Error(CONNHOST_STATUS_CONFIG,
                        std::string("create schema: user \"") + cfg.conn.username + "\" may not create or use schema " +
                            schema + " in database \"" + cfg.conn.database + "\": " + e.what());
        }
        try {
            conn->exec("CREATE TABLE " + schema + ".\"_connhost_check\" (x integer)", "CREATE TABLE");
        } catch (const Error& e) {
            throw Error(CONNHOST_STATUS_CONFIG,
                        std::string("create table: user \"") + cfg.conn.username +
                            "\" may not create tables in schema " + schema + ": " + e.what());
        }
        conn->exec("ROLLBACK", "ROLLBACK");  // leaves nothing behind
    }

    void open(const json::object& config, const ConfiguredCatalog& catalog) override {
        cfg_ = parse_config(config);
        plan_ = TablePlan(catalog,
                          name_rules(cfg_.schema, cfg_.lean));  // refuses a bad catalog before touching the database
        const size_t n_lanes = std::max<size_t>(1, std::min<size_t>(cfg_.connections, catalog.streams().size()));
        lanes_.resize(n_lanes);
        for (PgLane& l : lanes_) l.conn = std::make_unique<PgConnection>(cfg_, host());
        PgLane& first = lanes_.front();
        first.begin_if_needed();
        const std::string schema = identifier(cfg_.schema);
        WindowLedger::await_runs(*first.conn, schema);  // killed runs' sessions ending: no other writer waits
        lock_table_creation(*first.conn);
        WindowLedger::recover(*first.conn, schema, host());  // before any table changes
        std::set<std::string> schemas;
        if (n_lanes > 1) schemas.insert(schema);  // the ledger's
        for (auto& [s, p] : plan_.plans()) schemas.insert(p.container);
        for (const std::string& name : schemas) ensure_schema(*first.conn, name);
        if (n_lanes > 1)
            ledger_ = std::make_unique<WindowLedger>(*first.conn, schema, static_cast<uint32_t>(n_lanes), host());
        first.commit();
        size_t next = 0;
        for (auto& [s, p] : plan_.plans()) lane_of_[s] = next++ % n_lanes;
        for (size_t i = 0; i < n_lanes; ++i) prepare_tables(i);
        host().info("writing " + std::to_string(catalog.streams().size()) + " stream(s) into database \"" +
                    cfg_.conn.database + "\" at " + cfg_.conn.endpoint() +
                    (n_lanes > 1 ? " over " + std::to_string(n_lanes) + " connections" : std::string()));
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        PgLane& l = lane(s);
        begin(l);
        StreamTable* t = tables_.at(&s).get();
        l.copy_into(t);
        const uint64_t changed_before = t->tally().total();
        t->write(batch);
        if (ledger_ && plan_.at(s).mode == DestinationSyncMode::Append && !plan_.at(s).staged)
            l.appended.insert(t->qualified());
        count_changed_values(t->tally().total() - changed_before);
    }

    // One lane: as before. Several: every lane ends its rows first (a failure there commits nothing: each lane's
    // server has taken all its rows before any commits), then each writes its ledger row of this window and commits,
    // lane after lane (connhost/sdk/commit_windows.hpp).
    void commit() override {
        bool open = plan_.tags_to_store();
        for (const PgLane& l : lanes_) open = open || l.in_transaction;
        if (!open) return;
        if (ledger_) ++window_;
        std::vector<PgLane*> ending, merging;
        for (PgLane& l : lanes_) {
            if (!ledger_ && !l.in_transaction && !l.active) continue;
            begin(l);
            l.end_rows();
            ending.push_back(&l);
        }
        for (PgLane* l : ending)
            if (l->send_merges()) merging.push_back(l);
        for (PgLane* l : merging) l->merge_wait();
        for (auto& [s, t] : tables_)  // the marks commit with the rows, on the stream's lane
            if (plan_.at(*s).resumable() && plan_.at(*s).tag_dirty) {
                begin(lane(*s));
                t->store_tag();
            }
        for (size_t i = 0; i < lanes_.size(); ++i) {
            PgLane& l = lanes_[i];
            if (!l.in_transaction) continue;
            if (ledger_) ledger_->record(*l.conn, static_cast<uint32_t>(i), window_, l.appended);
            l.commit();
        }
    }

    void state_arrived(std::string_view state_json) override {
        plan_.note_state(state_json, [this](const StreamPlan& p) { return tables_.at(p.stream)->last_row_number(); });
    }

    void complete_stream(const ConfiguredStream& s) override { plan_.complete(s, *this); }

    void close(bool success) override {
        if (lanes_.empty()) return;
        if (!success) {
            bool broken = false;
            for (PgLane& l : lanes_) {
                broken = broken || l.conn->broken();
                l.roll_back();
            }
            if (!broken) plan_.drop_unfinished(*this, host());  // else the next sync drops them
        }
        if (success) {
            for (auto& [s, t] : tables_)
                if (t->tally().total())
                    host().warn(t->tally().describe(s->display_name(),
                                                    cfg_.lean ? "a lean table does not record them per row" : nullptr));
            if (ledger_) ledger_->finish(*lanes_.front().conn);  // every window is complete
        }
        tables_.clear();
        ledger_.reset();
        lanes_.clear();
    }

    CommitPolicy commit_policy() const override { return {cfg_.commit_bytes, cfg_.commit_seconds}; }
    bool uses_record_fields() const override { return true; }  // StreamTable::encode_record maps members to columns

    // Each stream's table as committed, in a session on UTC with ISO dates (how timestamps and dates come back).
    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        const PgConfig cfg = parse_config(config);
        TablePlan plan(catalog, name_rules(cfg.schema, cfg.lean));
        PgConnection conn(cfg, host());
        conn.exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'", "setting the session's time zone and date style");
        for (const auto& s : catalog.streams()) {
            RecordBatchWriter out(host(), s.name, s.ns.value_or(""));
            const StreamPlan& p = plan.at(s);
            read_table(conn, p.container, p.final_name, s, out);
            out.flush();
        }
    }

private:
    // A stream's table: its name in its namespace's schema (or the configured one), fitted to 63 bytes. A lean table
    // stores no generation, so a truncate refresh that would delete older ones is refused at planning.
    static NameRules name_rules(const std::string& default_schema, bool lean) {
        NameRules r;
        r.connector = lean ? "dest_pg with \"metadata_columns\": \"lean\"" : "dest_pg";
        r.kind = "PostgreSQL table";
        r.generations = !lean;
        r.resumes_overwrite = true;
        r.fit = [](std::string_view n) { return identifier(n); };
        r.place = [default_schema](const ConfiguredStream& s) {
            return StreamPlace{identifier(s.ns && !s.ns->empty() ? *s.ns : default_schema), s.name};
        };
        return r;
    }

    // Drops the table and renames the staging table, in one transaction.
    void swap_in(StreamPlan& p) override {
        PgLane& l = lane(*p.stream);
        begin(l);
        tables_.at(p.stream)->swap_in();
        l.commit();
    }

    void drop_staging(StreamPlan& p) override { tables_.at(p.stream)->drop_staging(); }

    // A truncate refresh completed: the rows of older generations go, in one transaction.
    void delete_older_generations(StreamPlan& p) override {
        PgLane& l = lane(*p.stream);
        begin(l);
        StreamTable& t = *tables_.at(p.stream);
        const uint64_t n = t.delete_older_generations();
        l.commit();
        host().info("stream " + p.stream->display_name() + " completed: deleted " + std::to_string(n) +
                    " row(s) of generations below " + std::to_string(p.stream->minimum_generation_id) + " from " +
                    t.qualified());
    }

    // Creates or evolves the tables of lane `i`'s streams, in one transaction of that lane.
    void prepare_tables(size_t i) {
        PgLane& l = lanes_[i];
        begin(l);
        lock_table_creation(*l.conn);
        for (auto& [s, p] : plan_.plans()) {
            if (lane_of_.at(s) != i) continue;
            auto t =
                std::make_unique<StreamTable>(*l.conn, p, cfg_.copy_buffer_bytes, host(), cfg_.lean, cfg_.binary_copy);
            t->prepare(p.staged ? plan_.open_staging(p, t->staging_comment()) : StagingOpening{});
            if (p.resumable()) t->store_tag();
            l.tables.push_back(t.get());
            tables_.emplace(s, std::move(t));
        }
        l.commit();
    }

    // Writers opening at once (the workers of a partitioned sync) take turns: CREATE ... IF NOT EXISTS of one
    // schema, table or index by two sessions fails one of them. Held until the transaction's commit.
    static void lock_table_creation(PgConnection& conn) {
        conn.exec("SELECT pg_advisory_xact_lock(hashtext('connhost dest_pg: creating tables'))",
                  "waiting for other writers to finish creating their tables");
    }

    PgLane& lane(const ConfiguredStream& s) { return lanes_[lane_of_.at(&s)]; }

    // BEGIN on `l` when needed; lane 0 re-takes the run's ledger lock after re-connecting.
    void begin(PgLane& l) {
        if (l.begin_if_needed() && ledger_ && &l == &lanes_.front()) ledger_->relock(*l.conn);
    }

    // Creates `schema` when missing. Never CREATE SCHEMA IF NOT EXISTS for one that exists: that needs
    // the CREATE privilege on the database, which a user writing into an existing schema may lack.
    static void ensure_schema(PgConnection& conn, const std::string& schema) {
        PgResult r =
            conn.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}, "looking up schema " + quote(schema));
        if (r.rows() == 0) conn.exec("CREATE SCHEMA IF NOT EXISTS " + quote(schema), "CREATE SCHEMA " + quote(schema));
    }

    PgConfig cfg_;
    TablePlan plan_;
    std::vector<PgLane> lanes_;                          // lane 0 also runs the set-up and the ledger
    std::map<const ConfiguredStream*, size_t> lane_of_;  // streams spread over the lanes in catalog order
    std::map<const ConfiguredStream*, std::unique_ptr<StreamTable>> tables_;
    std::unique_ptr<WindowLedger> ledger_;  // with more than one lane
    uint64_t window_ = 0;                   // commit windows of this run (with a ledger)
};

}  // namespace

CONNHOST_PLUGIN(PgDestination, "dest_pg", "0.1.0", "Writes each stream into a PostgreSQL table, loading with COPY")
