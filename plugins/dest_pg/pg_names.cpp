#include "pg_names.hpp"

#include <connhost/sdk/sql_identifier.hpp>

#include <cstdint>
#include <cstdio>

namespace pgdest {

std::string quote(std::string_view name) { return connhost::sdk::sql_quote_identifier(name); }

std::string literal(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
    }
    return out + "'";
}

namespace {
uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}
}  // namespace

std::string hashed_identifier(std::string_view name) {
    constexpr size_t kPrefix = kMaxIdentifierBytes - 9;
    std::string prefix;
    for (size_t i = 0; i < name.size() && prefix.size() < kPrefix;) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (prefix.size() + len > kPrefix) break;
        for (size_t k = 0; k < len && i + k < name.size(); ++k)
            if (name[i + k] != '\0') prefix.push_back(name[i + k]);
        i += len;
    }
    const uint64_t h = fnv1a(name);
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "_%08x", static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffu)));
    return prefix + suffix;
}

std::string identifier(std::string_view name) {
    if (name.size() <= kMaxIdentifierBytes && !name.empty() && name.find('\0') == std::string_view::npos)
        return std::string(name);
    return hashed_identifier(name);
}

std::string column_name(std::string_view field) {
    if (field.substr(0, 10) == "_connhost_") return hashed_identifier(field);
    return identifier(field);
}

}  // namespace pgdest
