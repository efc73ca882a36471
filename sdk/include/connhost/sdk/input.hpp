// Destination input: typed views over the batches and states the host delivers through next_input.
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/record_fields.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// One record of a batch: its data JSON text, emission time and optional meta JSON (empty: none).
struct RecordView {
    std::string_view json;
    int64_t emitted_at_ms;
    std::string_view meta;
    const connhost_field* fields = nullptr;  // the members of `json` the host found (see record_fields), or none
    uint32_t field_count = 0;
};

// Replaces `out` with the top-level members of the record's data object, in input order (duplicates kept): those the
// host found checking the record when it gave them, else scanned here. Throws std::invalid_argument if the data is
// not one object.
inline void record_fields(const RecordView& rec, std::vector<Field>& out) {
    if (!rec.fields || !fields_from_host(rec.json, rec.fields, rec.field_count, out)) scan_fields(rec.json, out);
}

// A borrowed batch of records of one stream; valid until the next next_input call.
class BatchView {
public:
    BatchView() = default;
    // `fields` and `field_offsets`: the records' members the host found (Host::batch_fields), or null.
    explicit BatchView(const connhost_record_batch* b, const connhost_field* fields = nullptr,
                       const uint64_t* field_offsets = nullptr) noexcept
        : b_(b), fields_(fields), field_offsets_(field_offsets) {}

    std::string_view stream() const noexcept { return {b_->stream, b_->stream_size}; }
    std::string_view ns() const noexcept { return b_->ns ? std::string_view(b_->ns, b_->ns_size) : std::string_view(); }
    size_t size() const noexcept { return b_->record_count; }
    size_t bytes() const noexcept { return b_->data_size; }
    // Record i, 0 <= i < size().
    RecordView operator[](size_t i) const noexcept {
        RecordView r{{b_->data + b_->offsets[i], static_cast<size_t>(b_->offsets[i + 1] - b_->offsets[i])},
                     b_->emitted_at ? b_->emitted_at[i] : 0,
                     {}};
        if (CONNHOST_HAS_FIELD(b_, connhost_record_batch, meta_size) && b_->meta && b_->meta_offsets)
            r.meta = {b_->meta + b_->meta_offsets[i],
                      static_cast<size_t>(b_->meta_offsets[i + 1] - b_->meta_offsets[i])};
        if (fields_ && field_offsets_[i + 1] >= field_offsets_[i]) {
            r.fields = fields_ + field_offsets_[i];
            r.field_count = static_cast<uint32_t>(field_offsets_[i + 1] - field_offsets_[i]);
        }
        return r;
    }
    const connhost_record_batch* raw() const noexcept { return b_; }

private:
    const connhost_record_batch* b_ = nullptr;
    const connhost_field* fields_ = nullptr;
    const uint64_t* field_offsets_ = nullptr;
};

// One input item: a batch, a state to acknowledge, a stream status, or IDLE (no input came for a while).
struct InputItem {
    connhost_input_kind kind = 0;  // CONNHOST_INPUT_*
    BatchView batch;               // RECORDS
    std::string_view json;         // STATE / STREAM_STATUS message JSON
    uint64_t state_id = 0;         // STATE
};

// Pulls input items in order; next() is false at the end, with status() saying why. Run thread.
class InputReader {
public:
    // `idle_ms` > 0: next() gives an IDLE item when no input came for that long (the host may wake it sooner).
    // `record_fields`: the batches carry the records' members when the host gives them (Host::keep_record_fields
    // asked for them before the first next()).
    explicit InputReader(Host host, uint32_t idle_ms = 0, bool record_fields = false) noexcept
        : host_(host), idle_ms_(idle_ms), record_fields_(record_fields) {}

    // Fills `item`; false when input ended (status() OK), broke, or was cancelled.
    bool next(InputItem& item) {
        if (status_ != CONNHOST_STATUS_OK || ended_) return false;
        connhost_input in{};
        in.wait_ms = idle_ms_;
        int32_t st = host_.next_input(in);
        if (st == CONNHOST_STATUS_END_OF_INPUT) {
            ended_ = true;
            return false;
        }
        if (st != CONNHOST_STATUS_OK) {
            status_ = st;
            return false;
        }
        item.kind = in.kind;
        const connhost_field* fields = nullptr;
        const uint64_t* field_offsets = nullptr;
        if (record_fields_ && in.kind == CONNHOST_INPUT_RECORDS) host_.batch_fields(fields, field_offsets);
        item.batch = BatchView(in.batch, fields, field_offsets);
        item.json = in.json ? std::string_view(in.json, in.json_size) : std::string_view();
        item.state_id = in.state_id;
        return true;
    }
    // OK after a clean end; otherwise the status that stopped the input.
    int32_t status() const noexcept { return status_; }

private:
    Host host_;
    uint32_t idle_ms_;
    bool record_fields_;
    int32_t status_ = CONNHOST_STATUS_OK;
    bool ended_ = false;
};

}  // namespace connhost::sdk
