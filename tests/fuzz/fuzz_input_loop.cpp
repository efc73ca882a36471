// libFuzzer target: `run write`'s whole input path on arbitrary lines. The bytes go through a memfd to
// protocol::LineReader, runtime::LineInputEvents (batches, DeliveryLedger, stream statuses, Singer) and
// runtime::InProcessConnector into the SDK's real destination loop (sdk::detail::run_destination, through
// CONNHOST_PLUGIN's trampolines) over an in-memory destination. Properties, besides no crash and no UB:
//  - a state is acknowledged only after the destination committed every record delivered before it, and each
//    echoed STATE line's destinationStats.recordCount is the number of records delivered since the state before;
//  - no records of a stream are delivered after its COMPLETE status (the input ends there instead);
//  - complete_stream never comes after an input error, and a successful write completed every stream;
//  - states echoed + states still pending (held back or unacknowledged) = states delivered.
// An optional first byte below 0x10 picks the run's shape (bit 0: the Singer catalog; bit 1: commit at every
// state; bit 2: tiny batches, so records are lent unbatched; bit 3: a small line limit and a tiny read block);
// otherwise the Airbyte catalog with the defaults.
#include "protocol/catalog_input.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/message_writer.hpp"
#include "runtime/in_process_connector.hpp"
#include "runtime/line_input_events.hpp"
#include "logging/log_setup.hpp"

#include <connhost/sdk/entry.hpp>

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace sdk = connhost::sdk;
namespace json = boost::json;
using connhost::runtime::LineInputEvents;

const char* const kAirbyteCatalog = R"({"streams":[
 {"stream":{"name":"users","namespace":"app","json_schema":{}},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]},
 {"stream":{"name":"events","json_schema":{}},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"},
 {"stream":{"name":"logs","json_schema":{}},"sync_mode":"full_refresh","destination_sync_mode":"append"}]})";
const char* const kSingerCatalog = R"({"streams":[
 {"stream":{"name":"users","json_schema":{}},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]},
 {"stream":{"name":"orders","json_schema":{}},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]})";

using StreamKey = std::pair<std::string, std::string>;  // (namespace, name)

// What one run delivered and what the destination did, as both sides saw it.
struct Observed {
    const LineInputEvents* events = nullptr;
    bool commit_every_state = false;
    uint64_t delivered = 0;               // records handed to the destination
    std::vector<uint64_t> before_state;   // [id - 1]: records delivered before state id
    std::set<StreamKey> status_complete;  // streams whose COMPLETE status was delivered
    uint64_t written = 0, committed = 0;  // records the destination wrote / made durable
    std::set<StreamKey> completed;        // streams the destination completed
    bool closed = false, closed_ok = false;
};
Observed obs;

StreamKey key_of(const sdk::ConfiguredStream& s) { return {s.ns.value_or(""), s.name}; }

// The in-memory destination: counts what it writes and commits, and checks the order of the loop's calls.
class MemDest final : public sdk::Destination {
public:
    using Destination::Destination;
    json::object spec() override { return {{"connectionSpecification", json::object{}}}; }
    void check(const json::object&) override {}
    void open(const json::object&, const sdk::ConfiguredCatalog&) override {}
    void write_batch(const sdk::ConfiguredStream& s, const sdk::BatchView& batch) override {
        require(!obs.closed && !obs.completed.count(key_of(s)));
        for (size_t i = 0; i < batch.size(); ++i) require(!batch[i].json.empty() && batch[i].json.front() == '{');
        obs.written += batch.size();
    }
    void commit() override { obs.committed = obs.written; }
    void complete_stream(const sdk::ConfiguredStream& s) override {
        require(obs.events->input_error().empty());  // never complete after the input broke
        require(obs.committed == obs.written);
        require(obs.completed.insert(key_of(s)).second);
    }
    void close(bool success) override {
        require(!obs.closed);
        obs.closed = true;
        obs.closed_ok = success;
    }
    sdk::CommitPolicy commit_policy() const override {
        return {obs.commit_every_state ? 0u : (64u << 20), 1e9, 0.0};  // never by time: runs repeat
    }
};

// The host side as InProcessConnector drives it: forwards to LineInputEvents and watches what goes through.
class Watch final : public connhost::runtime::ConnectorEvents {
public:
    explicit Watch(LineInputEvents& in) : in_(in) {}
    void on_log(int32_t level, std::string_view msg) override { in_.on_log(level, msg); }
    int32_t on_records(const connhost_record_batch& b) override { return in_.on_records(b); }
    int32_t on_state(std::string_view s) override { return in_.on_state(s); }
    int32_t on_message(int32_t t, std::string_view p) override { return in_.on_message(t, p); }
    bool cancelled() const override { return in_.cancelled(); }

