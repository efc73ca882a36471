#include "protocol/state_shape.hpp"

#include "protocol/json_scan.hpp"

#include <boost/json.hpp>

namespace connhost::protocol {

namespace json = boost::json;

namespace {

// "" when `o[key]` is absent or null or an object; else what is wrong.
std::string optional_object(const json::object& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null() || it->value().is_object()) return {};
    return where + key + " must be an object";
}

// The problem of an AirbyteStreamState at `where` ("stream." or "global.stream_states[2].").
std::string stream_state_problem(const json::value& v, const std::string& where) {
    if (!v.is_object()) return where.substr(0, where.size() - 1) + " must be an object";
    const json::object& s = v.as_object();
    auto d = s.find("stream_descriptor");
    if (d == s.end() || !d->value().is_object()) return where + "stream_descriptor is missing or not an object";
    const json::object& desc = d->value().as_object();
    auto n = desc.find("name");
    if (n == desc.end() || !n->value().is_string() || n->value().as_string().empty())
        return where + "stream_descriptor.name is missing or not a non-empty string";
    if (auto ns = desc.find("namespace"); ns != desc.end() && !ns->value().is_string() && !ns->value().is_null())
        return where + "stream_descriptor.namespace must be a string";
    return optional_object(s, "stream_state", where);
}

std::string global_problem(const json::object& msg) {
    auto g = msg.find("global");
    if (g == msg.end() || !g->value().is_object()) return "a GLOBAL state needs a \"global\" object";
    const json::object& go = g->value().as_object();
    if (std::string p = optional_object(go, "shared_state", "global."); !p.empty()) return p;
    auto ss = go.find("stream_states");  // required by the protocol's schema, but absent in Airbyte's own test data
    if (ss == go.end()) return {};
    if (!ss->value().is_array()) return "global.stream_states must be an array";
    size_t i = 0;
    for (const auto& s : ss->value().as_array()) {
        std::string p = stream_state_problem(s, "global.stream_states[" + std::to_string(i++) + "].");
        if (!p.empty()) return p;
    }
    return {};
}

}  // namespace

std::string state_shape_problem(std::string_view state_json) {
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = JsonScanner::kMaxDepth;  // as deep as the line parser accepts, not Boost's default of 32
    json::value v = json::parse(json::string_view(state_json.data(), state_json.size()), ec, {}, opts);
    if (ec) return "not valid JSON (" + ec.message() + ")";
    if (!v.is_object()) return "not a JSON object";
    const json::object& msg = v.as_object();
    std::string type = "LEGACY";
    if (auto t = msg.find("type"); t != msg.end()) {
        if (!t->value().is_string()) return "type must be \"STREAM\", \"GLOBAL\" or \"LEGACY\"";
        type = std::string(t->value().as_string());
    }
    if (type == "STREAM") {
        auto s = msg.find("stream");
        if (s == msg.end()) return "a STREAM state needs a \"stream\" object";
        return stream_state_problem(s->value(), "stream.");
    }
    if (type == "GLOBAL") return global_problem(msg);
    if (type == "LEGACY") return msg.contains("data") ? std::string() : "a LEGACY state needs \"data\"";
    return "type \"" + type + "\" is not one of STREAM, GLOBAL or LEGACY";
}

}  // namespace connhost::protocol
