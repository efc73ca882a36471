// dest_sqlite: writes each stream into a table of one SQLite database file (the embedded default destination).
//
// Durability: WAL journal with synchronous=FULL, so COMMIT returns only after the WAL is fsynced
// (synchronous=NORMAL in WAL mode may lose the last commits on power loss, which would break "a
// state is acknowledged only after its records are durable"). One transaction per commit() call:
// BEGIN IMMEDIATE at the first write after a commit, COMMIT in commit(); the SDK acknowledges a
// state only after the commit() that follows it.
//
// Modes: append inserts; overwrite fills a staging table that complete_stream swaps in (drop the
// old table, rename the staging one, in one transaction), so an interrupted full refresh leaves the
// old rows; append_dedup inserts and then deletes the loser of the new row and the old row with
// the same key (see stream_table.cpp). Table names: names.hpp; column types: column_kind.hpp.
#include "database.hpp"
#include "names.hpp"
#include "stream_table.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <map>
#include <memory>
#include <unordered_map>

namespace {

using namespace connhost::sdk;
using namespace sqlitedest;

class SqliteDestination final : public Destination {
public:
    using Destination::Destination;

    json::object spec() override {
        return parse_object(R"({
          "documentationUrl": "https://connhost.invalid/docs/connectors/dest_sqlite",
          "supported_destination_sync_modes": ["append", "overwrite", "append_dedup"],
          "connectionSpecification": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "SQLite destination",
            "type": "object",
            "required": ["path"],
            "properties": {
              "path": {"type": "string", "description": "the SQLite database file; created (with its folders) if missing", "connhost_target": true}
            }
          }
        })", "spec");
    }

    void check(const json::object& config) override {
        std::string path = ConfigView(config).string("path");
        Database db(path);
        try {
            db.exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS \"_connhost_check\" (x); "
                    "INSERT INTO \"_connhost_check\" VALUES (1); DROP TABLE \"_connhost_check\"; COMMIT");
        } catch (const Error& e) {
            throw Error(e.status(), std::string("config.path: the database can be opened but not written: ") + e.what());
        }
    }

    void open(const json::object& config, const ConfiguredCatalog& catalog) override {
        const std::string path = ConfigView(config).string("path");
        validate_names(catalog);
        lock_ = std::make_unique<PathLock>(path + ".connhost-lock", "the SQLite database " + path);
        db_ = std::make_unique<Database>(path);
        db_->exec("PRAGMA journal_mode=WAL");
        db_->exec("PRAGMA synchronous=FULL");
        db_->exec("BEGIN IMMEDIATE");
        db_->exec(std::string("CREATE TABLE IF NOT EXISTS ") + kColumnsTable +
                  " (table_name TEXT NOT NULL, field TEXT NOT NULL, column_name TEXT NOT NULL, PRIMARY KEY (table_name, field))");
        for (const auto& s : catalog.streams()) {
            Target t;
            t.final_table = table_name(s.ns, s.name);
            refuse_case_twin(s, t.final_table);
            t.staging = s.destination_sync_mode == "overwrite";
            t.table = std::make_unique<StreamTable>(*db_, s, t.staging ? staging_name(t.final_table) : t.final_table, t.staging);
            targets_.emplace(&s, std::move(t));
        }
        db_->exec("COMMIT");
        host().info("writing " + std::to_string(catalog.streams().size()) + " stream(s) into " + path);
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        if (!in_transaction_) {
            db_->exec("BEGIN IMMEDIATE");
            in_transaction_ = true;
        }
        targets_.at(&s).table->write(batch);
    }

    void commit() override {
        if (!in_transaction_) return;
        db_->exec("COMMIT");
        in_transaction_ = false;
    }

    // Rolls back what is not committed (after a failure); errors are logged, the database rolls back anyway.
    void rollback() noexcept {
        if (!in_transaction_) return;
        in_transaction_ = false;
        try {
            db_->exec("ROLLBACK");
        } catch (const std::exception& e) {
            host().warn(std::string("rollback failed (the database discards the open transaction on close): ") + e.what());
        }
    }

    void complete_stream(const ConfiguredStream& s) override {
        Target& t = targets_.at(&s);
        if (!t.staging) return;
        commit();
        const std::string staging = t.table->table();
        t.table->retarget(t.final_table);  // finalizes the statements that name the staging table
        db_->exec("BEGIN IMMEDIATE");
        try {
            db_->exec("DROP TABLE IF EXISTS " + quote(t.final_table));
            db_->exec("ALTER TABLE " + quote(staging) + " RENAME TO " + quote(t.final_table));
            Statement del(*db_, std::string("DELETE FROM ") + kColumnsTable + " WHERE table_name = ?1");
            del.bind_text_copy(1, t.final_table);
            del.run();
            Statement move(*db_, std::string("UPDATE ") + kColumnsTable + " SET table_name = ?1 WHERE table_name = ?2");
            move.bind_text_copy(1, t.final_table);
            move.bind_text_copy(2, staging);
            move.run();
            db_->exec("COMMIT");
        } catch (...) {
            db_->exec("ROLLBACK");
            throw;
        }
        t.staging = false;  // records that still arrive go to the swapped-in table
    }

    void close(bool success) override {
        if (!db_) return;
        if (success) commit();
        else rollback();
        if (!success) {
            // An unfinished overwrite never replaces the previous rows: drop its staging table.
            for (auto& [s, t] : targets_) {
                if (!t.staging) continue;
                // By name, never t.table->table(): a failed swap may already have retargeted it to the final table.
                const std::string staging = staging_name(t.final_table);
                t.table.reset();
                try {
                    db_->exec("BEGIN IMMEDIATE; DROP TABLE IF EXISTS " + quote(staging) + "; DELETE FROM " + kColumnsTable +
                              " WHERE table_name = " + sql_string(staging) + "; COMMIT");
                } catch (const std::exception& e) {
                    host().warn(std::string("could not drop the staging table ") + staging + " (it is dropped at the next sync): " + e.what());
                }
            }
        }
        targets_.clear();
        db_.reset();
    }

