// ConfiguredCatalog: the streams a sync moves and how, parsed from the ConfiguredAirbyteCatalog JSON.
#pragma once
#include <connhost/sdk/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

using FieldPath = std::vector<std::string>;  // a path into a record, e.g. {"user", "id"}

// How a source reads a stream (the catalog's sync_mode).
enum class SyncMode { FullRefresh, Incremental };
// How a destination writes a stream (the catalog's destination_sync_mode).
enum class DestinationSyncMode { Append, Overwrite, AppendDedup };

// The protocol's spelling of a mode.
inline const char* to_string(SyncMode m) noexcept {
    return m == SyncMode::Incremental ? "incremental" : "full_refresh";
}
inline const char* to_string(DestinationSyncMode m) noexcept {
    return m == DestinationSyncMode::Overwrite  ? "overwrite"
        : m == DestinationSyncMode::AppendDedup ? "append_dedup"
                                                : "append";
}
// Every destination sync mode, in the protocol's order.
inline constexpr DestinationSyncMode kDestinationSyncModes[] = {
    DestinationSyncMode::Append, DestinationSyncMode::Overwrite, DestinationSyncMode::AppendDedup};

// An overwrite the host may resume (connhost sync sets it; see table_plan.hpp): the configured stream's
// "connhost_resumable_overwrite": {"attempt": "...", "resume_rows": bool, "resume_state": {...}}.
struct ResumableOverwrite {
    std::string attempt;       // names the staging this overwrite writes; a staging of another attempt is stale
    bool resume_rows = false;  // the source resumes after resume_state: keep the attempt's staging rows up to it
    std::string resume_state;  // the stream_state the source resumes after, serialized ("" without resume_rows)
};

// One configured stream with its modes; absent fields keep Airbyte's defaults.
struct ConfiguredStream {
    std::string name;
    std::optional<std::string> ns;  // namespace, if any
    json::object json_schema;       // the stream's JSON schema ({} if none)
    SyncMode sync_mode = SyncMode::FullRefresh;
    DestinationSyncMode destination_sync_mode = DestinationSyncMode::Append;
    FieldPath cursor_field;              // empty: none
    std::vector<FieldPath> primary_key;  // empty: none
    int64_t generation_id = 0;
    int64_t minimum_generation_id = 0;
    int64_t sync_id = 0;
    std::optional<ResumableOverwrite> resumable_overwrite;  // overwrite only; absent: staging is never kept

    bool incremental() const noexcept { return sync_mode == SyncMode::Incremental; }
    // "ns.name" or "name", for messages.
    std::string display_name() const { return ns ? *ns + "." + name : name; }
};

namespace detail {
inline std::string str_at(const json::object& o, std::string_view key, std::string_view where) {
    auto it = o.find(json::string_view(key.data(), key.size()));
    if (it == o.end() || !it->value().is_string())
        throw ConfigError(std::string(where) + "." + std::string(key) + " must be a string");
    return std::string(it->value().as_string());
}
inline int64_t int_or(const json::object& o, std::string_view key, int64_t dflt) {
    auto it = o.find(json::string_view(key.data(), key.size()));
    if (it == o.end()) return dflt;
    if (it->value().is_int64()) return it->value().as_int64();
    if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
    if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
    return dflt;
}
// The mode spelt by o[key] among `modes` (absent or null: `dflt`); throws ConfigError naming the field, the
// stream, the value and the choices.
template <class Mode, size_t N>
Mode mode_at(const json::object& o, std::string_view key, const Mode (&modes)[N], Mode dflt, const std::string& where,
             const std::string& stream) {
    auto it = o.find(json::string_view(key.data(), key.size()));
    if (it == o.end() || it->value().is_null()) return dflt;
    std::string choices;
    for (size_t i = 0; i < N; ++i) {
        if (it->value().is_string() && it->value().as_string() == to_string(modes[i])) return modes[i];
        choices += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + to_string(modes[i]);
    }
    throw ConfigError(where + "." + std::string(key) + " (stream " + stream + ") must be " + choices + ", got " +
                      json::serialize(it->value()) + ": fix the configured catalog");
}
inline FieldPath path_of(const json::value& v, std::string_view where) {
    FieldPath p;
    if (v.is_string()) return {std::string(v.as_string())};
    if (!v.is_array()) throw ConfigError(std::string(where) + " must be an array of field names");
    for (const auto& part : v.as_array()) {
        if (!part.is_string()) throw ConfigError(std::string(where) + " must contain only strings");
        p.emplace_back(part.as_string());
    }
    return p;
}
}  // namespace detail

