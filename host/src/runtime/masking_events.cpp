#include "runtime/masking_events.hpp"

#include "protocol/message_writer.hpp"

namespace connhost::runtime {

bool MaskingEvents::holds_secret(const connhost_record_batch& b) const {
    // One scan over all records at once: a find across two records is rare and only costs the per-record pass.
    if (masker_.occurs_in_data(std::string_view(b.data, b.data ? b.data_size : 0))) return true;
    return has_meta(b) && masker_.occurs_in_data(std::string_view(b.meta, b.meta_size));
}

int32_t MaskingEvents::on_records(const connhost_record_batch& b) {
    if (masker_.empty() || !holds_secret(b)) return inner_.on_records(b);
    return inner_.on_records(masked(b));
}

int32_t MaskingEvents::on_checked_records(const connhost_record_batch& b, const BatchFields& fields) {
    if (masker_.empty() || !holds_secret(b)) return inner_.on_checked_records(b, fields);
    return inner_.on_records(masked(b));
}

const connhost_record_batch& MaskingEvents::masked(const connhost_record_batch& b) {
    masked_.reset(std::string_view(b.stream, b.stream_size), b.ns != nullptr,
                  b.ns ? std::string_view(b.ns, b.ns_size) : std::string_view());
    const int64_t now = protocol::MessageWriter::now_ms();
    for (uint32_t i = 0; i < b.record_count; ++i) {
        std::string_view data = record_data(b, i), meta = record_meta(b, i);
        if (masker_.mask_data(data, data_text_)) data = data_text_;
        if (!meta.empty() && masker_.mask_data(meta, meta_text_)) meta = meta_text_;
        masked_.add(data, b.emitted_at ? b.emitted_at[i] : now, meta);
    }
    return masked_.view();
}

int32_t MaskingEvents::on_state(std::string_view state_json) {
    std::string masked;
    if (!masker_.empty() && masker_.mask_data(state_json, masked)) return inner_.on_state(masked);
    return inner_.on_state(state_json);
}

int32_t MaskingEvents::on_message(int32_t msg_type, std::string_view payload) {
    // A plugin's own messages may quote its config (a check naming a rejected token) or a URL with credentials.
    return inner_.on_message(msg_type, masker_.mask_json(payload));
}

}  // namespace connhost::runtime
