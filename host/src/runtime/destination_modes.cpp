#include "runtime/destination_modes.hpp"

#include "logging/log_setup.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/json_member.hpp"
#include "protocol/stream_name.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace connhost::runtime {

namespace json = boost::json;
using protocol::DestinationSyncMode;

DestinationModes::DestinationModes(std::string_view spec) {
    boost::system::error_code ec;
    const json::value v = json::parse(json::string_view(spec.data(), spec.size()), ec);
    const json::value* list =
        !ec && v.is_object() ? v.as_object().if_contains("supported_destination_sync_modes") : nullptr;
    if (!list || !list->is_array()) return;
    DestinationSyncMode m{};
    for (const auto& e : list->as_array())
        if (e.is_string() && protocol::parse_mode(e.as_string(), m)) listed_.push_back(m);
}

bool DestinationModes::supports(DestinationSyncMode m) const {
    return listed_.empty() || std::find(listed_.begin(), listed_.end(), m) != listed_.end();
}

std::string DestinationModes::describe() const {
    if (listed_.empty()) return "every mode";
    std::string out;
    for (auto m : listed_) out += (out.empty() ? "" : ", ") + std::string(protocol::to_string(m));
    return out;
}

std::optional<DestinationSyncMode> DestinationModes::best_default(DestinationSyncMode wanted) const {
    using M = DestinationSyncMode;
    std::vector<M> order = {M::AppendDedup, M::Append, M::Overwrite};
    if (wanted == M::Overwrite) order = {M::Overwrite, M::Append};
    if (wanted == M::Append) order = {M::Append, M::Overwrite};
    if (wanted != M::AppendDedup && wanted != M::Append && wanted != M::Overwrite) order = {wanted};
    for (M m : order)
        if (supports(m)) return m;
    return std::nullopt;
}

namespace {

std::string stream_name(const json::object& configured) {
    const json::value* s = configured.if_contains("stream");
    if (!s || !s->is_object()) return {};
    return protocol::stream_display_name(protocol::string_member(s->as_object(), "namespace"),
                                         protocol::string_member(s->as_object(), "name"));
}

}  // namespace

DestinationSyncMode fit_default_mode(DestinationSyncMode wanted, protocol::SyncMode& sync_mode,
                                     const DestinationModes& modes, const std::string& stream,
                                     const std::string& destination) {
    const auto best = modes.best_default(wanted);
    if (!best)
        throw std::invalid_argument("destination " + destination +
                                    " supports none of append_dedup, append and overwrite (its spec lists " +
                                    modes.describe() + "), so stream " + stream + " cannot be written");
    if (*best == wanted) return wanted;
    if (*best == DestinationSyncMode::Overwrite) sync_mode = protocol::SyncMode::FullRefresh;
    logging::host_log().info("stream {} is written {} rather than {}: destination {} supports {}", stream,
                             protocol::to_string(*best), protocol::to_string(wanted), destination, modes.describe());
    return *best;
}

std::string fit_default_modes(std::string_view catalog, const DestinationModes& modes, const std::string& destination) {
    json::value v = json::parse(json::string_view(catalog.data(), catalog.size()));
    for (auto& s : v.as_object()["streams"].as_array()) {
        json::object& c = s.as_object();
        const std::string name = stream_name(c);
        const std::string dest = protocol::string_member(c, "destination_sync_mode"),
                          read = protocol::string_member(c, "sync_mode");
        auto sync_mode =
            protocol::parse_mode_or_throw<protocol::SyncMode>(read.empty() ? "full_refresh" : read, "sync_mode", name);
        const auto wanted = protocol::parse_mode_or_throw<DestinationSyncMode>(dest.empty() ? "append" : dest,
                                                                               "destination_sync_mode", name);
        const DestinationSyncMode fitted = fit_default_mode(wanted, sync_mode, modes, name, destination);
        if (fitted == wanted) continue;
        c["destination_sync_mode"] = protocol::to_string(fitted);
        c["sync_mode"] = protocol::to_string(sync_mode);
    }
    return json::serialize(v);
}

void require_supported_modes(std::string_view catalog, const DestinationModes& modes, const std::string& destination) {
    for (const auto& c : protocol::catalog_streams(catalog))
        if (!modes.supports(c.destination_sync_mode))
            throw std::invalid_argument(
                "stream " + protocol::stream_display_name(c.ns, c.name) + " is configured with destination_sync_mode " +
                protocol::to_string(c.destination_sync_mode) + ", which destination " + destination +
                " does not support (its spec lists " + modes.describe() + "): configure one of those modes");
}

}  // namespace connhost::runtime
