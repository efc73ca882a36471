#include "runtime/sync/sync_options.hpp"

#include "runtime/delivery_ledger.hpp"
#include "runtime/files.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

struct Reader {
    std::string file;
    fs::path dir;

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw std::runtime_error("connection file " + file + ": " + field + " " + what);
    }
    std::string path_of(const std::string& p) const {
        return fs::path(p).is_absolute() ? p : (dir / p).lexically_normal().string();
    }
    const json::object& object_at(const json::object& o, const char* key, const std::string& where) const {
        auto it = o.find(key);
        if (it == o.end() || !it->value().is_object()) fail(where + key, "must be an object");
        return it->value().as_object();
    }
    std::string string_at(const json::object& o, const char* key, const std::string& where) const {
        auto it = o.find(key);
        if (it == o.end() || !it->value().is_string()) fail(where + key, "must be a string");
        return std::string(it->value().as_string());
    }
    // The mode spelt by o[key] of stream `stream`; fails naming the field, the stream and the value.
    template <class Mode>
    Mode mode(const json::object& o, const char* key, const std::string& where, const std::string& stream) const {
        try {
            return protocol::parse_mode_or_throw<Mode>(string_at(o, key, where), where + key, stream);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("connection file " + file + ": " + e.what());
        }
    }
    // The config text of a "source" / "destination" entry: inline "config" or "config_file"; `origin` names it.
    std::string config_of(const json::object& side, const std::string& where, std::string& origin) const {
        origin = "connection file " + file + ": " + where + "config";
        if (auto c = side.find("config"); c != side.end()) {
            if (!c->value().is_object()) fail(where + "config", "must be an object");
            return json::serialize(c->value());
        }
        if (!side.contains("config_file")) return "{}";
        const std::string f = path_of(string_at(side, "config_file", where));
        origin = "connection file " + file + ": " + where + "config_file " + f;
        return read_file(f, where + "config_file");
    }
    // Entry `where` of "streams": a stream and the modes that override its defaults.
    StreamChoice stream_choice(const json::value& e, const std::string& where) const {
        if (!e.is_object()) fail(where, "must be an object");
        const auto& so = e.as_object();
        StreamChoice c;
        c.name = string_at(so, "name", where);
        if (so.contains("namespace")) c.ns = string_at(so, "namespace", where);
        if (so.contains("sync_mode")) c.sync_mode = mode<protocol::SyncMode>(so, "sync_mode", where, c.name);
        if (so.contains("destination_sync_mode"))
            c.destination_sync_mode = mode<protocol::DestinationSyncMode>(so, "destination_sync_mode", where, c.name);
        if (auto cf = so.find("cursor_field"); cf != so.end())
            c.cursor_field = strings(cf->value(), where + "cursor_field");
        if (auto pk = so.find("primary_key"); pk != so.end()) {
            if (!pk->value().is_array()) fail(where + "primary_key", "must be an array of field paths");
            std::vector<std::vector<std::string>> keys;
            for (const auto& k : pk->value().as_array()) keys.push_back(strings(k, where + "primary_key"));
            c.primary_key = std::move(keys);
        }
        return c;
    }
    std::vector<std::string> strings(const json::value& v, const std::string& where) const {
        if (!v.is_array()) fail(where, "must be an array of strings");
        std::vector<std::string> out;
        for (const auto& s : v.as_array()) {
            if (!s.is_string()) fail(where, "must be an array of strings");
            out.emplace_back(s.as_string());
        }
        return out;
    }
};

// The namespace mapping of a connection file (namespace_definition, namespace_format, stream_prefix).
NamespaceMapping namespace_mapping_of(const json::object& o, const Reader& r) {
    NamespaceMapping m;
    try {
        if (o.contains("namespace_definition"))
            m.definition =
                parse_namespace_definition(r.string_at(o, "namespace_definition", ""), "namespace_definition");
        if (o.contains("namespace_format")) m.format = r.string_at(o, "namespace_format", "");
        if (o.contains("stream_prefix")) m.prefix = r.string_at(o, "stream_prefix", "");
        check_namespace_mapping(m, "namespace_definition");
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("connection file " + r.file + ": " + e.what());
    }
    return m;
}

// "error_tolerance" and "dead_letter" of a connection file.
void read_tolerance(const json::object& o, const Reader& r, ToleranceOptions& t) {
    if (auto et = o.find("error_tolerance"); et != o.end()) {
        if (!et->value().is_string()) r.fail("error_tolerance", "must be \"none\" or \"all\"");
        try {
            t.tolerance = parse_error_tolerance(std::string_view(et->value().as_string()), "error_tolerance");
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("connection file " + r.file + ": " + e.what());
        }
    }
    if (o.contains("dead_letter")) t.dead_letter = r.path_of(r.string_at(o, "dead_letter", ""));
}

