// PostgreSQL names: identifier quoting and the 63-byte limit.
//
// Every identifier reaches SQL only through quote(): in double quotes, inner quotes doubled, so any
// stream, namespace or field name is safe and keeps its case. PostgreSQL truncates identifiers to 63
// bytes; a name that would be truncated (or holds NUL, which PostgreSQL cannot store) is instead
// shortened to its first bytes (whole UTF-8 characters, at most 54 bytes) + "_" + 8 hex digits of a
// 64-bit FNV-1a hash of the full name, so long names that share a prefix stay distinct.
#pragma once
#include <string>
#include <string_view>

namespace pgdest {

constexpr size_t kMaxIdentifierBytes = 63;

// `name` as a quoted SQL identifier (no length handling: pass identifier() results).
std::string quote(std::string_view name);
// `name` fitted to PostgreSQL's identifier limit (see above); unchanged when it fits.
std::string identifier(std::string_view name);
// identifier(name) with a hash suffix even when it fits: for names this connector must move aside.
std::string hashed_identifier(std::string_view name);
// The column of field `field`: identifier(field), or hashed_identifier(field) for fields named "_connhost_..." (the
// metadata columns' prefix).
std::string column_name(std::string_view field);
// A quoted literal: in single quotes, inner quotes doubled (standard_conforming_strings is on).
std::string literal(std::string_view text);

}  // namespace pgdest
