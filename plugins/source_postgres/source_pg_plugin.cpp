// source_postgres: tables and views of a PostgreSQL database as streams (namespace = schema).
// check connects and lists what it may read, discover describes each relation, read streams each
// configured one through a server-side cursor (table_reader.hpp), full refresh or incremental.
#include "pg_session.hpp"
#include "slice_bounds.hpp"
#include "source_config.hpp"
#include "table_catalog.hpp"
#include "table_reader.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <utility>

namespace {

using namespace connhost::sdk;
using pgsource::PgSession;
using pgsource::SourceConfig;
using pgsource::Table;

class PostgresSource final : public Source {
public:
    using Source::Source;

    json::object spec() override { return pgsource::spec_json(); }

    void check(const json::object& config) override {
        SourceConfig cfg = pgsource::parse_config(config);
        PgSession db(cfg.conn, host());
        const std::vector<Table> tables = pgsource::load_tables(db, cfg.schemas);
        PgResult missing = db.query(
            "SELECT s FROM unnest($1::text[]) AS s WHERE NOT EXISTS "
            "(SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = s)",
            {pgsource::text_array_literal(cfg.schemas)}, "looking up config.schemas");
        if (missing.rows() > 0)
            throw ConfigError("config.schemas names schema \"" + missing.text(0, 0) +
                              "\", which does not exist in database \"" + cfg.conn.database + "\" at " +
                              cfg.conn.endpoint() + ": fix config.schemas");
        if (tables.empty())
            host().warn("user \"" + cfg.conn.username + "\" may read no table or view in schemas " +
                        pgsource::text_array_literal(cfg.schemas) +
                        ": grant SELECT, or name other schemas in config.schemas");
        host().info("connected to " + cfg.conn.endpoint() + "; " + std::to_string(tables.size()) +
                    " readable table(s) and view(s)");
    }

    json::array discover(const json::object& config) override {
        SourceConfig cfg = pgsource::parse_config(config);
        PgSession db(cfg.conn, host());
        json::array streams;
        for (const Table& t : pgsource::load_tables(db, cfg.schemas)) {
            json::object s = pgsource::stream_json(t);
            if (pgsource::splittable(t)) mark_splittable(s);  // a key-hash slice per worker of a partitioned sync
            streams.push_back(std::move(s));
        }
        return streams;
    }

    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) override {
        SourceConfig cfg = pgsource::parse_config(config);
        auto db = std::make_shared<PgSession>(cfg.conn, host());
        std::atomic_store(&session_, db);
        std::map<std::pair<std::string, std::string>, Table> tables;
        for (Table& t : pgsource::load_tables(*db, cfg.schemas))
            tables.emplace(std::make_pair(t.schema, t.name), std::move(t));
        for (const ConfiguredStream& cs : catalog.streams()) {
            const std::string ns = cs.ns.value_or(cfg.schemas.size() == 1 ? cfg.schemas.front() : std::string());
            auto it = tables.find({ns, cs.name});
            if (it == tables.end())
                throw ConfigError("catalog names stream " + cs.display_name() +
                                  ", which is no table or view the user \"" + cfg.conn.username +
                                  "\" may read in schemas " + pgsource::text_array_literal(cfg.schemas) +
                                  " (run discover for the streams there, or fix config.schemas)");
            pgsource::read_table(*db, cfg, it->second, cs, state, host(), slice_of(cs));
        }
        std::atomic_store(&session_, std::shared_ptr<PgSession>());
    }

    void on_cancel() noexcept override {
        if (auto db = std::atomic_load(&session_)) db->cancel();  // the running COPY ends at once with an error
    }

private:
    std::shared_ptr<PgSession> session_;  // the read's connection, for on_cancel (another thread)
};

}  // namespace

CONNHOST_PLUGIN(PostgresSource, "source_postgres", "0.1.0", "Tables and views of a PostgreSQL database")