private:
    std::unique_ptr<PathLock> lock_;  // held while writing; declared first, so it is released last

    struct Target {
        std::string final_table;
        bool staging = false;  // rows go to the staging table until complete_stream
        std::unique_ptr<StreamTable> table;
    };

    static std::string sql_string(const std::string& s) {
        std::string out = "'";
        for (char c : s) {
            if (c == '\'') out.push_back('\'');
            out.push_back(c);
        }
        return out + "'";
    }

    // Refuses catalogs whose streams would share a table or use reserved or unusable names.
    static void validate_names(const ConfiguredCatalog& catalog) {
        std::unordered_map<std::string, std::string> seen;  // fold(table) -> stream
        for (const auto& s : catalog.streams()) {
            std::string table = table_name(s.ns, s.name);
            if (table.find('\0') != std::string::npos)
                throw ConfigError("stream " + s.display_name() + ": names with a NUL character cannot be SQLite table names: rename the stream");
            if (is_reserved(table))
                throw ConfigError("stream " + s.display_name() + " maps to table \"" + table +
                                  "\": names starting with _connhost_ are reserved by dest_sqlite: rename the stream or set a namespace");
            auto [it, fresh] = seen.emplace(fold(table), s.display_name());
            if (!fresh)
                throw ConfigError("streams " + it->second + " and " + s.display_name() + " map to the same SQLite table \"" + table +
                                  "\" (SQLite ignores ASCII case in names): rename one or put them in different namespaces");
        }
    }

    // SQLite would resolve `table` to an existing table whose name differs only in ASCII case, i.e. another
    // stream's (an earlier sync of "Users" made "Users"; "users" must not be written into it): refused.
    void refuse_case_twin(const ConfiguredStream& s, const std::string& table) {
        Statement q(*db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE AND name <> ?1");
        q.bind_text_copy(1, table);
        if (!q.step()) return;
        const std::string twin = q.column_text(0);
        db_->exec("ROLLBACK");
        throw ConfigError("stream " + s.display_name() + " maps to table \"" + table + "\", but the database already has table \"" + twin +
                          "\" (another stream's: SQLite ignores ASCII case in names), so its rows would mix with that stream's: "
                          "rename the stream, give it a namespace, or write it into another database file");
    }

    std::unique_ptr<Database> db_;
    std::map<const ConfiguredStream*, Target> targets_;
    bool in_transaction_ = false;
};

}  // namespace

CONNHOST_PLUGIN(SqliteDestination, "dest_sqlite", "0.1.0", "Writes each stream into a table of one SQLite database file")
