// The bookkeeping of resumable overwrite staging in SQLite: table _connhost_staging (table_name, tag) holds each kept
// staging table's tag (connhost/sdk/resumable_staging.hpp), written in the transaction of the rows it describes.
#pragma once
#include "database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sqlitedest {

inline constexpr const char* kStagingTable = "_connhost_staging";

// Creates the bookkeeping table when missing (only a resumable staging needs it). Call inside a transaction.
void ensure_staging_tags(Database& db);
// The tag of staging table `staging` ("" when it has none), or nullopt when the table does not exist.
std::optional<std::string> staging_tag(Database& db, const std::string& staging);
// Sets (tag non-empty: after ensure_staging_tags) or removes (empty) the tag of `staging`. Call inside a transaction.
void set_staging_tag(Database& db, const std::string& staging, const std::string& tag);
// Deletes the rows of `staging` numbered above `keep_through` (their ids sort after UuidGenerator's floor); returns
// how many.
int64_t trim_staging(Database& db, const std::string& staging, uint64_t keep_through);

}  // namespace sqlitedest
