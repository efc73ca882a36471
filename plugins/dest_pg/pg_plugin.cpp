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
#include "pg_names.hpp"
#include "stream_table.hpp"
#include "table_reader.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <map>
#include <memory>
#include <set>

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
        plan_ = TablePlan(catalog, name_rules(cfg_.schema));  // refuses a bad catalog before touching the database
        conn_ = std::make_unique<PgConnection>(cfg_, host());
        conn_->exec("BEGIN", "BEGIN");
        // Writers opening at once (the workers of a partitioned sync) take turns: CREATE ... IF NOT EXISTS of one
        // schema, table or index by two sessions fails one of them. Held until the commit below.
        conn_->exec("SELECT pg_advisory_xact_lock(hashtext('connhost dest_pg: creating tables'))",
                    "waiting for other writers to finish creating their tables");
        std::set<std::string> schemas;
        for (auto& [s, p] : plan_.plans()) {
            if (schemas.insert(p.container).second) ensure_schema(*conn_, p.container);
            auto t = std::make_unique<StreamTable>(*conn_, p, cfg_.copy_buffer_bytes, host());
            t->prepare(p.staged ? plan_.open_staging(p, t->staging_comment()) : StagingOpening{});
            if (p.resumable()) t->store_tag();
            tables_.emplace(s, std::move(t));
        }
        conn_->commit();
        host().info("writing " + std::to_string(catalog.streams().size()) + " stream(s) into database \"" +
                    cfg_.conn.database + "\" at " + cfg_.conn.endpoint());
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        begin_if_needed();
        StreamTable* t = tables_.at(&s).get();
        if (active_ && active_ != t) active_->end_copy();
        active_ = t;
        const uint64_t changed_before = t->tally().total();
        t->write(batch);
        count_changed_values(t->tally().total() - changed_before);
    }

    void commit() override {
        if (!in_transaction_ && !plan_.tags_to_store()) return;
        begin_if_needed();
        if (active_) active_->end_copy();
        active_ = nullptr;
        for (auto& [s, t] : tables_) {
            t->merge();
            if (plan_.at(*s).resumable() && plan_.at(*s).tag_dirty) t->store_tag();  // the marks commit with the rows
        }
        conn_->commit();
        in_transaction_ = false;
    }

    void state_arrived(std::string_view state_json) override {
        plan_.note_state(state_json, [this](const StreamPlan& p) { return tables_.at(p.stream)->last_row_number(); });
    }

    void complete_stream(const ConfiguredStream& s) override { plan_.complete(s, *this); }

    void close(bool success) override {
        if (!conn_) return;
        if (!success && !conn_->broken()) {
            try {
                if (in_transaction_ || conn_->in_copy()) conn_->exec("ROLLBACK", "ROLLBACK");
            } catch (...) {}
            plan_.drop_unfinished(*this, host());
        }
        if (success)
            for (auto& [s, t] : tables_)
                if (t->tally().total()) host().warn(t->tally().describe(s->display_name()));
        tables_.clear();
        conn_.reset();
    }

    CommitPolicy commit_policy() const override { return {cfg_.commit_bytes, cfg_.commit_seconds}; }

    // Each stream's table as committed, in a session on UTC with ISO dates (how timestamps and dates come back).
    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        const PgConfig cfg = parse_config(config);
        TablePlan plan(catalog, name_rules(cfg.schema));
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
    // A stream's table: its name in its namespace's schema (or the configured one), fitted to 63 bytes.
    static NameRules name_rules(const std::string& default_schema) {
        NameRules r;
        r.connector = "dest_pg";
        r.kind = "PostgreSQL table";
        r.generations = true;
        r.resumes_overwrite = true;
        r.fit = [](std::string_view n) { return identifier(n); };
        r.place = [default_schema](const ConfiguredStream& s) {
            return StreamPlace{identifier(s.ns && !s.ns->empty() ? *s.ns : default_schema), s.name};
        };
        return r;
    }

    // Drops the table and renames the staging table, in one transaction.
    void swap_in(StreamPlan& p) override {
        begin_if_needed();
        tables_.at(p.stream)->swap_in();
        conn_->commit();
        in_transaction_ = false;
    }

    void drop_staging(StreamPlan& p) override { tables_.at(p.stream)->drop_staging(); }

    // A truncate refresh completed: the rows of older generations go, in one transaction.
    void delete_older_generations(StreamPlan& p) override {
        begin_if_needed();
        StreamTable& t = *tables_.at(p.stream);
        const uint64_t n = t.delete_older_generations();
        conn_->commit();
        in_transaction_ = false;
        host().info("stream " + p.stream->display_name() + " completed: deleted " + std::to_string(n) +
                    " row(s) of generations below " + std::to_string(p.stream->minimum_generation_id) + " from " +
                    t.qualified());
    }

    // Creates `schema` when missing. Never CREATE SCHEMA IF NOT EXISTS for one that exists: that needs
    // the CREATE privilege on the database, which a user writing into an existing schema may lack.
    static void ensure_schema(PgConnection& conn, const std::string& schema) {
        PgResult r =
            conn.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}, "looking up schema " + quote(schema));
        if (r.rows() == 0) conn.exec("CREATE SCHEMA IF NOT EXISTS " + quote(schema), "CREATE SCHEMA " + quote(schema));
    }

    // BEGIN, re-opening the connection first if it was dropped while idle (nothing is in flight then).
    void begin_if_needed() {
        if (in_transaction_) return;
        try {
            conn_->exec("BEGIN", "BEGIN");
        } catch (const Error&) {
            if (!conn_->broken()) throw;
            conn_->reconnect();
            for (auto& [s, t] : tables_) t->session_lost();
            conn_->exec("BEGIN", "BEGIN");
        }
        in_transaction_ = true;
    }

    PgConfig cfg_;
    TablePlan plan_;
    std::unique_ptr<PgConnection> conn_;
    std::map<const ConfiguredStream*, std::unique_ptr<StreamTable>> tables_;
    StreamTable* active_ = nullptr;
    bool in_transaction_ = false;
};

}  // namespace

CONNHOST_PLUGIN(PgDestination, "dest_pg", "0.1.0", "Writes each stream into a PostgreSQL table, loading with COPY")
