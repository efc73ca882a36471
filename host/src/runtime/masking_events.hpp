// MaskingEvents: passes a connector's events on with every registered secret masked, whatever the connector emits.
#pragma once
#include "logging/secret_masker.hpp"
#include "runtime/batch_buffer.hpp"
#include "runtime/connector.hpp"

#include <string>

namespace connhost::runtime {

// Stands between a connector and the events of a run (`run` and the source of `sync`), so that a secret the
// connector echoes (a server that echoes a request into a response) reaches no output: records and states (the
// destination, the state file) get secret spellings masked (masker.mask_data), protocol messages also URL user-info
// (masker.mask_json); logs pass on as they are, masked by the log sinks. With no secret registered, records and
// states pass untouched; else a batch costs one scan and is copied only when it holds a secret.
class MaskingEvents final : public ConnectorEvents {
public:
    MaskingEvents(ConnectorEvents& inner, const logging::SecretMasker& masker) : inner_(inner), masker_(masker) {}

    void on_log(int32_t level, std::string_view msg) override { inner_.on_log(level, msg); }
    int32_t on_records(const connhost_record_batch& batch) override;
    // A batch without secrets passes on with its members; a masked copy without them (masking moves the texts).
    int32_t on_checked_records(const connhost_record_batch& batch, const BatchFields& fields) override;
    int32_t on_state(std::string_view state_json) override;
    int32_t on_message(int32_t msg_type, std::string_view payload) override;
    int32_t next_input(connhost_input& in, uint32_t wait_ms) override { return inner_.next_input(in, wait_ms); }
    int32_t ack_state(uint64_t id) override { return inner_.ack_state(id); }
    int32_t on_bad_record(const connhost_record_batch& batch, uint32_t index, std::string_view reason) override {
        return inner_.on_bad_record(batch, index, reason);
    }
    int32_t reject_record(uint32_t index, std::string_view reason) override {
        return inner_.reject_record(index, reason);
    }
    int32_t values_changed(uint64_t count) override { return inner_.values_changed(count); }
    void keep_fields() override { inner_.keep_fields(); }
    int32_t batch_fields(BatchFields& out) override { return inner_.batch_fields(out); }
    int32_t partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) override {
        return inner_.partition_slice(ns, name, index, count);
    }
    std::string delegate_partition() override { return inner_.delegate_partition(); }
    bool takes_rejects() const override { return inner_.takes_rejects(); }
    int32_t bad_record_reported(const RejectedRecord& r) override { return inner_.bad_record_reported(r); }
    void changes_reported(const protocol::ValueChanges& c) override { inner_.changes_reported(c); }
    uint64_t record_position(uint32_t index) const override { return inner_.record_position(index); }
    int32_t reject_reported(const RejectedRecord& r, uint64_t before_state) override {
        return inner_.reject_reported(r, before_state);
    }
    bool cancelled() const override { return inner_.cancelled(); }

private:
    // True when a record or meta text of `b` holds a secret spelling.
    bool holds_secret(const connhost_record_batch& b) const;
    // `b` with every secret spelling masked: a copy in masked_, without the records' members.
    const connhost_record_batch& masked(const connhost_record_batch& b);

    ConnectorEvents& inner_;
    const logging::SecretMasker& masker_;
    BatchBuffer masked_;                 // the masked copy of the last batch that needed one
    std::string data_text_, meta_text_;  // one record's masked texts
};

}  // namespace connhost::runtime
