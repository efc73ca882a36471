#include "runtime/sync/namespace_mapping.hpp"

#include "protocol/json_member.hpp"
#include "protocol/stream_name.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

constexpr std::string_view kSourceNamespace = "${SOURCE_NAMESPACE}";

// Maps the {"name", "namespace"} object `d` (a stream descriptor, or a catalog's stream) in place.
void map_names(const StreamRenamer& r, json::object& d) {
    const MappedStream m = r.map(protocol::string_member(d, "namespace"), protocol::string_member(d, "name"));
    d["name"] = m.name;
    if (m.ns.empty())
        d.erase("namespace");
    else
        d["namespace"] = m.ns;
}

// Maps the "stream_descriptor" of `v` when `v` is an object holding one.
void map_descriptor_of(const StreamRenamer& r, json::value& v) {
    if (!v.is_object()) return;
    auto d = v.as_object().find("stream_descriptor");
    if (d != v.as_object().end() && d->value().is_object()) map_names(r, d->value().as_object());
}

// Parses `text` as a JSON object, applies `f` to it and serialises it; `text` unchanged when it is no object.
template <class F>
std::string edit_object(std::string_view text, F f) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !v.is_object()) return std::string(text);
    f(v.as_object());
    return json::serialize(v);
}

}  // namespace

NamespaceMapping::Definition parse_namespace_definition(const std::string& text, const std::string& what) {
    if (text == "source") return NamespaceMapping::Definition::Source;
    if (text == "destination") return NamespaceMapping::Definition::Destination;
    if (text == "custom") return NamespaceMapping::Definition::Custom;
    throw std::invalid_argument(what + " must be source, destination or custom, got \"" + text + "\"");
}

void check_namespace_mapping(const NamespaceMapping& m, const std::string& what) {
    const bool custom = m.definition == NamespaceMapping::Definition::Custom;
    if (custom && m.format.empty())
        throw std::invalid_argument(what +
                                    ": namespace_definition custom needs a namespace_format (e.g. "
                                    "\"raw_${SOURCE_NAMESPACE}\")");
    if (!custom && !m.format.empty())
        throw std::invalid_argument(what + ": a namespace_format is used only with namespace_definition custom");
}

StreamRenamer::StreamRenamer(NamespaceMapping mapping, const std::vector<protocol::CatalogStream>& streams)
    : mapping_(std::move(mapping)) {
    std::map<std::pair<std::string, std::string>, std::string> taken;  // mapped (ns, name) -> source display name
    for (const auto& s : streams) {
        const MappedStream m = map(s.ns, s.name);
        const std::string from = protocol::stream_display_name(s.ns, s.name);
        auto [it, fresh] = taken.emplace(std::make_pair(m.ns, m.name), from);
        if (!fresh)
            throw std::invalid_argument("streams " + it->second + " and " + from + " would both be written as " +
                                        protocol::stream_display_name(m.ns, m.name) +
                                        " by the namespace mapping; choose another namespace_definition or "
                                        "namespace_format, or sync them in separate connections");
    }
}

MappedStream StreamRenamer::map(std::string_view ns, std::string_view name) const {
    MappedStream m{std::string(ns), mapping_.prefix + std::string(name)};
    if (mapping_.definition == NamespaceMapping::Definition::Destination) m.ns.clear();
    if (mapping_.definition == NamespaceMapping::Definition::Custom) {
        m.ns = mapping_.format;
        for (size_t at = m.ns.find(kSourceNamespace); at != std::string::npos;
             at = m.ns.find(kSourceNamespace, at + ns.size()))
            m.ns.replace(at, kSourceNamespace.size(), ns);
    }
    return m;
}

std::string StreamRenamer::catalog(std::string_view configured_catalog) const {
    if (identity()) return std::string(configured_catalog);
    return edit_object(configured_catalog, [&](json::object& cat) {
        auto streams = cat.find("streams");
        if (streams == cat.end() || !streams->value().is_array()) return;
        for (auto& cs : streams->value().as_array()) {
            if (!cs.is_object()) continue;
            auto st = cs.as_object().find("stream");
            if (st != cs.as_object().end() && st->value().is_object()) map_names(*this, st->value().as_object());
        }
    });
}

std::string StreamRenamer::state(std::string_view state_json) const {
    if (identity()) return std::string(state_json);
    return edit_object(state_json, [&](json::object& st) {
        if (auto it = st.find("stream"); it != st.end()) map_descriptor_of(*this, it->value());
        auto g = st.find("global");
        if (g == st.end() || !g->value().is_object()) return;
        auto ss = g->value().as_object().find("stream_states");
        if (ss != g->value().as_object().end() && ss->value().is_array())
            for (auto& one : ss->value().as_array()) map_descriptor_of(*this, one);
    });
}

std::string StreamRenamer::stream_status(std::string_view status_json) const {
    if (identity()) return std::string(status_json);
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(status_json.data(), status_json.size()), ec);
    if (ec) return std::string(status_json);
    map_descriptor_of(*this, v);
    return json::serialize(v);
}

std::vector<std::string> StreamRenamer::describe(const std::vector<protocol::CatalogStream>& streams) const {
    std::vector<std::string> out;
    for (const auto& s : streams) {
        const MappedStream m = map(s.ns, s.name);
        if (m.ns != s.ns || m.name != s.name)
            out.push_back(protocol::stream_display_name(s.ns, s.name) + " -> " +
                          (m.ns.empty() ? "(the destination's default namespace)." : m.ns + ".") + m.name);
    }
    return out;
}

}  // namespace connhost::runtime::sync