// "partition" of a connection file: "I/N".
Partition partition_of(const json::object& o, const Reader& r) {
    if (!o.contains("partition")) return {};
    try {
        return parse_partition(r.string_at(o, "partition", ""), "partition");
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("connection file " + r.file + ": " + e.what());
    }
}

}  // namespace

std::string sync_dead_letter_path(const SyncOptions& o) {
    return dead_letter_path(o.tolerance, o.state_file.empty() ? std::string() : o.state_file + ".dead_letter.jsonl");
}

SyncOptions read_connection_file(const std::string& path) {
    Reader r{path, fs::path(path).parent_path()};
    boost::system::error_code ec;
    json::value root = json::parse(read_file(path, "connection file"), ec);
    if (ec) throw std::runtime_error("connection file " + path + " is not valid JSON: " + ec.message());
    if (!root.is_object()) r.fail("the top level", "must be an object");
    const json::object& o = root.as_object();

    SyncOptions s;
    const json::object& src = r.object_at(o, "source", "");
    const json::object& dst = r.object_at(o, "destination", "");
    s.source = r.string_at(src, "plugin", "source.");
    s.destination = r.string_at(dst, "plugin", "destination.");
    s.source_config = r.config_of(src, "source.", s.source_config_origin);
    s.destination_config = r.config_of(dst, "destination.", s.destination_config_origin);
    if (s.source.find('/') != std::string::npos) s.source = r.path_of(s.source);
    if (s.destination.find('/') != std::string::npos) s.destination = r.path_of(s.destination);
    if (auto c = o.find("catalog"); c != o.end()) {
        if (!c->value().is_object()) r.fail("catalog", "must be an object");
        s.catalog = json::serialize(c->value());
        s.catalog_origin = "catalog in " + path;
    } else if (o.contains("catalog_file")) {
        std::string cp = r.path_of(r.string_at(o, "catalog_file", ""));
        s.catalog = read_file(cp, "catalog_file");
        s.catalog_origin = "catalog " + cp;
    }
    if (auto st = o.find("state_file"); st != o.end())
        s.state_file = r.path_of(r.string_at(o, "state_file", ""));
    else {
        s.state_file = path + ".state.json";
        s.default_state_file = true;
    }
    if (auto iso = o.find("isolate"); iso != o.end()) {
        if (!iso->value().is_bool()) r.fail("isolate", "must be true or false");
        s.isolate = iso->value().as_bool();
    }
    if (auto q = o.find("queue_mb"); q != o.end() && q->value().is_int64() && q->value().as_int64() > 0)
        s.queue_bytes = static_cast<size_t>(q->value().as_int64()) << 20;
    if (auto idle = o.find("idle_commit_seconds"); idle != o.end()) {
        if (!idle->value().is_number()) r.fail("idle_commit_seconds", "must be a number of seconds");
        try {
            s.idle_commit_ms =
                DeliveryLedger::idle_bound_from_seconds(idle->value().to_number<double>(), "idle_commit_seconds");
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("connection file " + path + ": " + e.what());
        }
    }
    if (auto m = o.find("max_record_mb"); m != o.end()) {
        try {
            s.max_record_bytes =
                protocol::max_record_bytes(m->value().is_int64() ? m->value().as_int64() : 0, "max_record_mb");
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("connection file " + path + ": " + e.what());
        }
    }
    s.namespaces = namespace_mapping_of(o, r);
    read_tolerance(o, r, s.tolerance);
    s.partition = partition_of(o, r);
    if (auto ss = o.find("streams"); ss != o.end()) {
        if (!ss->value().is_array()) r.fail("streams", "must be an array");
        size_t i = 0;
        for (const auto& e : ss->value().as_array()) {
            std::string where = "streams[" + std::to_string(i++) + "].";
            s.streams.push_back(r.stream_choice(e, where));
        }
    }
    return s;
}

void name_state_file_for_partition(SyncOptions& o) {
    static const std::string kSuffix = ".json";
    if (!o.default_state_file || !o.partition.active() || o.state_file.size() < kSuffix.size()) return;
    o.state_file.insert(o.state_file.size() - kSuffix.size(),
                        "." + std::to_string(o.partition.index) + "-of-" + std::to_string(o.partition.count));
}

}  // namespace connhost::runtime::sync
