// Deduplicating a JSONL file by primary key, keeping the latest record by cursor.
#pragma once
#include <connhost/sdk/catalog.hpp>

#include <string>

namespace jsonl {

// Rewrites `path` durably so each primary key appears once: the record with the greatest cursor
// (numbers numerically, strings by text, missing or null cursor lowest), ties won by the later line.
// Keys keep the order of their first appearance. Throws SystemError / ConfigError naming the file.
void dedup_file(const std::string& path, const connhost::sdk::ConfiguredStream& stream);

}  // namespace jsonl
