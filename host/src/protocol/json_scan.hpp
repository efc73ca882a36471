// The host's names for the shared JSON scanner (json-scan/include/connhost/internal/json_scan.hpp).
#pragma once
#include <connhost/internal/json_scan.hpp>

#include <string>
#include <string_view>

namespace connhost::protocol {

using internal::is_valid_json;         // true when a text is exactly one valid JSON value
using internal::JsonScanner;           // strict RFC 8259 scanner (UTF-8 checked, depth-limited) over one buffer
using internal::JsonSyntaxError;       // a syntax error with its byte offset
using internal::unescape_json_string;  // the raw text of a JSON string, decoded into UTF-8

// Reads the object at `s` (a stream, or a stream_descriptor), keeping its "name" and "namespace" strings; other
// members are skipped. Throws JsonSyntaxError.
inline void read_stream_names(JsonScanner& s, std::string& name, std::string& ns) {
    s.expect('{', "'{'");
    s.members([&](std::string_view key) {
        if (key == "name" && s.peek() == '"')
            s.read_string(&name);
        else if (key == "namespace" && s.peek() == '"')
            s.read_string(&ns);
        else
            s.skip_value();
    });
}

}  // namespace connhost::protocol
