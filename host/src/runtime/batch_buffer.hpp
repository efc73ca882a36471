// BatchBuffer: an owned record batch of one stream that can be filled record by record and viewed through the ABI.
#pragma once
#include "protocol/stream_name.hpp"

#include <connhost/plugin_api.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::runtime {

// True when batch `b` carries meta texts.
bool has_meta(const connhost_record_batch& b) noexcept;
// Record `i` of batch `b`: its data text, and its meta text ("" when it has none).
std::string_view record_data(const connhost_record_batch& b, uint32_t i) noexcept;
std::string_view record_meta(const connhost_record_batch& b, uint32_t i) noexcept;

// The top-level members of a batch's records as the host found them checking the records (the plugin ABI's
// "connhost.record_fields/1"): record i's in fields[offsets[i]] up to fields[offsets[i + 1]].
struct BatchFields {
    const connhost_field* fields = nullptr;
    const uint64_t* offsets = nullptr;
};

// Owns the bytes of a batch; view() stays valid until the buffer is modified. Not thread-safe.
class BatchBuffer {
public:
    BatchBuffer() { clear(); }

    // Starts a new batch for (stream, ns); has_ns false means no namespace.
    void reset(std::string_view stream, bool has_ns, std::string_view ns);
    // Appends a record's data text, its emission time and its meta text (empty: none), with the members of its data
    // when the caller found them (`fields`; null: not found, and then the batch gives none, see fields()).
    void add(std::string_view data, int64_t emitted_at, std::string_view meta = {},
             const std::vector<connhost_field>* fields = nullptr);
    // Copies a whole batch (the same stream as this buffer), with its records' members when `fields` has them
    // (fields.offsets[0] == 0).
    void add_batch(const connhost_record_batch& b, int64_t default_emitted_at, const BatchFields& fields = {});
    // Makes this a batch of (stream, ns) holding one record whose data and meta are borrowed, not copied: they must
    // stay valid while view() is used. For a record too large to copy; the next reset() or clear() ends the borrow.
    void borrow(std::string_view stream, bool has_ns, std::string_view ns, std::string_view data, int64_t emitted_at,
                std::string_view meta = {});
    void clear();
    // Names the records held as another stream (the host's namespace mapping); the records themselves stay.
    void rename(std::string_view stream, bool has_ns, std::string_view ns);

    bool empty() const noexcept { return emitted_.empty(); }
    size_t size() const noexcept { return emitted_.size(); }
    // The bytes of the records' texts and of their members.
    size_t bytes() const noexcept { return data().size() + meta().size() + fields_.size() * sizeof(connhost_field); }
    // The memory held for records, whether in use or not (what a recycled buffer keeps).
    size_t capacity() const noexcept {
        return data_.capacity() + meta_.capacity() + fields_.capacity() * sizeof(connhost_field) +
            (offsets_.capacity() + meta_offsets_.capacity() + emitted_.capacity() + field_offsets_.capacity()) *
            sizeof(uint64_t);
    }
    // The members of every record (BatchFields), when each record was added with them; false otherwise.
    bool fields(BatchFields& out) const noexcept;
    bool same_stream(std::string_view stream, bool has_ns, std::string_view ns) const noexcept {
        return stream == stream_ && has_ns == has_ns_ && (!has_ns || ns == ns_);
    }
    const std::string& stream() const noexcept { return stream_; }
    bool has_ns() const noexcept { return has_ns_; }
    // The namespace; "" when the batch has none.
    std::string_view ns() const noexcept { return has_ns_ ? std::string_view(ns_) : std::string_view(); }
    // "ns.stream", or the stream alone without a namespace: for people.
    std::string display_name() const {
        return protocol::stream_display_name(has_ns_ ? ns_ : std::string_view(), stream_);
    }
    // The batch as the ABI struct, borrowing this buffer's memory.
    const connhost_record_batch& view();

private:
    // Appends a record's texts and emission time (add without its members).
    void add_texts(std::string_view data, int64_t emitted_at, std::string_view meta);
    // Appends the n texts of a batch's span (`from`, delimited by from_offsets[0..n]) to `text`, their ends to `ends`.
    static void append_span(std::string& text, std::vector<uint64_t>& ends, const char* from,
                            const uint64_t* from_offsets, uint32_t n);
    std::string_view data() const noexcept { return borrowed_ ? borrowed_data_ : std::string_view(data_); }
    std::string_view meta() const noexcept { return borrowed_ ? borrowed_meta_ : std::string_view(meta_); }

    std::string stream_, ns_;
    bool has_ns_ = false;
    std::string data_, meta_;
    std::vector<uint64_t> offsets_, meta_offsets_;
    std::vector<int64_t> emitted_;
    std::vector<connhost_field> fields_;   // the records' members, while fields_ok_
    std::vector<uint64_t> field_offsets_;  // record i's members start at fields_[field_offsets_[i]]
    bool fields_ok_ = true;                // every record so far came with its members
    bool any_meta_ = false;
    bool borrowed_ = false;
    std::string_view borrowed_data_, borrowed_meta_;
    connhost_record_batch view_{};
};

}  // namespace connhost::runtime
