// FakeHost: an in-memory connhost_host table for a connector's own unit tests, so they can drive a
// Destination or a Source without the connhost binary.
//
// A test scripts the input a destination pulls (record batches, states, stream statuses, IDLE, errors),
// runs the SDK's write loop over its Destination with write(), and reads back what crossed the table:
// acknowledged state ids, logs, the error message, and for sources the emitted records, states and messages.
// journal() lists every call into the host in order; the test's connector may add its own lines with note(),
// so one list shows, say, that an ack came after a commit. Single-threaded, like a run thread.
#pragma once
#include <connhost/plugin_api.h>
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/destination.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/source.hpp>
#include <connhost/sdk/state.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk::testing {

// One record batch a source emitted, copied.
struct EmittedBatch {
    std::string stream, ns;
    std::vector<std::string> records;  // each record's data JSON text
};

class FakeHost {
public:
    FakeHost() {
        table_.struct_size = sizeof(connhost_host);
        table_.abi_major = CONNHOST_ABI_MAJOR;
        table_.abi_minor = CONNHOST_ABI_MINOR;
        table_.host_data = this;
        table_.log = &cb_log;
        table_.set_error = &cb_set_error;
        table_.is_cancelled = &cb_is_cancelled;
        table_.emit_records = &cb_emit_records;
        table_.emit_state = &cb_emit_state;
        table_.emit_message = &cb_emit_message;
        table_.next_input = &cb_next_input;
        table_.ack_state = &cb_ack_state;
        table_.get_extension = &cb_get_extension;
    }
    FakeHost(const FakeHost&) = delete;  // the table points back at this object
    FakeHost& operator=(const FakeHost&) = delete;

    // The table to construct a connector with: `MyDestination d(fake.host());`.
    Host host() const noexcept { return Host(&table_); }
    const connhost_host* table() const noexcept { return &table_; }

    // ---- scripted input, delivered by next_input in the order pushed; then END_OF_INPUT ----
    // A batch of `records` (data JSON texts) of stream `stream` in namespace `ns` ("" for none).
    void push_records(std::string stream, std::vector<std::string> records, std::string ns = {}) {
        Scripted s(CONNHOST_INPUT_RECORDS);
        s.stream = std::move(stream), s.ns = std::move(ns), s.records = std::move(records);
        script_.push_back(std::move(s));
    }
    // An AirbyteStateMessage JSON text; returns the id the destination must acknowledge it with.
    uint64_t push_state(std::string json) {
        Scripted s(CONNHOST_INPUT_STATE);
        s.json = std::move(json);
        const uint64_t id = s.state_id = ++last_state_id_;
        script_.push_back(std::move(s));
        return id;
    }
    // A STREAM_STATUS trace for `stream` with `status` ("STARTED", "COMPLETE", ...).
    void push_stream_status(const std::string& stream, const std::string& status, const std::string& ns = {}) {
        Scripted s(CONNHOST_INPUT_STREAM_STATUS);
        s.json = R"({"stream_descriptor":{"name":)" + json_string(stream) +
            (ns.empty() ? std::string() : ",\"namespace\":" + json_string(ns)) + R"(},"status":")" + status + "\"}";
        script_.push_back(std::move(s));
    }
    // IDLE: no input for a while. Like the real host, delivered only to a caller that set wait_ms; skipped otherwise.
    void push_idle() { script_.emplace_back(CONNHOST_INPUT_IDLE); }
    // next_input returns `status` (CANCELLED, CONFIG, SYSTEM: the input broke) and then keeps returning it.
    void push_error(int32_t status) {
        Scripted s;
        s.status = status;
        script_.push_back(std::move(s));
    }
    // is_cancelled() answers true from now on.
    void cancel() noexcept { cancelled_ = true; }

    // ---- driving a connector ----
    // Runs the SDK's write loop over `dest`, as the write operation does; returns the status the plugin would
    // return (an Error becomes its status and error(); any other exception propagates to the test).
    int32_t write(Destination& dest, std::string_view config_json, std::string_view catalog_json) {
        return run_guarded([&] {
            return detail::run_destination(dest, parse_object(config_json, "config"),
                                           ConfiguredCatalog::parse(catalog_json));
        });
    }
    // Runs `src.read` over the catalog and state (a JSON array of AirbyteStateMessage, or "" for none).
    int32_t read(Source& src, std::string_view config_json, std::string_view catalog_json,
                 std::string_view state_json = {}) {
        return run_guarded([&] {
            src.read(parse_object(config_json, "config"), ConfiguredCatalog::parse(catalog_json),
                     StateMap::parse(state_json));
            return int32_t{CONNHOST_STATUS_OK};
        });
    }

    // ---- what crossed the table ----
    // Every host call in order ("next_input RECORDS users 2", "ack_state 3", "log 2 text", ...) and note()s.
    const std::vector<std::string>& journal() const noexcept { return journal_; }
    // Adds a line of the test's own to journal().
    void note(std::string line) { journal_.push_back(std::move(line)); }
    const std::vector<uint64_t>& acked() const noexcept { return acked_; }
    const std::string& error() const noexcept { return error_; }
    const std::vector<std::string>& logs() const noexcept { return logs_; }  // message texts, any level
    const std::vector<EmittedBatch>& emitted_records() const noexcept { return batches_; }
    const std::vector<std::string>& emitted_states() const noexcept { return states_; }
    const std::vector<std::pair<int32_t, std::string>>& emitted_messages() const noexcept { return messages_; }

