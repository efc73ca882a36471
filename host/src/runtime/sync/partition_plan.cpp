#include "runtime/sync/partition_plan.hpp"

#include "protocol/json_member.hpp"
#include "protocol/stream_name.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

bool parse_u32(std::string_view s, uint32_t& out) {
    if (s.empty()) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

bool is_overwrite(const json::object& configured) {
    return protocol::string_member(configured, "destination_sync_mode") == "overwrite";
}

}  // namespace

bool splittable(const json::object& stream) { return protocol::true_member(stream, "connhost_splittable"); }

Partition parse_partition(std::string_view text, const std::string& flag) {
    const auto fail = [&](const std::string& why) {
        throw std::invalid_argument(flag + " \"" + std::string(text) + "\" " + why +
                                    ": pass I/N, worker I (0-based) of N workers, e.g. 0/3 .. 2/3 (in a Kubernetes "
                                    "Indexed Job: $(JOB_COMPLETION_INDEX)/N with N the Job's completions)");
    };
    const size_t slash = text.find('/');
    Partition p;
    if (slash == std::string_view::npos || !parse_u32(text.substr(0, slash), p.index) ||
        !parse_u32(text.substr(slash + 1), p.count))
        fail("is not I/N");
    if (p.count < 1) fail("has N < 1");
    if (p.index >= p.count) fail("has I >= N (workers are numbered 0 to N-1)");
    return p;
}

uint32_t stream_worker(std::string_view ns, std::string_view name, uint32_t count) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a 64
    for (char c : protocol::stream_display_name(ns, name)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    // FNV's low bits follow the parity of the bytes (mod 2 would put "users", "products" and "purchases" on one
    // worker): MurmurHash3's 64-bit finalizer mixes every bit into all.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return count ? static_cast<uint32_t>(h % count) : 0;
}

PartitionPlan::PartitionPlan(Partition p, std::string_view configured_catalog) : p_(p) {
    json::value doc = json::parse(json::string_view(configured_catalog.data(), configured_catalog.size()));
    json::array kept;
    for (json::value& cs : doc.as_object()["streams"].as_array()) {
        const json::object& s = cs.as_object().at("stream").as_object();
        std::pair<std::string, std::string> key{protocol::string_member(s, "namespace"),
                                                protocol::string_member(s, "name")};
        Entry e;
        e.split = p.active() && splittable(s);
        e.mine = !p.active() || e.split || stream_worker(key.first, key.second, p.count) == p.index;
        if (e.split && is_overwrite(cs.as_object()))
            throw std::invalid_argument(
                "--partition " + p.text() + ": stream " + protocol::stream_display_name(key.first, key.second) +
                " is split over the workers but its destination_sync_mode is overwrite, so each worker would replace "
                "the rows of the others: give it append or append_dedup (connection file \"streams\" or --catalog)");
        if (e.mine) kept.push_back(cs);
        order_.push_back(key);
        streams_[key] = e;
    }
    doc.as_object()["streams"] = std::move(kept);
    catalog_ = p.active() ? json::serialize(doc) : std::string(configured_catalog);
}

std::vector<std::string> PartitionPlan::describe() const {
    std::vector<std::string> out;
    for (const auto& key : order_) {
        const Entry& e = streams_.at(key);
        const std::string name = protocol::stream_display_name(key.first, key.second);
        if (e.split)
            out.push_back(name + ": slice " + std::to_string(p_.index) + " of " + std::to_string(p_.count));
        else if (e.mine)
            out.push_back(name + ": whole, on this worker");
        else
            out.push_back(name + ": whole, on worker " +
                          std::to_string(stream_worker(key.first, key.second, p_.count)));
    }
    return out;
}

bool PartitionPlan::slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) {
    auto it = streams_.find({std::string(ns), std::string(name)});
    if (it == streams_.end() || !it->second.mine) return false;
    it->second.asked = true;
    index = it->second.split ? p_.index : 0;
    count = it->second.split ? p_.count : 1;
    return true;
}

std::string PartitionPlan::slice_problem(std::string_view ns, std::string_view name) {
    return "the source asked for the slice of stream \"" + protocol::stream_display_name(ns, name) +
        "\", which is not in this worker's catalog (a bug in the source; report it to its authors)";
}

std::string PartitionPlan::emit_problem(std::string_view ns, std::string_view name, const std::string& source) const {
    if (!p_.active()) return "";  // nothing is split: no lookup per batch
    auto it = streams_.find({std::string(ns), std::string(name)});
    if (it == streams_.end() || !it->second.split || it->second.asked) return "";
    return "source " + source + " marks stream " + protocol::stream_display_name(ns, name) +
        " connhost_splittable but emitted its records without asking for its slice (host extension "
        "connhost.partition/1), so every worker would read all of it: fix the source, or run without --partition";
}

}  // namespace connhost::runtime::sync