// The configured streams of a sync, looked up by (name, namespace).
class ConfiguredCatalog {
public:
    ConfiguredCatalog() = default;

    // Parses a ConfiguredAirbyteCatalog JSON text; throws ConfigError naming the bad field.
    static ConfiguredCatalog parse(std::string_view text) {
        ConfiguredCatalog cat;
        json::object root = parse_object(text, "catalog");
        auto it = root.find("streams");
        if (it == root.end() || !it->value().is_array()) throw ConfigError("catalog.streams must be an array");
        size_t i = 0;
        for (const auto& sv : it->value().as_array()) {
            std::string where = "catalog.streams[" + std::to_string(i++) + "]";
            if (!sv.is_object()) throw ConfigError(where + " must be an object");
            cat.streams_.push_back(parse_stream(sv.as_object(), where));
        }
        return cat;
    }

    const std::vector<ConfiguredStream>& streams() const noexcept { return streams_; }

    // The stream named `name` in namespace `ns` (empty: none), or nullptr.
    const ConfiguredStream* find(std::string_view name, std::string_view ns) const noexcept {
        for (const auto& s : streams_)
            if (s.name == name && (s.ns ? std::string_view(*s.ns) == ns : ns.empty())) return &s;
        return nullptr;
    }

private:
    static ConfiguredStream parse_stream(const json::object& o, const std::string& where) {
        ConfiguredStream s;
        auto st = o.find("stream");
        if (st == o.end() || !st->value().is_object()) throw ConfigError(where + ".stream must be an object");
        const json::object& so = st->value().as_object();
        s.name = detail::str_at(so, "name", where + ".stream");
        if (auto n = so.find("namespace"); n != so.end() && n->value().is_string())
            s.ns = std::string(n->value().as_string());
        if (auto js = so.find("json_schema"); js != so.end() && js->value().is_object())
            s.json_schema = js->value().as_object();
        static constexpr SyncMode kSyncModes[] = {SyncMode::FullRefresh, SyncMode::Incremental};
        s.sync_mode = detail::mode_at(o, "sync_mode", kSyncModes, SyncMode::FullRefresh, where, s.display_name());
        s.destination_sync_mode = detail::mode_at(o, "destination_sync_mode", kDestinationSyncModes,
                                                  DestinationSyncMode::Append, where, s.display_name());
        if (auto c = o.find("cursor_field"); c != o.end() && !c->value().is_null())
            s.cursor_field = detail::path_of(c->value(), where + ".cursor_field");
        if (auto pk = o.find("primary_key"); pk != o.end() && pk->value().is_array())
            for (const auto& p : pk->value().as_array())
                s.primary_key.push_back(detail::path_of(p, where + ".primary_key"));
        s.generation_id = detail::int_or(o, "generation_id", 0);
        s.minimum_generation_id = detail::int_or(o, "minimum_generation_id", 0);
        s.sync_id = detail::int_or(o, "sync_id", 0);
        if (auto r = o.find("connhost_resumable_overwrite"); r != o.end() && r->value().is_object())
            s.resumable_overwrite = resumable_of(r->value().as_object(), where + ".connhost_resumable_overwrite");
        return s;
    }

    // Throws ConfigError naming `where` unless attempt is a non-empty string.
    static ResumableOverwrite resumable_of(const json::object& o, const std::string& where) {
        ResumableOverwrite r;
        r.attempt = detail::str_at(o, "attempt", where);
        if (r.attempt.empty()) throw ConfigError(where + ".attempt must not be empty");
        auto rows = o.find("resume_rows");
        r.resume_rows = rows != o.end() && rows->value().is_bool() && rows->value().as_bool();
        if (auto st = o.find("resume_state"); r.resume_rows && st != o.end())
            r.resume_state = json::serialize(st->value());
        return r;
    }

    std::vector<ConfiguredStream> streams_;
};

}  // namespace connhost::sdk
