// SQL identifiers for table destinations: every name reaches SQL quoted, so any stream or field name is safe.
#pragma once
#include <string>
#include <string_view>

namespace connhost::sdk {

// `name` as a double-quoted SQL identifier (inner quotes doubled): keeps its case and any character.
// Length limits and NUL are the caller's (each database has its own).
inline std::string sql_quote_identifier(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 2);
    out.push_back('"');
    for (char c : name) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

}  // namespace connhost::sdk
