// Scanning a record's data object member by member, without a DOM: every value comes back as the
// exact bytes it had in the input, so number text (a 500-digit integer, 1.50, 1e400) is never
// converted. The host has already validated the JSON; malformed text still fails cleanly
// (std::invalid_argument naming the byte), never reads out of bounds.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sqlitedest {

enum class JsonKind { String, Number, True, False, Null, Object, Array };

struct Member {
    std::string_view key;    // raw key text between the quotes (escapes not decoded)
    bool key_escaped;        // key holds a backslash: decode with connhost::sdk::json_unescape()
    JsonKind kind;
    std::string_view value;  // String: raw text between the quotes; others: the exact value text
    bool value_escaped;      // String only: holds a backslash
};

// Appends the top-level members of the JSON object `json` to `out` (cleared first). Throws
// std::invalid_argument if `json` is not an object.
void scan_object(std::string_view json, std::vector<Member>& out);

// The elements of the JSON array `json`, each as its exact text. Throws std::invalid_argument if not an array.
std::vector<std::string_view> array_elements(std::string_view json);

}  // namespace sqlitedest
