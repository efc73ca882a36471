#include "runtime/sync/resumable_overwrites.hpp"

#include "logging/log_setup.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/json_member.hpp"
#include "protocol/stream_name.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <random>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

// The configured streams of `catalog` that the source marks is_resumable.
std::set<StreamKey> resumable_by_source(std::string_view catalog) {
    std::set<StreamKey> out;
    json::value v = json::parse(json::string_view(catalog.data(), catalog.size()));
    const json::value* streams = v.as_object().if_contains("streams");
    if (!streams || !streams->is_array()) return out;
    for (const auto& cs : streams->as_array()) {
        const json::value* st = cs.is_object() ? cs.as_object().if_contains("stream") : nullptr;
        if (!st || !st->is_object()) continue;
        const json::object& so = st->as_object();
        if (!protocol::true_member(so, "is_resumable")) continue;
        out.insert({protocol::string_member(so, "namespace"), protocol::string_member(so, "name")});
    }
    return out;
}

// A new attempt id: 16 random hex digits.
std::string new_attempt() {
    std::random_device rd;
    std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

// Forgets the saved state of overwrite stream `c` (it is read from its start), logging it.
void restart(StateStore& store, const protocol::CatalogStream& c) {
    store.set_attempt(c.ns, c.name, "");
    if (store.forget_stream(c.ns, c.name))
        logging::host_log().info("stream {} is overwritten, so it is read from its start; its saved state is not used",
                                 protocol::stream_display_name(c.ns, c.name));
}

}  // namespace

bool spec_resumes_overwrites(std::string_view spec) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(spec.data(), spec.size()), ec);
    if (ec || !v.is_object()) return false;
    const json::value* f = v.as_object().if_contains("connhost_resumable_overwrite");
    return f && f->is_bool() && f->as_bool();
}

std::map<StreamKey, ResumableOverwrite> plan_resumable_overwrites(std::string_view catalog, bool destination_resumes,
                                                                  StateStore& store, bool has_file) {
    std::map<StreamKey, ResumableOverwrite> out;
    const auto streams = protocol::catalog_streams(catalog);
    const std::set<StreamKey> marked = resumable_by_source(catalog);
    bool all = destination_resumes && has_file;
    for (const auto& c : streams)
        if (c.destination_sync_mode == protocol::DestinationSyncMode::Overwrite && !marked.count({c.ns, c.name}))
            all = false;
    for (const auto& c : streams) {
        if (c.destination_sync_mode != protocol::DestinationSyncMode::Overwrite) {
            store.set_attempt(c.ns, c.name, "");  // a stream no longer overwritten has no staging to resume
            continue;
        }
        if (!all) {
            restart(store, c);
            continue;
        }
        ResumableOverwrite r;
        const std::string saved = store.stream_state(c.ns, c.name), attempt = store.attempt(c.ns, c.name);
        r.resume_rows = !attempt.empty() && !saved.empty() && saved != "{}" && saved != "null";
        if (r.resume_rows) {
            r.attempt = attempt;
            r.resume_state = saved;
            logging::host_log().info("stream {}: resuming its interrupted overwrite (attempt {}) after the saved state",
                                     protocol::stream_display_name(c.ns, c.name), attempt);
        } else {
            restart(store, c);
            r.attempt = new_attempt();
            store.set_attempt(c.ns, c.name, r.attempt);
        }
        out[{c.ns, c.name}] = std::move(r);
    }
    return out;
}

std::string add_resumable_overwrites(const std::string& dst_catalog, std::string_view catalog,
                                     const std::map<StreamKey, ResumableOverwrite>& resumable) {
    if (resumable.empty()) return dst_catalog;
    const auto streams = protocol::catalog_streams(catalog);
    json::value v = json::parse(dst_catalog);
    json::array& out = v.as_object().at("streams").as_array();
    for (size_t i = 0; i < streams.size() && i < out.size(); ++i) {
        auto it = resumable.find({streams[i].ns, streams[i].name});
        if (it == resumable.end() || !out[i].is_object()) continue;
        json::object r{{"attempt", it->second.attempt}, {"resume_rows", it->second.resume_rows}};
        if (it->second.resume_rows) r["resume_state"] = json::parse(it->second.resume_state);
        out[i].as_object()["connhost_resumable_overwrite"] = std::move(r);
    }
    return json::serialize(v);
}

}  // namespace connhost::runtime::sync