private:
    struct Scripted {
        explicit Scripted(int32_t k = 0) : kind(k) {}
        int32_t kind;  // CONNHOST_INPUT_*, or 0 for an error status
        int32_t status = CONNHOST_STATUS_OK;
        std::string stream, ns, json;
        std::vector<std::string> records;
        uint64_t state_id = 0;
    };

    template <class F>
    int32_t run_guarded(F&& f) {
        try {
            return f();
        } catch (const Error& e) {
            error_ = e.what();
            return e.status();
        }
    }

    static FakeHost& self(const connhost_host* h) { return *static_cast<FakeHost*>(h->host_data); }

    // Lays the current batch out as the ABI wants it; valid until the next next_input.
    void fill_batch(connhost_input* in) {
        data_.clear();
        offsets_.assign(1, 0);
        for (const auto& r : current_.records) {
            data_ += r;
            offsets_.push_back(data_.size());
        }
        emitted_at_.assign(current_.records.size(), 1600000000000);
        batch_ = connhost_record_batch{};
        batch_.struct_size = sizeof batch_;
        batch_.record_count = static_cast<uint32_t>(current_.records.size());
        batch_.stream = current_.stream.data(), batch_.stream_size = current_.stream.size();
        batch_.ns = current_.ns.empty() ? nullptr : current_.ns.data(), batch_.ns_size = current_.ns.size();
        batch_.data = data_.data(), batch_.data_size = data_.size();
        batch_.offsets = offsets_.data();
        batch_.emitted_at = emitted_at_.data();
        in->batch = &batch_;
        journal_.push_back("next_input RECORDS " + current_.stream + " " + std::to_string(current_.records.size()));
    }

    int32_t next_input(connhost_input* in) {
        while (!script_.empty() && script_.front().kind == CONNHOST_INPUT_IDLE && in->wait_ms == 0) script_.pop_front();
        if (script_.empty()) {
            journal_.push_back("next_input END_OF_INPUT");
            return CONNHOST_STATUS_END_OF_INPUT;
        }
        if (script_.front().kind == 0) {
            journal_.push_back("next_input status " + std::to_string(script_.front().status));
            return script_.front().status;
        }
        current_ = std::move(script_.front());
        script_.pop_front();
        in->kind = current_.kind;
        in->batch = nullptr, in->json = nullptr, in->json_size = 0, in->state_id = 0;
        if (current_.kind == CONNHOST_INPUT_RECORDS) {
            fill_batch(in);
        } else if (current_.kind == CONNHOST_INPUT_IDLE) {
            journal_.push_back("next_input IDLE");
        } else {
            in->json = current_.json.data(), in->json_size = current_.json.size(), in->state_id = current_.state_id;
            if (current_.kind == CONNHOST_INPUT_STATE) delivered_state_ = current_.state_id;
            journal_.push_back(current_.kind == CONNHOST_INPUT_STATE
                                   ? "next_input STATE " + std::to_string(current_.state_id)
                                   : "next_input STREAM_STATUS " + current_.json);
        }
        return CONNHOST_STATUS_OK;
    }

    // Like the host: only a delivered state not acknowledged yet may be acknowledged.
    int32_t ack_state(uint64_t id) {
        journal_.push_back("ack_state " + std::to_string(id));
        if (id == 0 || id > delivered_state_ || (!acked_.empty() && id <= acked_.back())) {
            error_ = "ack_state: unknown or already acknowledged state id " + std::to_string(id);
            return CONNHOST_STATUS_CONFIG;
        }
        acked_.push_back(id);
        return CONNHOST_STATUS_OK;
    }

    static void cb_log(const connhost_host* h, int32_t level, const char* m, size_t n) {
        self(h).logs_.emplace_back(m, n);
        self(h).journal_.push_back("log " + std::to_string(level) + " " + std::string(m, n));
    }
    static void cb_set_error(const connhost_host* h, const char* m, size_t n) { self(h).error_.assign(m, n); }
    static int32_t cb_is_cancelled(const connhost_host* h) { return self(h).cancelled_ ? 1 : 0; }
    static int32_t cb_emit_records(const connhost_host* h, const connhost_record_batch* b) {
        FakeHost& f = self(h);
        if (f.cancelled_) return CONNHOST_STATUS_CANCELLED;
        EmittedBatch e{
            std::string(b->stream, b->stream_size), b->ns ? std::string(b->ns, b->ns_size) : std::string(), {}};
        for (uint32_t i = 0; i < b->record_count; ++i)
            e.records.emplace_back(b->data + b->offsets[i], static_cast<size_t>(b->offsets[i + 1] - b->offsets[i]));
        f.journal_.push_back("emit_records " + e.stream + " " + std::to_string(b->record_count));
        f.batches_.push_back(std::move(e));
        return CONNHOST_STATUS_OK;
    }
    static int32_t cb_emit_state(const connhost_host* h, const char* json, size_t n) {
        FakeHost& f = self(h);
        if (f.cancelled_) return CONNHOST_STATUS_CANCELLED;
        f.states_.emplace_back(json, n);
        f.journal_.push_back("emit_state " + f.states_.back());
        return CONNHOST_STATUS_OK;
    }
    static int32_t cb_emit_message(const connhost_host* h, int32_t type, const char* json, size_t n) {
        self(h).messages_.emplace_back(type, std::string(json, n));
        self(h).journal_.push_back("emit_message " + std::to_string(type));
        return CONNHOST_STATUS_OK;
    }
    static int32_t cb_next_input(const connhost_host* h, connhost_input* in) { return self(h).next_input(in); }
    static int32_t cb_ack_state(const connhost_host* h, uint64_t id) { return self(h).ack_state(id); }
    static const void* cb_get_extension(const connhost_host*, const char*) { return nullptr; }

    connhost_host table_{};
    std::deque<Scripted> script_;
    Scripted current_;
    connhost_record_batch batch_{};
    std::string data_;
    std::vector<uint64_t> offsets_;
    std::vector<int64_t> emitted_at_;
    uint64_t last_state_id_ = 0, delivered_state_ = 0;
    bool cancelled_ = false;

    std::vector<std::string> journal_, logs_, states_;
    std::vector<uint64_t> acked_;
    std::string error_;
    std::vector<EmittedBatch> batches_;
    std::vector<std::pair<int32_t, std::string>> messages_;
};

}  // namespace connhost::sdk::testing
