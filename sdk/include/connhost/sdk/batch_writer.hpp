// RecordBatchWriter: collects a source's records of one stream and hands them to the host in batches.
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// Buffers records of one stream; emits a batch when it holds max_bytes or max_records. Run thread.
// Nothing added is ever dropped: a state emitted through the host (or emit_state below) first hands over what
// is buffered, and what is still buffered when the writer is destroyed is handed over then.
class RecordBatchWriter final : private detail::PendingRecords {
public:
    RecordBatchWriter(Host host, std::string stream, std::string ns = {}, size_t max_bytes = 1 << 20,
                      size_t max_records = 4096)
        : host_(host),
          stream_(std::move(stream)),
          ns_(std::move(ns)),
          max_bytes_(max_bytes),
          max_records_(max_records) {
        offsets_.push_back(0);
        detail::pending_records().add(host_.raw(), static_cast<detail::PendingRecords*>(this));
    }
    RecordBatchWriter(const RecordBatchWriter&) = delete;
    RecordBatchWriter& operator=(const RecordBatchWriter&) = delete;
    ~RecordBatchWriter() {
        flush_pending();
        detail::pending_records().remove(static_cast<detail::PendingRecords*>(this));
    }

    // Appends one record, given as the JSON text of its data object (not validated here; the host checks).
    void add(std::string_view record_json, int64_t emitted_at_ms = 0) {
        data_.append(record_json);
        offsets_.push_back(data_.size());
        emitted_.push_back(emitted_at_ms ? emitted_at_ms : now_ms());
        if (data_.size() >= max_bytes_ || emitted_.size() >= max_records_) flush();
    }
    // Appends one record given as a JSON object.
    void add(const json::object& record, int64_t emitted_at_ms = 0) { add(json::serialize(record), emitted_at_ms); }

    // Emits whatever is buffered; throws when the host refuses (cancelled, or a broken batch).
    void flush() { throw_if_failed(flush_pending(), "emit_records"); }

    // Emits whatever is buffered, then the AirbyteStateMessage JSON `state` that covers it.
    void emit_state(std::string_view state) {
        flush();
        host_.emit_state(state);
    }

    // Records emitted so far (flushed ones).
    uint64_t total() const noexcept { return total_; }

    // Milliseconds since the Unix epoch.
    static int64_t now_ms() {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

private:
    // Hands what is buffered to the host and empties the buffer, whatever the host answers.
    int32_t flush_pending() noexcept override {
        if (emitted_.empty()) return CONNHOST_STATUS_OK;
        connhost_record_batch b{};
        b.struct_size = sizeof b;
        b.record_count = static_cast<uint32_t>(emitted_.size());
        b.stream = stream_.data();
        b.stream_size = stream_.size();
        b.ns = ns_.empty() ? nullptr : ns_.data();
        b.ns_size = ns_.size();
        b.data = data_.data();
        b.data_size = data_.size();
        b.offsets = offsets_.data();
        b.emitted_at = emitted_.data();
        const int32_t st = host_.raw()->emit_records(host_.raw(), &b);
        if (st == CONNHOST_STATUS_OK) total_ += emitted_.size();
        data_.clear();
        offsets_.assign(1, 0);
        emitted_.clear();
        return st;
    }

    Host host_;
    std::string stream_, ns_;
    size_t max_bytes_, max_records_;
    OutBuffer data_;  // the records' JSON texts, back to back
    std::vector<uint64_t> offsets_;
    std::vector<int64_t> emitted_;
    uint64_t total_ = 0;
};

}  // namespace connhost::sdk
