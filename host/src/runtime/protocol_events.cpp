#include "runtime/protocol_events.hpp"

#include "logging/log_setup.hpp"
#include "protocol/trace_fields.hpp"

namespace connhost::runtime {

ProtocolEvents::ProtocolEvents(protocol::MessageWriter& out, const std::string& plugin_name)
    : out_(out), log_(logging::plugin_log(plugin_name)) {}

void ProtocolEvents::on_log(int32_t level, std::string_view msg) {
    log_->log(logging::from_abi_level(level), "{}", msg);
}

int32_t ProtocolEvents::on_records(const connhost_record_batch& batch) {
    if (cancelled_) return CONNHOST_STATUS_CANCELLED;
    out_.records(batch, protocol::MessageWriter::now_ms());
    records_ += batch.record_count;
    return CONNHOST_STATUS_OK;
}

int32_t ProtocolEvents::on_state(std::string_view state_json) {
    out_.state(state_json);
    return CONNHOST_STATUS_OK;
}

int32_t ProtocolEvents::on_message(int32_t msg_type, std::string_view payload) {
    if (msg_type == CONNHOST_MSG_TRACE) open_.on_trace(payload);
    out_.message(msg_type, payload);
    return CONNHOST_STATUS_OK;
}

void ProtocolEvents::end_unfinished_streams() {
    for (const auto& [ns, name] : open_.unfinished())
        out_.message(CONNHOST_MSG_TRACE,
                     protocol::stream_status_trace(ns, name, "INCOMPLETE", protocol::MessageWriter::now_ms()));
    open_.clear();
}

}  // namespace connhost::runtime
