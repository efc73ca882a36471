// Exact JSON for the value checks of `connhost test-plugin`: a canonical text to compare values by (number text kept
// as it is, never through a double), and the records of a step's stdout with their data as it was printed.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::certify {

// `json` in a canonical form: no white space, object members sorted by (decoded) name, later duplicates winning,
// strings re-encoded, numbers as their exact text; with `drop_top_nulls`, members of the top-level object whose
// value is null are left out (a store may not tell a null field from an absent one). Throws
// protocol::JsonSyntaxError when `json` is not one valid JSON value.
std::string canonical_json(std::string_view json, bool drop_top_nulls = false);

// (namespace, stream) -> the data text of each RECORD on `out`'s lines, in order; lines that are not RECORD messages
// are skipped. Throws protocol::JsonSyntaxError for a RECORD line that is not valid JSON.
using RecordsByStream = std::map<std::pair<std::string, std::string>, std::vector<std::string>>;
RecordsByStream records_by_stream(std::string_view out);

}  // namespace connhost::certify
