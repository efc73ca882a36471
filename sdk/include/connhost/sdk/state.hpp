// Incoming state (what the previous sync checkpointed) and builders for outgoing STATE messages.
#pragma once
#include <connhost/sdk/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::sdk {

// The state a source resumes from, indexed by stream; built from the host's JSON array of states.
class StateMap {
public:
    StateMap() = default;

    // Parses the JSON array of AirbyteStateMessage the host passes to read(); empty text: no state.
    static StateMap parse(std::string_view text) {
        StateMap m;
        if (text.empty()) return m;
        json::value v = parse_json(text, "state");
        if (!v.is_array()) throw ConfigError("state must be a JSON array of STATE messages");
        for (const auto& msg : v.as_array()) {
            if (!msg.is_object()) throw ConfigError("state: every entry must be an object");
            m.add(msg.as_object());
        }
        return m;
    }

    // The saved blob of stream (name, ns), or nullptr. Without a STREAM state for it, a LEGACY state shaped
    // {"<stream name>": {...}} (older Airbyte sources) or {"bookmarks": {"<stream name>": {...}}} (Singer) gives that
    // object.
    const json::object* stream(std::string_view name, std::string_view ns = {}) const {
        auto it = streams_.find({std::string(name), std::string(ns)});
        if (it != streams_.end()) return &it->second;
        if (!legacy_) return nullptr;
        if (const json::object* b = object_member(*legacy_, "bookmarks"))
            if (const json::object* s = object_member(*b, name)) return s;
        return object_member(*legacy_, name);
    }
    // GLOBAL shared_state, or nullptr.
    const json::object* shared() const { return shared_ ? &*shared_ : nullptr; }
    // LEGACY data, or nullptr.
    const json::object* legacy() const { return legacy_ ? &*legacy_ : nullptr; }

private:
    static const json::object* object_member(const json::object& o, std::string_view key) {
        auto it = o.find(key);
        return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
    }
    void add_stream(const json::object& s) {
        auto d = s.find("stream_descriptor");
        if (d == s.end() || !d->value().is_object()) throw ConfigError("state: stream_descriptor is required");
        const auto& desc = d->value().as_object();
        auto n = desc.find("name");
        if (n == desc.end() || !n->value().is_string()) throw ConfigError("state: stream_descriptor.name is required");
        std::string ns;
        if (auto x = desc.find("namespace"); x != desc.end() && x->value().is_string())
            ns = std::string(x->value().as_string());
        json::object blob;
        if (auto b = s.find("stream_state"); b != s.end() && b->value().is_object()) blob = b->value().as_object();
        streams_[{std::string(n->value().as_string()), ns}] = std::move(blob);
    }
    void add(const json::object& msg) {
        std::string type = "LEGACY";
        if (auto t = msg.find("type"); t != msg.end() && t->value().is_string())
            type = std::string(t->value().as_string());
        if (type == "STREAM") {
            auto s = msg.find("stream");
            if (s == msg.end() || !s->value().is_object())
                throw ConfigError("state: a STREAM state needs a `stream` object");
            add_stream(s->value().as_object());
        } else if (type == "GLOBAL") {
            auto g = msg.find("global");
            if (g == msg.end() || !g->value().is_object())
                throw ConfigError("state: a GLOBAL state needs a `global` object");
            const auto& go = g->value().as_object();
            if (auto sh = go.find("shared_state"); sh != go.end() && sh->value().is_object())
                shared_ = sh->value().as_object();
            if (auto ss = go.find("stream_states"); ss != go.end() && ss->value().is_array())
                for (const auto& s : ss->value().as_array())
                    if (s.is_object()) add_stream(s.as_object());
        } else {
            if (auto d = msg.find("data"); d != msg.end() && d->value().is_object()) legacy_ = d->value().as_object();
        }
    }

    std::map<std::pair<std::string, std::string>, json::object> streams_;
    std::optional<json::object> shared_;
    std::optional<json::object> legacy_;
};

// Builds the JSON text of a STREAM AirbyteStateMessage for (name, ns) holding `blob`.
inline std::string stream_state_message(std::string_view name, std::string_view ns, const json::object& blob) {
    std::string out = R"({"type":"STREAM","stream":{"stream_descriptor":{"name":)";
    append_json_string(out, name);
    if (!ns.empty()) {
        out += R"(,"namespace":)";
        append_json_string(out, ns);
    }
    out += R"(},"stream_state":)";
    out += json::serialize(blob);
    out += "}}";
    return out;
}

}  // namespace connhost::sdk
