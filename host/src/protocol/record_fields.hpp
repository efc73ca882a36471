// Record fields: the top-level members of a record's data object, collected while the host checks the record, for
// the plugin ABI's "connhost.record_fields/1" (a destination then need not scan the record's JSON again); and the
// host's checks of a plugin's JSON texts (records, meta, states, messages).
#pragma once
#include "protocol/json_scan.hpp"

#include <connhost/plugin_api.h>

#include <string>
#include <string_view>
#include <vector>

namespace connhost::protocol {

// Reads the JSON object at the cursor of `s`, checking it as JsonScanner::skip_value does, and appends its members
// to `out` in input order, their offsets counted from `base`: the record's first byte, at or before the object (the
// offsets are 32-bit: right only when the object ends within 4 GiB of `base`). Returns the object's text. Throws
// JsonSyntaxError.
std::string_view read_record_fields(JsonScanner& s, const char* base, std::vector<connhost_field>& out);

// Checks that `text` is one JSON value; returns "" or the reason it is not (the syntax error at its byte).
std::string json_problem(std::string_view text);
// Checks that `text` is one JSON object; returns "" or the reason it is not: "not a JSON object", or json_problem's.
std::string object_problem(std::string_view text);

// The largest record whose members read_record_fields can give (offsets are 32-bit).
inline constexpr size_t kMaxFieldsRecordBytes = 0xFFFFFFFFu;

// Checks that `text` is one JSON object as object_problem does, returning the same. When it is one, its members are
// appended to `out` and `has_fields` is true, unless `text` is over kMaxFieldsRecordBytes; otherwise `out` is left as
// it was.
std::string record_object_problem(std::string_view text, std::vector<connhost_field>& out, bool& has_fields);

}  // namespace connhost::protocol
