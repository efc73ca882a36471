#include "staging_tags.hpp"

#include "names.hpp"

#include <connhost/sdk/record_meta.hpp>

namespace sqlitedest {

void ensure_staging_tags(Database& db) {
    db.exec(std::string("CREATE TABLE IF NOT EXISTS ") + kStagingTable +
            " (table_name TEXT NOT NULL PRIMARY KEY, tag TEXT NOT NULL)");
}

std::optional<std::string> staging_tag(Database& db, const std::string& staging) {
    if (!db.has_table(staging)) return std::nullopt;
    if (!db.has_table(kStagingTable)) return std::string();
    Statement q(db, std::string("SELECT tag FROM ") + kStagingTable + " WHERE table_name = ?1");
    q.bind_text_copy(1, staging);
    return q.step() ? q.column_text(0) : std::string();
}

void set_staging_tag(Database& db, const std::string& staging, const std::string& tag) {
    if (tag.empty() && !db.has_table(kStagingTable)) return;
    Statement st(db,
                 tag.empty() ? std::string("DELETE FROM ") + kStagingTable + " WHERE table_name = ?1"
                             : std::string("INSERT OR REPLACE INTO ") + kStagingTable + " VALUES (?1, ?2)");
    st.bind_text_copy(1, staging);
    if (!tag.empty()) st.bind_text_copy(2, tag);
    st.run();
}

int64_t trim_staging(Database& db, const std::string& staging, uint64_t keep_through) {
    Statement del(db,
                  "DELETE FROM " + quote(staging) + " WHERE " +
                      quote(connhost::sdk::kMetaColumns[connhost::sdk::kRawIdColumn]) + " >= ?1");
    del.bind_text_copy(1, connhost::sdk::UuidGenerator::sequence_floor(keep_through + 1));
    del.run();
    return sqlite3_changes64(db.handle());
}

}  // namespace sqlitedest
