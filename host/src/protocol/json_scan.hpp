// The host's names for the shared JSON scanner (json-scan/include/connhost/internal/json_scan.hpp).
#pragma once
#include <connhost/internal/json_scan.hpp>

namespace connhost::protocol {

using internal::is_valid_json;         // true when a text is exactly one valid JSON value
using internal::JsonScanner;           // strict RFC 8259 scanner (UTF-8 checked, depth-limited) over one buffer
using internal::JsonSyntaxError;       // a syntax error with its byte offset
using internal::unescape_json_string;  // the raw text of a JSON string, decoded into UTF-8

}  // namespace connhost::protocol
