// The constant metadata columns of an overwrite's staging table. _connhost_generation_id and _connhost_sync_id hold one
// value for every row a sync writes, so a fresh staging table is filled without them and gets them at the swap through
// PostgreSQL's fast ADD COLUMN ... DEFAULT (the value is kept once in the catalog for the rows already there; nothing
// is rewritten), followed by DROP DEFAULT, which leaves those rows their value and gives later rows none. A row then
// takes 16 bytes and two cells less (and for up to 8 columns, no longer pays a second null-bitmap byte's alignment).
// The values meant for the staging's rows are noted on its _connhost_meta column, so that an attempt resuming the
// staging with other values first gives the earlier rows theirs.
#pragma once
#include "pg_connection.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace pgdest {

// A stream's generation_id and sync_id, the values of its constant columns.
struct ConstantValues {
    int64_t generation_id = 0;
    int64_t sync_id = 0;
    bool operator==(const ConstantValues& o) const { return generation_id == o.generation_id && sync_id == o.sync_id; }
};

// Whether table `qualified` ("schema"."table") has column `name`.
bool has_column(PgConnection& conn, const std::string& qualified, const char* name);

// Notes `values` as those the rows of staging table `qualified` are to get. Call inside a transaction.
void note_constant_values(PgConnection& conn, const std::string& qualified, const ConstantValues& values);

// The values noted on staging table `qualified`, nullopt when none are (or the note is not one).
std::optional<ConstantValues> noted_constant_values(PgConnection& conn, const std::string& qualified);

// Adds the constant columns to `qualified`, giving the rows it holds `values` (nullopt: NULL), without a rewrite, and
// removes the note. Call inside a transaction.
void add_constant_columns(PgConnection& conn, const std::string& qualified,
                          const std::optional<ConstantValues>& values);

}  // namespace pgdest
