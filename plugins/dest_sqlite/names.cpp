#include "names.hpp"

#include <connhost/sdk/sql_identifier.hpp>

namespace sqlitedest {

std::string quote(std::string_view name) { return connhost::sdk::sql_quote_identifier(name); }

namespace {
std::string escape_namespace(std::string_view ns) {
    const bool plain = ns.find("__") == std::string_view::npos && ns.back() != '_' && ns.find('%') == std::string_view::npos;
    if (plain) return std::string(ns);
    std::string out;
    for (char c : ns) {
        if (c == '%') out += "%25";
        else if (c == '_') out += "%5F";
        else out.push_back(c);
    }
    return out;
}
}  // namespace

std::string table_name(const std::optional<std::string>& ns, std::string_view stream) {
    if (!ns || ns->empty()) {
        if (stream.find("__") == std::string_view::npos) return std::string(stream);
        return "__" + std::string(stream);
    }
    return escape_namespace(*ns) + "__" + std::string(stream);
}

std::string staging_name(std::string_view table) { return "_connhost_staging__" + std::string(table); }

std::string fold(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_reserved(std::string_view name) { return fold(name.substr(0, 10)) == "_connhost_"; }

}  // namespace sqlitedest
