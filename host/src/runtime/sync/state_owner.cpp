#include "runtime/sync/state_owner.hpp"

#include "logging/log_setup.hpp"
#include "protocol/json_member.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

// FNV-1a, 64 bits, as 16 hex digits: stable across builds and platforms (std::hash is not).
std::string fnv1a64(std::string_view text) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// The config values whose spec property says "connhost_target": true (top-level properties).
json::object target_fields(std::string_view spec_text, std::string_view config_text, bool& any_marked) {
    json::object target;
    any_marked = false;
    boost::system::error_code ec;
    json::value spec = json::parse(json::string_view(spec_text.data(), spec_text.size()), ec);
    if (ec || !spec.is_object()) return target;
    json::value config = json::parse(json::string_view(config_text.data(), config_text.size()), ec);
    if (ec || !config.is_object()) return target;
    const json::value* props = spec.as_object().if_contains("connectionSpecification");
    props = props && props->is_object() ? props->as_object().if_contains("properties") : nullptr;
    if (!props || !props->is_object()) return target;
    for (const auto& p : props->as_object()) {
        const json::value* mark =
            p.value().is_object() ? p.value().as_object().if_contains("connhost_target") : nullptr;
        if (!mark || !mark->is_bool() || !mark->as_bool()) continue;
        any_marked = true;
        const json::value* v = config.as_object().if_contains(p.key());
        target[p.key()] = v ? *v : json::value(nullptr);
    }
    return target;
}

std::string describe(const json::object& target) {
    return target.empty() ? "(no target fields)" : json::serialize(target);
}

}  // namespace

json::object StateOwner::to_json() const {
    json::object o;
    o["source"] = json::object{{"plugin", source_plugin}, {"config_hash", source_config_hash}};
    json::object dst{{"plugin", destination_plugin}};
    if (target_known) dst["target"] = destination_target;
    o["destination"] = std::move(dst);
    json::array names;
    for (const auto& s : streams) names.emplace_back(s);
    o["streams"] = std::move(names);
    if (!partition.empty()) o["partition"] = partition;
    return o;
}

StateOwner StateOwner::from_json(const json::value& v, const std::string& file) {
    auto bad = [&](const char* what) { return std::runtime_error("state file " + file + ": owner." + what); };
    if (!v.is_object()) throw bad(" must be an object");
    const json::object& o = v.as_object();
    const json::value* src = o.if_contains("source");
    const json::value* dst = o.if_contains("destination");
    if (!src || !src->is_object() || !dst || !dst->is_object())
        throw bad("source and owner.destination must be objects");
    StateOwner w;
    w.source_plugin = protocol::string_member(src->as_object(), "plugin");
    w.source_config_hash = protocol::string_member(src->as_object(), "config_hash");
    w.destination_plugin = protocol::string_member(dst->as_object(), "plugin");
    if (const json::value* t = dst->as_object().if_contains("target")) {
        if (!t->is_object()) throw bad("destination.target must be an object");
        w.destination_target = t->as_object();
        w.target_known = true;
    }
    if (const json::value* ss = o.if_contains("streams"); ss && ss->is_array())
        for (const auto& s : ss->as_array())
            if (s.is_string()) w.streams.emplace_back(s.as_string());
    if (const json::value* p = o.if_contains("partition"); p && p->is_string()) w.partition = p->as_string();
    return w;
}

StateOwner state_owner_of(const std::string& source_plugin, std::string_view source_config,
                          const std::string& destination_plugin, std::string_view destination_spec,
                          std::string_view destination_config, std::vector<std::string> streams) {
    StateOwner w;
    w.source_plugin = source_plugin;
    w.source_config_hash = fnv1a64(source_config);
    w.destination_plugin = destination_plugin;
    w.destination_target = target_fields(destination_spec, destination_config, w.target_known);
    w.streams = std::move(streams);
    return w;
}

void check_state_owner(const StateOwner& saved, const StateOwner& now, const std::string& state_file) {
    const std::string fresh =
        ". To start this target from scratch, pass --reset-state (or name another --state-file); "
        "to resume, sync into what the state file was written for";
    if (saved.destination_plugin != now.destination_plugin)
        throw std::runtime_error("state file " + state_file + " was written for destination " +
                                 saved.destination_plugin + ", but this sync writes with " + now.destination_plugin +
                                 fresh);
    if (saved.source_plugin != now.source_plugin)
        throw std::runtime_error("state file " + state_file + " was written for source " + saved.source_plugin +
                                 ", but this sync reads with " + now.source_plugin + fresh);
    if (saved.partition != now.partition)
        throw std::runtime_error(
            "state file " + state_file + " was written by " +
            (saved.partition.empty() ? std::string("an unpartitioned sync") : "worker " + saved.partition) +
            ", but this sync is " + (now.partition.empty() ? std::string("unpartitioned") : "worker " + now.partition) +
            ": its states hold positions of another slice. Give each worker its own --state-file (e.g. "
            "state-$(JOB_COMPLETION_INDEX).json), or pass --reset-state to start this one from scratch");
    if (saved.target_known && now.target_known && saved.destination_target != now.destination_target)
        throw std::runtime_error("state file " + state_file + " was written for the target " +
                                 describe(saved.destination_target) + " of " + now.destination_plugin +
                                 ", but this sync writes to " + describe(now.destination_target) +
                                 ": its states would skip records that target never received" + fresh);
    auto& log = logging::host_log();
    if (!now.target_known)
        log.debug(
            "destination {} marks no config field as its target (connhost_target); the state file cannot tell its "
            "targets apart",
            now.destination_plugin);
    if (!saved.source_config_hash.empty() && saved.source_config_hash != now.source_config_hash)
        log.info("the source config changed since state file {} was written; resuming from it all the same",
                 state_file);
    if (!saved.streams.empty() && saved.streams != now.streams)
        log.info("the configured streams changed since state file {} was written; streams new to it start from scratch",
                 state_file);
}

}  // namespace connhost::runtime::sync
