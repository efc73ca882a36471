#include "pk_index.hpp"

#include "pg_names.hpp"

namespace pgdest {

namespace {

// The columns of index `qualified_index` in key order; empty when there is no such index.
std::vector<std::string> index_columns(PgConnection& conn, const std::string& qualified_index) {
    PgResult r = conn.query(
        "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indexrelid = to_regclass($1) ORDER BY k.ord",
        {qualified_index}, "reading the columns of index " + qualified_index);
    std::vector<std::string> cols;
    for (int i = 0; i < r.rows(); ++i) cols.push_back(r.text(i, 0));
    return cols;
}

std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote(n);
    return out;
}

}  // namespace

void ensure_pk_index(PgConnection& conn, const std::string& schema, const std::string& table, const std::string& index,
                     const std::vector<std::string>& columns, connhost::sdk::Host host) {
    const std::string qualified_index = quote(schema) + "." + quote(index);
    const std::string qualified_table = quote(schema) + "." + quote(table);
    const std::vector<std::string> existing = index_columns(conn, qualified_index);
    // CREATE INDEX IF NOT EXISTS takes its lock before it looks: it would wait for other writers' open transactions.
    if (existing == columns) return;
    if (!existing.empty()) {
        host.warn("the primary key of " + qualified_table + " changed from (" + listed(existing) + ") to (" +
                  listed(columns) + "): rebuilding its unique index " + qualified_index);
        conn.exec("DROP INDEX " + qualified_index, "dropping the unique index of the old key of " + qualified_table);
    }
    conn.exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quote(index) + " ON " + qualified_table + " (" + listed(columns) +
                  ") NULLS NOT DISTINCT",
              "creating the primary-key index of " + qualified_table + " on (" + listed(columns) +
                  ") (if the table already holds duplicate keys, de-duplicate it or start with a fresh table)");
}

}  // namespace pgdest
