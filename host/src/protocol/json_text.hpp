// Small helpers for writing JSON text in the host (escaping via Boost.JSON, so there is one escaper).
#pragma once
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>

namespace connhost::protocol {

// Appends `s` as a quoted, escaped JSON string.
inline void append_json_string(std::string& out, std::string_view s) {
    out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

// `s` as a quoted, escaped JSON string.
inline std::string json_string(std::string_view s) { return boost::json::serialize(boost::json::string_view(s.data(), s.size())); }

}  // namespace connhost::protocol
