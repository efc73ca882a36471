#include "runtime/protocol_events.hpp"

#include "logging/log_setup.hpp"
#include "protocol/trace_fields.hpp"
#include "runtime/private_rejects.hpp"

namespace connhost::runtime {

ProtocolEvents::ProtocolEvents(protocol::MessageWriter& out, const std::string& plugin_name)
    : out_(out), log_(logging::plugin_log(plugin_name)), plugin_(plugin_name) {}

void ProtocolEvents::partition(const std::string& partition, std::string_view configured_catalog) {
    plan_ = std::make_unique<sync::PartitionPlan>(sync::parse_partition(partition, "--partition"), configured_catalog);
}

int32_t ProtocolEvents::partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) {
    if (!plan_) return ConnectorEvents::partition_slice(ns, name, index, count);
    if (plan_->slice(ns, name, index, count)) return CONNHOST_STATUS_OK;
    log_->error("{}", sync::PartitionPlan::slice_problem(ns, name));
    return CONNHOST_STATUS_CONFIG;
}

void ProtocolEvents::on_log(int32_t level, std::string_view msg) {
    log_->log(logging::from_abi_level(level), "{}", msg);
}

int32_t ProtocolEvents::on_records(const connhost_record_batch& batch) {
    if (cancelled_) return CONNHOST_STATUS_CANCELLED;
    if (plan_) {
        const std::string_view ns(batch.ns ? batch.ns : "", batch.ns ? batch.ns_size : 0);
        if (std::string why = plan_->emit_problem(ns, {batch.stream, batch.stream_size}, plugin_); !why.empty()) {
            log_->error("{}", why);
            return CONNHOST_STATUS_INTERNAL;
        }
    }
    out_.records(batch, protocol::MessageWriter::now_ms());
    records_ += batch.record_count;
    bad_before_batch_ = bad_;
    return CONNHOST_STATUS_OK;
}

int32_t ProtocolEvents::on_bad_record(const connhost_record_batch& b, uint32_t index, std::string_view reason) {
    if (forward_bad_limit_ == 0) return CONNHOST_STATUS_UNSUPPORTED;
    ++bad_;  // the host checks a batch's records before it passes on the good ones (on_records)
    std::string record;
    RejectedRecord r = batch_reject(b, index, records_ + bad_before_batch_ + index + 1, reason, record);
    if (b.offsets[index + 1] - b.offsets[index] > forward_bad_limit_ / 2) r.record = {};
    out_.private_line(private_reject_line(r));
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
