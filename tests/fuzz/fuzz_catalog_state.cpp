// libFuzzer target: what the host makes of --catalog and --state files (protocol/catalog_input.hpp,
// protocol/state_shape.hpp, runtime/sync/state_owner.hpp) on arbitrary bytes. They must never crash and fail
// only with their documented errors (std::runtime_error, JsonSyntaxError); whatever they accept must agree with
// Boost.JSON: a normalized state is a JSON array, a normalized catalog an object whose every stream has "stream",
// and state_shape_problem accepts exactly the states a plain DOM check of its rules accepts.
#include "logging/log_setup.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/state_shape.hpp"
#include "runtime/sync/state_owner.hpp"

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

namespace json = boost::json;
namespace protocol = connhost::protocol;
namespace sync = connhost::runtime::sync;

// `o[key]` is absent, null or an object.
bool optional_object(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return !v || v->is_null() || v->is_object();
}

// An AirbyteStreamState: stream_descriptor.name a non-empty string, namespace a string or null, stream_state an object.
bool stream_state_ok(const json::value& v) {
    if (!v.is_object()) return false;
    const json::value* d = v.as_object().if_contains("stream_descriptor");
    if (!d || !d->is_object()) return false;
    const json::value* name = d->as_object().if_contains("name");
    const json::value* ns = d->as_object().if_contains("namespace");
    return name && name->is_string() && !name->as_string().empty() && (!ns || ns->is_string() || ns->is_null()) &&
        optional_object(v.as_object(), "stream_state");
}

bool global_ok(const json::object& msg) {
    const json::value* g = msg.if_contains("global");
    if (!g || !g->is_object() || !optional_object(g->as_object(), "shared_state")) return false;
    const json::value* ss = g->as_object().if_contains("stream_states");
    if (!ss) return true;
    if (!ss->is_array()) return false;
    for (const auto& s : ss->as_array())
        if (!stream_state_ok(s)) return false;
    return true;
}

// The oracle for state_shape_problem: the AirbyteStateMessage rules it documents, checked on Boost.JSON's DOM
// (parsed as state_shape_problem parses, so both see the same JSON).
bool state_shape_ok(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !v.is_object()) return false;
    const json::object& msg = v.as_object();
    const json::value* type = msg.if_contains("type");
    if (type && !type->is_string()) return false;
    const json::string t = type ? type->as_string() : json::string("LEGACY");
    if (t == "STREAM") return msg.contains("stream") && stream_state_ok(msg.at("stream"));
    if (t == "GLOBAL") return global_ok(msg);
    if (t == "LEGACY") return msg.contains("data");
    return false;
}

void check_state_shape(std::string_view text) {
    require(protocol::state_shape_problem(text).empty() == state_shape_ok(text));
}

void check_catalog(std::string_view text) {
    std::string normalized;
    try {
        normalized = protocol::normalize_catalog(text, "catalog.json");
    } catch (const std::runtime_error&) {
        return;  // JsonSyntaxError included
    }
    bool overflow = false;
    auto v = oracle_parse(normalized, &overflow);
    if (overflow) return;
    require(v && v->is_object());
    const json::value* streams = v->as_object().if_contains("streams");
    require(streams && streams->is_array());
    for (const auto& s : streams->as_array()) require(s.is_object() && s.as_object().contains("stream"));
    auto list = protocol::catalog_streams(normalized);  // a normalized catalog always reads back
    require(list.size() == streams->as_array().size());
    require(protocol::catalog_stream_keys(normalized).size() <= list.size());
}

void check_state(std::string_view text) {
    std::string normalized;
    try {
        normalized = protocol::normalize_state(text, "state.json");
    } catch (const std::runtime_error&) {
        return;
    }
    if (normalized.empty()) return;
    bool overflow = false;
    auto v = oracle_parse(normalized, &overflow);
    require(overflow || (v && v->is_array()));
    if (v)
        for (const auto& element : v->as_array())
            if (element.is_object()) check_state_shape(json::serialize(element));
}

// A state file's owner: read it, write it back, read that again; the two reads agree and an owner matches itself.
void check_owner(std::string_view text) {
    std::optional<protocol::StateFileParts> parts;
    try {
        parts = protocol::state_file_parts(text);
    } catch (const protocol::JsonSyntaxError& e) {
        require(e.offset() <= text.size());
        return;
    }
    if (!parts || parts->owner.empty()) return;
    auto v = oracle_parse(parts->owner);
    if (!v) return;  // a number Boost cannot hold
    sync::StateOwner owner;
    try {
        owner = sync::StateOwner::from_json(*v, "state.json");
    } catch (const std::runtime_error&) {
        return;
    }
    sync::StateOwner again = sync::StateOwner::from_json(owner.to_json(), "state.json");
    require(again.source_plugin == owner.source_plugin && again.destination_plugin == owner.destination_plugin &&
            again.target_known == owner.target_known && again.destination_target == owner.destination_target &&
            again.streams == owner.streams && again.source_config_hash == owner.source_config_hash);
    sync::check_state_owner(owner, again, "state.json");  // never throws for the same owner
    sync::StateOwner other = owner;
    other.destination_plugin += "-other";
    bool refused = false;
    try {
        sync::check_state_owner(owner, other, "state.json");
    } catch (const std::runtime_error&) {
        refused = true;
    }
    require(refused);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    connhost::logging::init_logging(connhost::logging::LogFormat::Text, spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_state_shape(text);
    check_catalog(text);
    check_state(text);
    check_owner(text);
    return 0;
}
