// dest_sqlite: writes each stream into a table of one SQLite database file (the embedded default destination).
//
// Durability: WAL journal with synchronous=FULL, so COMMIT returns only after the WAL is fsynced
// (synchronous=NORMAL in WAL mode may lose the last commits on power loss, which would break "a
// state is acknowledged only after its records are durable"). One transaction per commit() call:
// BEGIN IMMEDIATE at the first write after a commit, COMMIT in commit(); the SDK acknowledges a
// state only after the commit() that follows it.
//
// Modes: append inserts; overwrite fills the staging table of the SDK's TablePlan (table_plan.hpp),
// which complete_stream swaps in (drop the old table, rename the staging one, in one transaction), so
// an interrupted full refresh leaves the old rows; append_dedup inserts and then deletes the loser of the new row and
// the old row with the same key (see stream_table.cpp). Table names: names.hpp; column types: column_kind.hpp.
//
// Generations: rows store the stream's generation_id and sync_id; a stream with minimum_generation_id above 0 (not
// overwrite) loses its rows of older generations when it completes (connhost/sdk/table_plan.hpp), never before.
//
// Resumable overwrite (connhost_resumable_overwrite in the spec): a stream the host may resume keeps its staging
// table after an unfinished sync, its tag in _connhost_staging (staging_tags.hpp) written in each commit's
// transaction; its row ids are numbered, so a resumed sync deletes the rows after the saved state.
//
// Read-back (connhost.read_back/1): each stream's final table, rows as data objects (table_reader.hpp).
#include "database.hpp"
#include "names.hpp"
#include "staging_tags.hpp"
#include "stream_table.hpp"
#include "table_reader.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/destination_spec.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <filesystem>
#include <map>
#include <memory>

namespace {

using namespace connhost::sdk;
using namespace sqlitedest;

class SqliteDestination final : public Destination, public ReadBack, private StagingStore {
public:
    using Destination::Destination;

