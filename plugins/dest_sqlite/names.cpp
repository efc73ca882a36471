#include "names.hpp"

#include <connhost/sdk/sql_identifier.hpp>
#include <connhost/sdk/table_plan.hpp>

namespace sqlitedest {

std::string quote(std::string_view name) { return connhost::sdk::sql_quote_identifier(name); }

namespace {
std::string escape_namespace(std::string_view ns) {
    const bool plain =
        ns.find("__") == std::string_view::npos && ns.back() != '_' && ns.find('%') == std::string_view::npos;
    if (plain) return std::string(ns);
    std::string out;
    for (char c : ns) {
        if (c == '%')
            out += "%25";
        else if (c == '_')
            out += "%5F";
        else
            out.push_back(c);
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

std::string fold(std::string_view name) { return connhost::sdk::fold_ascii_case(std::string(name)); }

}  // namespace sqlitedest
