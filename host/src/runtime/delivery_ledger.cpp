#include "runtime/delivery_ledger.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/stream_name.hpp"
#include "protocol/trace_fields.hpp"

#include <stdexcept>

namespace connhost::runtime {

namespace {

// Whether AirbyteStateMessage `json` is of type STREAM (a malformed one is not).
bool is_stream_state(std::string_view json) {
    std::string type;
    try {
        protocol::JsonScanner s(json);
        s.expect('{', "a state object");
        s.members([&](std::string_view key) {
            if (key == "type" && s.peek() == '"')
                s.read_string(&type);
            else
                s.skip_value();
        });
    } catch (const std::exception&) {
        return false;
    }
    return type == "STREAM";
}

}  // namespace

DeliveryLedger::DeliveryLedger(const std::vector<protocol::CatalogStream>& streams, uint32_t idle_bound_ms)
    : idle_bound_ms_(idle_bound_ms) {
    add_streams(streams);
}

void DeliveryLedger::add_streams(const std::vector<protocol::CatalogStream>& streams) {
    for (const auto& c : streams)
        if (streams_.find(std::pair<std::string, std::string>(c.ns, c.name)) == streams_.end())
            streams_[{c.ns, c.name}].overwrite = c.destination_sync_mode == protocol::DestinationSyncMode::Overwrite;
}

uint32_t DeliveryLedger::idle_bound_from_seconds(double seconds, const std::string& what) {
    if (!(seconds > 0 && seconds <= 3600))
        throw std::invalid_argument(what + " must be more than 0 and at most 3600 seconds, not " +
                                    std::to_string(seconds));
    return static_cast<uint32_t>(seconds * 1000 + 0.5);
}

DeliveryLedger::Stream* DeliveryLedger::find(std::string_view ns, std::string_view name) {
    auto it = streams_.find(std::pair<std::string, std::string>(ns, name));
    return it == streams_.end() ? nullptr : &it->second;
}

bool DeliveryLedger::overwrite_open() const { return open_overwrites_ > 0; }

void DeliveryLedger::resumable_overwrite(const std::string& ns, const std::string& name) {
    if (Stream* s = find(ns, name); s && s->overwrite) s->resumable = true;
}

void DeliveryLedger::start(Stream& s) {
    if (s.phase != Phase::NotStarted) return;
    s.phase = Phase::Started;
    if (s.overwrite) ++(s.resumable ? open_resumable_ : open_overwrites_);
}

std::string DeliveryLedger::records(std::string_view ns, std::string_view name, uint64_t count) {
    Stream* s = find(ns, name);
    if (!s) return {};  // streams outside the catalog are refused where the records are read, with their own message
    if (s->phase == Phase::Complete || s->phase == Phase::Incomplete)
        return "a record for stream \"" + protocol::stream_display_name(ns, name) + "\" after its " +
            (s->phase == Phase::Complete ? "COMPLETE" : "INCOMPLETE") +
            " status: a stream's records must come before its final status (a bug in the source that wrote it)";
    start(*s);
    records_since_state_ += count;
    return {};
}

void DeliveryLedger::status(std::string_view stream_status_json) {
    protocol::StreamStatusFields f = protocol::stream_status_fields(stream_status_json);
    statuses_seen_ = true;
    Stream* s = find(f.ns, f.name);
    if (!s) return;  // a status of a stream not configured carries nothing for the destination
    s->has_status = true;
    if (f.status != "COMPLETE" && f.status != "INCOMPLETE") {
        start(*s);  // STARTED, RUNNING
        return;
    }
    if (s->phase == Phase::Complete) return;  // a repeated COMPLETE changes nothing
    const bool was_open = s->overwrite && s->phase == Phase::Started;
    s->phase = f.status == "COMPLETE" ? Phase::Complete : Phase::Incomplete;
    // An INCOMPLETE overwrite is never swapped in: it stays open, so states after it are not released early.
    if (s->phase != Phase::Complete || !was_open) return;
    --(s->resumable ? open_resumable_ : open_overwrites_);
    if (open_overwrites_ == 0 && open_resumable_ == 0) states_.overwrites_completed();
}

uint64_t DeliveryLedger::state(std::string json) {
    const bool gated = overwrite_open() || (open_resumable_ > 0 && !is_stream_state(json));
    uint64_t id = states_.add(std::move(json), records_since_state_, gated, rejected_since_state_);
    records_since_state_ = 0;
    rejected_since_state_ = 0;
    return id;
}

std::string DeliveryLedger::incomplete_at_end() const {
    if (!statuses_seen_) return {};  // legacy input: a clean end completes every stream
    std::string names;
    size_t n = 0;
    for (const auto& [key, s] : streams_) {
        if (s.phase == Phase::Complete || (!s.has_status && s.phase != Phase::NotStarted)) continue;
        if (n++) names += ", ";
        names += "\"" + protocol::stream_display_name(key.first, key.second) + "\"";
        names += s.phase == Phase::NotStarted ? " (never started)"
            : s.phase == Phase::Incomplete    ? " (INCOMPLETE)"
                                              : " (no COMPLETE status)";
    }
    if (n == 0) return {};
    return "the input ended before " + std::to_string(n) + (n == 1 ? " stream was" : " streams were") +
        " complete: " + names +
        ". Overwrite streams keep their previous data and no state after their first record was saved; "
        "give the destination the source's whole output (a cut pipe or a crashed source ends it early)";
}

}  // namespace connhost::runtime