    json::object spec() override {
        json::object spec = destination_spec("dest_sqlite", "SQLite destination", R"({
          "path": {"type": "string", "description": "the SQLite database file; created (with its folders) if missing",
                   "connhost_target": true}
        })",
                                             R"(["path"])");
        spec["connhost_resumable_overwrite"] = true;  // keeps and trims a resumable overwrite's staging
        return spec;
    }

    void check(const json::object& config) override {
        std::string path = ConfigView(config).string("path");
        Database db(path);
        try {
            db.exec(
                "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS \"_connhost_check\" (x); "
                "INSERT INTO \"_connhost_check\" VALUES (1); DROP TABLE \"_connhost_check\"; COMMIT");
        } catch (const Error& e) {
            throw Error(e.status(),
                        std::string("config.path: the database can be opened but not written: ") + e.what());
        }
    }

    void open(const json::object& config, const ConfiguredCatalog& catalog) override {
        const std::string path = ConfigView(config).string("path");
        plan_ = TablePlan(catalog, name_rules());  // refuses a bad catalog before touching the file
        lock_ = std::make_unique<PathLock>(path + ".connhost-lock", "the SQLite database " + path);
        db_ = std::make_unique<Database>(path);
        db_->exec("PRAGMA journal_mode=WAL");
        db_->exec("PRAGMA synchronous=FULL");
        db_->exec("BEGIN IMMEDIATE");
        db_->exec(std::string("CREATE TABLE IF NOT EXISTS ") + kColumnsTable +
                  " (table_name TEXT NOT NULL, field TEXT NOT NULL, column_name TEXT NOT NULL, PRIMARY KEY "
                  "(table_name, field))");
        for (auto& [s, p] : plan_.plans())
            if (p.resumable()) ensure_staging_tags(*db_);
        for (auto& [s, p] : plan_.plans()) {
            refuse_case_twin(*s, p.final_name);
            const StagingOpening o =
                p.staged ? plan_.open_staging(p, staging_tag(*db_, p.staging_name)) : StagingOpening{};
            auto t = std::make_unique<StreamTable>(*db_, *s, p.target(), p.staged && !o.keep, host());
            if (p.resumable()) t->ids().sequence_from(o.keep_through + 1);
            if (o.keep)
                host().info("stream " + s->display_name() + ": resuming its overwrite in table " +
                            quote(p.staging_name) + " (" +
                            std::to_string(trim_staging(*db_, p.staging_name, o.keep_through)) +
                            " row(s) after the saved state deleted)");
            if (p.staged) store_tag(p);
            tables_.emplace(s, std::move(t));
        }
        db_->exec("COMMIT");
        host().info("writing " + std::to_string(catalog.streams().size()) + " stream(s) into " + path);
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        if (!in_transaction_) {
            db_->exec("BEGIN IMMEDIATE");
            in_transaction_ = true;
        }
        StreamTable* t = tables_.at(&s).get();
        const uint64_t changed_before = t->tally().total();
        t->write(batch);
        count_changed_values(t->tally().total() - changed_before);
    }

    void state_arrived(std::string_view state_json) override {
        plan_.note_state(state_json,
                         [this](const StreamPlan& p) { return tables_.at(p.stream)->ids().last_sequence(); });
    }

    void commit() override {
        if (!in_transaction_ && !plan_.tags_to_store()) return;
        if (!in_transaction_) db_->exec("BEGIN IMMEDIATE");
        in_transaction_ = true;
        for (auto& [s, p] : plan_.plans())
            if (p.resumable() && p.tag_dirty) store_tag(p);  // the marks commit with the rows they describe
        db_->exec("COMMIT");
        in_transaction_ = false;
    }

    void complete_stream(const ConfiguredStream& s) override { plan_.complete(s, *this); }

    bool uses_record_fields() const override { return true; }  // StreamTable::write_record maps members to columns
    void close(bool success) override {
        if (!db_) return;
        if (success) {
            commit();
        } else {
            rollback();
            plan_.drop_unfinished(*this, host());
        }
        if (success)
            for (auto& [s, t] : tables_)
                if (t && t->tally().total()) host().warn(t->tally().describe(s->display_name()));
        tables_.clear();
        db_.reset();
    }

    // Each stream's table, as committed (WAL: a running sync's open transaction is not seen). A file that does not
    // exist holds nothing and is not created.
    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        const std::string path = ConfigView(config).string("path");
        TablePlan plan(catalog, name_rules());
        if (!std::filesystem::exists(path)) return;
        Database db(path);
        for (const auto& s : catalog.streams()) {
            RecordBatchWriter out(host(), s.name, s.ns.value_or(""));
            read_table(db, plan.at(s).final_name, out);
            out.flush();
        }
    }