    int32_t next_input(connhost_input& in, uint32_t wait_ms) override {
        const int32_t st = in_.next_input(in, wait_ms);
        if (st != CONNHOST_STATUS_OK) return st;
        if (in.kind == CONNHOST_INPUT_RECORDS) {
            const connhost_record_batch& b = *in.batch;
            StreamKey key{b.ns ? std::string(b.ns, b.ns_size) : std::string(), std::string(b.stream, b.stream_size)};
            require(!obs.status_complete.count(key));  // records after COMPLETE end the input instead
            obs.delivered += b.record_count;
        } else if (in.kind == CONNHOST_INPUT_STATE) {
            obs.before_state.push_back(obs.delivered);
            require(in.state_id == obs.before_state.size());
        } else if (in.kind == CONNHOST_INPUT_STREAM_STATUS) {
            note_status({in.json, in.json_size});
        }
        return st;
    }
    int32_t ack_state(uint64_t id) override {
        require(id >= 1 && id <= obs.before_state.size());
        require(obs.committed >= obs.before_state[id - 1]);  // the checkpoint rule
        return in_.ack_state(id);
    }

private:
    static void note_status(std::string_view text) {
        json::value v = json::parse(json::string_view(text.data(), text.size()));
        const json::object& o = v.as_object();
        if (!o.contains("status") || o.at("status") != "COMPLETE") return;
        const json::object& d = o.at("stream_descriptor").as_object();
        const json::value* ns = d.if_contains("namespace");
        obs.status_complete.insert({ns && ns->is_string() ? std::string(ns->as_string()) : std::string(),
                                    std::string(d.at("name").as_string())});
    }
    LineInputEvents& in_;
};

}  // namespace

CONNHOST_PLUGIN(MemDest, "fuzz_memory", "0", "in-memory destination of the input_loop fuzz target")

namespace {

// A memfd holding `bytes`, read from its start.
int memfd_with(std::string_view bytes) {
    int fd = memfd_create("fuzz", 0);
    require(fd >= 0);
    require(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    require(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    require(lseek(fd, 0, SEEK_SET) == 0);
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
}

// A LOG or TRACE message the host wrote. Not any object with a "type": a Singer state echoed as its bare value may
// have one ({"type": "LEGACY", ...}, found by this fuzzer).
bool is_log_or_trace(const json::value& v) {
    if (!v.is_object()) return false;
    const json::object& o = v.as_object();
    const json::value* type = o.if_contains("type");
    return type && ((*type == "LOG" && o.contains("log")) || (*type == "TRACE" && o.contains("trace")));
}

// Each echoed STATE is the next state delivered, counting the records delivered since the one before it.
uint64_t check_echoes(std::string_view out) {
    uint64_t k = 0;
    boost::system::error_code ec;
    while (!out.empty()) {
        const size_t nl = out.find('\n');
        // Through the oracle: a state is echoed as it came, and may hold a lone surrogate escape or nest deeper than
        // Boost.JSON's default 32, both valid JSON that json::parse refuses (found by this fuzzer).
        bool overflow = false;
        const std::optional<json::value> parsed = oracle_parse(out.substr(0, nl), &overflow);
        out.remove_prefix(nl + 1);
        require(parsed || overflow);  // every line is JSON (1e<100 digits> too, which Boost cannot hold)
        if (parsed && is_log_or_trace(*parsed)) continue;
        require(++k <= obs.before_state.size());
        if (!parsed) continue;  // a number Boost cannot hold only comes in an echoed state: no count to read
        const json::value& v = *parsed;
        // A Singer STATE is echoed as its bare value (what a Singer target prints), with no count to check.
        const json::value* stats = v.is_object() ? v.find_pointer("/state/destinationStats", ec) : nullptr;
        if (!stats || v.as_object().at("type") != "STATE") continue;
        const uint64_t since = obs.before_state[k - 1] - (k > 1 ? obs.before_state[k - 2] : 0);
        require(stats->at("recordCount").to_number<uint64_t>() == since);
    }
    return k;
}

void run(std::string_view input, uint8_t shape) {
    obs = Observed{};
    obs.commit_every_state = shape & 2;
    const std::string catalog = (shape & 1) ? kSingerCatalog : kAirbyteCatalog;
    const bool tight = shape & 8;
    int in_fd = memfd_with(input), out_fd = memfd_with({});
    {
        connhost::protocol::MessageWriter out(out_fd, 4096);
        connhost::protocol::LineReader lines(in_fd, "stdin", tight ? 300 : 1 << 20, tight ? 7 : 4096);
        LineInputEvents events(out, "fuzz", lines, connhost::protocol::catalog_streams(catalog), 1000,
                               (shape & 4) ? 24 : 1 << 20);
        obs.events = &events;
        Watch watch(events);
        connhost::loader::LoadedPlugin plugin{connhost_plugin_entry_v1(), {}};
        connhost::runtime::InProcessConnector conn(plugin, 1 << 20);
        connhost::runtime::Outcome outcome = conn.write(watch, "{}", catalog);

        require(obs.closed && obs.closed_ok == outcome.ok());
        if (!events.input_error().empty()) require(!outcome.ok());
        if (outcome.ok()) {
            require(obs.completed.size() == connhost::protocol::catalog_streams(catalog).size());
            events.finish();
        }
        require(events.records() == obs.delivered && obs.written == obs.delivered);
        out.flush();
        const uint64_t echoed = check_echoes(read_all(out_fd));
        require(echoed == events.states_acknowledged());
        require(echoed + events.states_pending() == obs.before_state.size());
        if (std::getenv("FUZZ_VERBOSE"))
            std::fprintf(stderr,
                         "outcome %d (%s) input_error \"%s\": %llu records, %zu states, %llu echoed, %zu completed\n",
                         outcome.status, outcome.message.c_str(), events.input_error().c_str(),
                         static_cast<unsigned long long>(obs.delivered), obs.before_state.size(),
                         static_cast<unsigned long long>(echoed), obs.completed.size());
    }
    close(in_fd);
    close(out_fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    connhost::logging::init_logging(connhost::logging::LogFormat::Text, spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    uint8_t shape = 0;
    if (!input.empty() && static_cast<uint8_t>(input[0]) < 0x10) {
        shape = static_cast<uint8_t>(input[0]);
        input.remove_prefix(1);
    }
    run(input, shape);
    return 0;
}
