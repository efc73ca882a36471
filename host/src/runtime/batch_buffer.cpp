#include "runtime/batch_buffer.hpp"

#include <stdexcept>

namespace connhost::runtime {

std::string_view record_data(const connhost_record_batch& b, uint32_t i) noexcept {
    return {b.data + b.offsets[i], static_cast<size_t>(b.offsets[i + 1] - b.offsets[i])};
}

bool has_meta(const connhost_record_batch& b) noexcept {
    return CONNHOST_HAS_FIELD(&b, connhost_record_batch, meta_size) && b.meta && b.meta_offsets;
}

std::string_view record_meta(const connhost_record_batch& b, uint32_t i) noexcept {
    if (!has_meta(b)) return {};
    return {b.meta + b.meta_offsets[i], static_cast<size_t>(b.meta_offsets[i + 1] - b.meta_offsets[i])};
}

void BatchBuffer::clear() {
    data_.clear();
    meta_.clear();
    offsets_.assign(1, 0);
    meta_offsets_.assign(1, 0);
    emitted_.clear();
    fields_.clear();
    field_offsets_.assign(1, 0);
    fields_ok_ = true;
    any_meta_ = false;
    borrowed_ = false;
    borrowed_data_ = borrowed_meta_ = {};
}

void BatchBuffer::reset(std::string_view stream, bool has_ns, std::string_view ns) {
    clear();
    rename(stream, has_ns, ns);
}

void BatchBuffer::rename(std::string_view stream, bool has_ns, std::string_view ns) {
    stream_.assign(stream);
    has_ns_ = has_ns;
    ns_.assign(has_ns ? ns : std::string_view());
}

void BatchBuffer::add(std::string_view data, int64_t emitted_at, std::string_view meta,
                      const std::vector<connhost_field>* fields) {
    if (borrowed_) throw std::logic_error("BatchBuffer::add on a borrowed record: reset() first");
    if (!fields) {
        fields_ok_ = false;
        fields_.clear();
    } else if (fields_ok_) {
        fields_.insert(fields_.end(), fields->begin(), fields->end());
        field_offsets_.push_back(fields_.size());
    }
    add_texts(data, emitted_at, meta);
}

void BatchBuffer::add_texts(std::string_view data, int64_t emitted_at, std::string_view meta) {
    data_.append(data);
    offsets_.push_back(data_.size());
    emitted_.push_back(emitted_at);
    if (!meta.empty()) {
        meta_.append(meta);
        any_meta_ = true;
    }
    meta_offsets_.push_back(meta_.size());
}

void BatchBuffer::add_batch(const connhost_record_batch& b, int64_t default_emitted_at, const BatchFields& fields) {
    // One allocation for the whole batch, not a doubling per record (each one copying what the buffer held).
    if (b.record_count && data_.capacity() < data_.size() + b.data_size) data_.reserve(data_.size() + b.data_size);
    if (offsets_.capacity() < offsets_.size() + b.record_count) {
        offsets_.reserve(offsets_.size() + b.record_count);
        meta_offsets_.reserve(meta_offsets_.size() + b.record_count);
        emitted_.reserve(emitted_.size() + b.record_count);
    }
    if (fields_ok_ && fields.fields && fields.offsets) {
        fields_.insert(fields_.end(), fields.fields, fields.fields + fields.offsets[b.record_count]);
        const uint64_t base = field_offsets_.back();
        for (uint32_t i = 1; i <= b.record_count; ++i) field_offsets_.push_back(base + fields.offsets[i]);
    } else {
        fields_ok_ = false;
        fields_.clear();
    }
    const uint32_t n = b.record_count;
    if (n == 0) return;
    // The batch's texts lie back to back: one copy of each span, the offsets moved by where it lands (what add_texts
    // does record by record, at a tenth of the cost).
    append_span(data_, offsets_, b.data, b.offsets, n);
    if (has_meta(b)) {
        any_meta_ = any_meta_ || b.meta_offsets[n] != b.meta_offsets[0];
        append_span(meta_, meta_offsets_, b.meta, b.meta_offsets, n);
    } else {
        meta_offsets_.insert(meta_offsets_.end(), n, meta_.size());
    }
    if (b.emitted_at)
        emitted_.insert(emitted_.end(), b.emitted_at, b.emitted_at + n);
    else
        emitted_.insert(emitted_.end(), n, default_emitted_at);
}

void BatchBuffer::append_span(std::string& text, std::vector<uint64_t>& ends, const char* from,
                              const uint64_t* from_offsets, uint32_t n) {
    const uint64_t first = from_offsets[0], base = text.size();
    text.append(from + first, static_cast<size_t>(from_offsets[n] - first));
    for (uint32_t i = 1; i <= n; ++i) ends.push_back(base + from_offsets[i] - first);
}

void BatchBuffer::borrow(std::string_view stream, bool has_ns, std::string_view ns, std::string_view data,
                         int64_t emitted_at, std::string_view meta) {
    reset(stream, has_ns, ns);
    borrowed_ = true;
    fields_ok_ = false;
    borrowed_data_ = data;
    borrowed_meta_ = meta;
    offsets_.push_back(data.size());
    meta_offsets_.push_back(meta.size());
    emitted_.push_back(emitted_at);
    any_meta_ = !meta.empty();
}

bool BatchBuffer::fields(BatchFields& out) const noexcept {
    if (!fields_ok_ || borrowed_ || emitted_.empty()) return false;
    out.fields = fields_.data();
    out.offsets = field_offsets_.data();
    return true;
}

const connhost_record_batch& BatchBuffer::view() {
    view_ = {};
    view_.struct_size = sizeof view_;
    view_.record_count = static_cast<uint32_t>(emitted_.size());
    view_.stream = stream_.data();
    view_.stream_size = stream_.size();
    view_.ns = has_ns_ ? ns_.data() : nullptr;
    view_.ns_size = has_ns_ ? ns_.size() : 0;
    view_.data = data().data();
    view_.data_size = data().size();
    view_.offsets = offsets_.data();
    view_.emitted_at = emitted_.data();
    view_.meta = any_meta_ ? meta().data() : nullptr;
    view_.meta_offsets = any_meta_ ? meta_offsets_.data() : nullptr;
    view_.meta_size = any_meta_ ? meta().size() : 0;
    return view_;
}

}  // namespace connhost::runtime
