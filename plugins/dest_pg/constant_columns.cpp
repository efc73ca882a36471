#include "constant_columns.hpp"

#include "pg_names.hpp"

#include <connhost/sdk/record_meta.hpp>

#include <boost/json.hpp>

namespace pgdest {

namespace {

using connhost::sdk::kMetaColumns;

std::string meta_column(const std::string& qualified) {
    return qualified + "." + quote(kMetaColumns[connhost::sdk::kMetaJsonColumn]);
}

}  // namespace

bool has_column(PgConnection& conn, const std::string& qualified, const char* name) {
    PgResult r = conn.query(
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND "
        "NOT attisdropped)",
        {qualified, name}, "looking up the columns of " + qualified);
    return r.view(0, 0) == "t";
}

void note_constant_values(PgConnection& conn, const std::string& qualified, const ConstantValues& values) {
    const std::string note = boost::json::serialize(
        boost::json::object{{"connhost_generation_id", values.generation_id}, {"connhost_sync_id", values.sync_id}});
    conn.exec("COMMENT ON COLUMN " + meta_column(qualified) + " IS " + literal(note),
              "noting the generation and sync of the rows of " + qualified);
}

std::optional<ConstantValues> noted_constant_values(PgConnection& conn, const std::string& qualified) {
    PgResult r = conn.query(
        "SELECT coalesce(col_description(to_regclass($1), (SELECT attnum FROM pg_attribute WHERE attrelid = "
        "to_regclass($1) AND attname = $2 AND NOT attisdropped)), '')",
        {qualified, kMetaColumns[connhost::sdk::kMetaJsonColumn]},
        "reading the generation and sync noted for the rows of " + qualified);
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(r.text(0, 0), ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* g = o ? o->if_contains("connhost_generation_id") : nullptr;
    const boost::json::value* s = o ? o->if_contains("connhost_sync_id") : nullptr;
    if (!g || !s || !g->is_int64() || !s->is_int64()) return std::nullopt;
    return ConstantValues{g->as_int64(), s->as_int64()};
}

void add_constant_columns(PgConnection& conn, const std::string& qualified,
                          const std::optional<ConstantValues>& values) {
    const std::string gen = quote(kMetaColumns[connhost::sdk::kGenerationIdColumn]);
    const std::string sync = quote(kMetaColumns[connhost::sdk::kSyncIdColumn]);
    const std::string gen_value = values ? std::to_string(values->generation_id) : "NULL";
    const std::string sync_value = values ? std::to_string(values->sync_id) : "NULL";
    conn.exec("ALTER TABLE " + qualified + " ADD COLUMN " + gen + " bigint DEFAULT " + gen_value + ", ADD COLUMN " +
                  sync + " bigint DEFAULT " + sync_value,
              "adding the generation and sync of the rows of " + qualified);
    conn.exec(
        "ALTER TABLE " + qualified + " ALTER COLUMN " + gen + " DROP DEFAULT, ALTER COLUMN " + sync + " DROP DEFAULT",
        "leaving the rows of " + qualified + " their generation and sync");
    conn.exec("COMMENT ON COLUMN " + meta_column(qualified) + " IS NULL",
              "clearing the note on the rows of " + qualified);
}

}  // namespace pgdest
