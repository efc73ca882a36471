// How the host names a stream to people: "namespace.stream", or the stream alone without a namespace.
#pragma once
#include <string>
#include <string_view>

namespace connhost::protocol {

// "ns.name"; just "name" when `ns` is empty (no namespace).
inline std::string stream_display_name(std::string_view ns, std::string_view name) {
    std::string out;
    if (!ns.empty()) out.append(ns).push_back('.');
    out.append(name);
    return out;
}

}  // namespace connhost::protocol
