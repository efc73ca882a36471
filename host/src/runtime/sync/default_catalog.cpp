#include "runtime/sync/default_catalog.hpp"

#include "protocol/json_member.hpp"
#include "protocol/stream_name.hpp"
#include "protocol/sync_modes.hpp"
#include "runtime/sync/partition_plan.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

// True when discovered stream `s` lists `wanted` in supported_sync_modes (`unlisted` when it has no such list).
bool supports(const json::object& s, protocol::SyncMode wanted, bool unlisted) {
    auto it = s.find("supported_sync_modes");
    if (it == s.end() || !it->value().is_array()) return unlisted;
    protocol::SyncMode mode{};
    for (const auto& m : it->value().as_array())
        if (m.is_string() && protocol::parse_mode(m.as_string(), mode) && mode == wanted) return true;
    return false;
}

json::value to_paths(const std::vector<std::vector<std::string>>& keys) {
    json::array a;
    for (const auto& k : keys) {
        json::array p;
        for (const auto& part : k) p.emplace_back(part);
        a.push_back(std::move(p));
    }
    return a;
}

json::object configure(const json::object& stream, const StreamChoice* choice, const DestinationTarget& target) {
    json::object c;
    c["stream"] = stream;
    json::value cursor = json::array();
    if (auto d = stream.find("default_cursor_field"); d != stream.end() && d->value().is_array()) cursor = d->value();
    json::value pk = json::array();
    if (auto d = stream.find("source_defined_primary_key"); d != stream.end() && d->value().is_array()) pk = d->value();
    const bool has_cursor = !cursor.as_array().empty() ||
        (stream.contains("source_defined_cursor") && stream.at("source_defined_cursor") == true);
    const bool incremental = supports(stream, protocol::SyncMode::Incremental, false) && has_cursor;
    using protocol::DestinationSyncMode;
    protocol::SyncMode sync_mode = incremental ? protocol::SyncMode::Incremental : protocol::SyncMode::FullRefresh;
    DestinationSyncMode dest_mode = incremental
        ? (pk.as_array().empty() ? DestinationSyncMode::Append : DestinationSyncMode::AppendDedup)
        : DestinationSyncMode::Overwrite;
    if (dest_mode == DestinationSyncMode::Overwrite && target.partitioned && splittable(stream))
        dest_mode = pk.as_array().empty() ? DestinationSyncMode::Append : DestinationSyncMode::AppendDedup;
    const std::string name = protocol::stream_display_name(protocol::string_member(stream, "namespace"),
                                                           protocol::string_member(stream, "name"));
    if (!choice || !choice->destination_sync_mode)
        dest_mode = fit_default_mode(dest_mode, sync_mode, target.modes, name, target.name);
    if (choice && choice->sync_mode && !supports(stream, *choice->sync_mode, true))
        throw std::invalid_argument("stream " + name + " is configured with sync_mode " +
                                    protocol::to_string(*choice->sync_mode) +
                                    ", which the source does not support (its supported_sync_modes are " +
                                    json::serialize(stream.at("supported_sync_modes")) + "): choose one of those");
    if (choice) {
        if (choice->cursor_field) {
            json::array a;
            for (const auto& p : *choice->cursor_field) a.emplace_back(p);
            cursor = std::move(a);
        }
        if (choice->primary_key) pk = to_paths(*choice->primary_key);
        if (choice->sync_mode) sync_mode = *choice->sync_mode;
        if (choice->destination_sync_mode) dest_mode = *choice->destination_sync_mode;
    }
    c["sync_mode"] = protocol::to_string(sync_mode);
    c["destination_sync_mode"] = protocol::to_string(dest_mode);
    c["cursor_field"] = cursor;
    c["primary_key"] = pk;
    return c;
}

// The discovered stream `choice` names: by name and namespace, or by name alone when the choice gives no
// namespace and only one discovered stream has that name.
const json::object& find_stream(const json::array& discovered, const StreamChoice& choice) {
    std::vector<const json::object*> by_name;
    std::string names;
    for (const auto& s : discovered) {
        if (!s.is_object()) continue;
        const auto& so = s.as_object();
        names += (names.empty() ? "" : ", ") +
            protocol::stream_display_name(protocol::string_member(so, "namespace"),
                                          protocol::string_member(so, "name"));
        if (protocol::string_member(so, "name") != choice.name) continue;
        if (choice.ns ? protocol::string_member(so, "namespace") == *choice.ns
                      : protocol::string_member(so, "namespace").empty())
            return so;
        by_name.push_back(&so);
    }
    if (!choice.ns && by_name.size() == 1) return *by_name.front();
    const std::string wanted = protocol::stream_display_name(choice.ns.value_or(""), choice.name);
    if (!choice.ns && by_name.size() > 1)
        throw std::runtime_error("stream \"" + wanted + "\" is in several namespaces of the source (" + names +
                                 "): give the stream's \"namespace\" too");
    throw std::runtime_error("stream \"" + wanted + "\" is not among the streams the source discovered (" + names +
                             "): fix the name, or run `connhost run --plugin <source> discover` to list them");
}

}  // namespace

std::string configure_catalog(std::string_view catalog_json, const std::vector<StreamChoice>& choices,
                              const DestinationTarget& target) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(catalog_json.data(), catalog_json.size()), ec);
    if (ec || !v.is_object() || !v.as_object().contains("streams") || !v.as_object().at("streams").is_array())
        throw std::runtime_error(
            "the source's discover did not return a catalog with \"streams\"; report this to the source's authors");
    const json::array& discovered = v.as_object().at("streams").as_array();
    json::array out;
    if (choices.empty()) {
        for (const auto& s : discovered)
            if (s.is_object()) out.push_back(configure(s.as_object(), nullptr, target));
    } else {
        for (const auto& choice : choices) out.push_back(configure(find_stream(discovered, choice), &choice, target));
    }
    json::object cat;
    cat["streams"] = std::move(out);
    return json::serialize(cat);
}

}  // namespace connhost::runtime::sync