private:
    std::unique_ptr<PathLock> lock_;  // held while writing; declared first, so it is released last

    static NameRules name_rules() {
        NameRules r;
        r.connector = "dest_sqlite";
        r.kind = "SQLite table";
        r.fold_case = true;  // SQLite compares identifiers ignoring ASCII case
        r.generations = true;
        r.resumes_overwrite = true;
        r.place = [](const ConfiguredStream& s) {
            std::string table = table_name(s.ns, s.name);
            if (table.find('\0') != std::string::npos)
                throw ConfigError("stream " + s.display_name() +
                                  ": names with a NUL character cannot be SQLite table names: rename the stream");
            return StreamPlace{"", std::move(table)};
        };
        return r;
    }

    // Drops the final table and renames the staging one (and its column map) in one transaction.
    void swap_in(StreamPlan& p) override {
        commit();
        tables_.at(p.stream)->retarget(p.final_name);  // finalizes the statements that name the staging table
        db_->exec("BEGIN IMMEDIATE");
        try {
            db_->exec("DROP TABLE IF EXISTS " + quote(p.final_name));
            db_->exec("ALTER TABLE " + quote(p.staging_name) + " RENAME TO " + quote(p.final_name));
            Statement del(*db_, std::string("DELETE FROM ") + kColumnsTable + " WHERE table_name = ?1");
            del.bind_text_copy(1, p.final_name);
            del.run();
            Statement move(*db_, std::string("UPDATE ") + kColumnsTable + " SET table_name = ?1 WHERE table_name = ?2");
            move.bind_text_copy(1, p.final_name);
            move.bind_text_copy(2, p.staging_name);
            move.run();
            set_staging_tag(*db_, p.staging_name, "");
            db_->exec("COMMIT");
        } catch (...) {
            db_->exec("ROLLBACK");
            throw;
        }
    }

    // A truncate refresh completed: the rows of older generations go, in one transaction.
    void delete_older_generations(StreamPlan& p) override {
        commit();
        db_->exec("BEGIN IMMEDIATE");
        int64_t n = 0;
        try {
            db_->exec(older_generations_sql(quote(p.final_name), p.stream->minimum_generation_id));
            n = sqlite3_changes64(db_->handle());
            db_->exec("COMMIT");
        } catch (...) {
            db_->exec("ROLLBACK");
            throw;
        }
        host().info("stream " + p.stream->display_name() + " completed: deleted " + std::to_string(n) +
                    " row(s) of generations below " + std::to_string(p.stream->minimum_generation_id) + " from table " +
                    quote(p.final_name));
    }

    void drop_staging(StreamPlan& p) override {
        tables_.at(p.stream).reset();  // finalizes its statements
        db_->exec("BEGIN IMMEDIATE; DROP TABLE IF EXISTS " + quote(p.staging_name) + "; DELETE FROM " + kColumnsTable +
                  " WHERE table_name = " + sql_string(p.staging_name));
        set_staging_tag(*db_, p.staging_name, "");
        db_->exec("COMMIT");
    }

    // A staging's tag as the plan has it (resumable), or none (a fresh staging of a stream that is not). Call inside
    // a transaction.
    void store_tag(StreamPlan& p) {
        p.tag.seal();
        set_staging_tag(*db_, p.staging_name, p.resumable() ? p.tag.text() : std::string());
        p.tag_dirty = false;
    }

    // Rolls back what is not committed (after a failure); an error is logged: closing the database discards it anyway.
    void rollback() noexcept {
        if (!in_transaction_) return;
        in_transaction_ = false;
        try {
            db_->exec("ROLLBACK");
        } catch (const std::exception& e) {
            host().warn(std::string("rollback failed (closing the database discards the open transaction): ") +
                        e.what());
        }
    }

    static std::string sql_string(const std::string& s) {
        std::string out = "'";
        for (char c : s) {
            if (c == '\'') out.push_back('\'');
            out.push_back(c);
        }
        return out + "'";
    }

    // SQLite would resolve `table` to an existing table whose name differs only in ASCII case, i.e. another
    // stream's (an earlier sync of "Users" made "Users"; "users" must not be written into it): refused.
    void refuse_case_twin(const ConfiguredStream& s, const std::string& table) {
        Statement q(*db_,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE AND name <> ?1");
        q.bind_text_copy(1, table);
        if (!q.step()) return;
        const std::string twin = q.column_text(0);
        db_->exec("ROLLBACK");
        throw ConfigError(
            "stream " + s.display_name() + " maps to table \"" + table + "\", but the database already has table \"" +
            twin +
            "\" (another stream's: SQLite ignores ASCII case in names), so its rows would mix with that stream's: "
            "rename the stream, give it a namespace, or write it into another database file");
    }

    std::unique_ptr<Database> db_;
    TablePlan plan_;
    std::map<const ConfiguredStream*, std::unique_ptr<StreamTable>> tables_;
    bool in_transaction_ = false;
};

}  // namespace

CONNHOST_PLUGIN(SqliteDestination, "dest_sqlite", "0.1.0",
                "Writes each stream into a table of one SQLite database file")
