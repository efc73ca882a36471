// Reading members of parsed protocol objects (catalogs, state files, log lines) in the host: one rule for a member
// that is missing or of another type.
#pragma once
#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace connhost::protocol {

// The string member `key` of `o`; "" when it is missing or not a string.
inline std::string string_member(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// True when member `key` of `o` is the boolean true (missing, false or another type: false).
inline bool true_member(const boost::json::object& o, std::string_view key) {
    const boost::json::value* v = o.if_contains(key);
    return v && v->is_bool() && v->as_bool();
}

}  // namespace connhost::protocol
