// Host: a C++ view of the connhost_host services table handed to a plugin instance.
#pragma once
#include <connhost/plugin_api.h>
#include <connhost/sdk/slice.hpp>
#include <connhost/sdk/status.hpp>

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::sdk {

namespace detail {

// Records a source buffered but has not handed to the host yet (a RecordBatchWriter's). Every state leaving
// through Host::emit_state flushes the buffers of its host first, so a state never overtakes its records.
class PendingRecords {
public:
    // Hands the buffered records to the host; returns its status (CONNHOST_STATUS_OK when nothing was buffered).
    virtual int32_t flush_pending() noexcept = 0;

protected:
    ~PendingRecords() = default;
};

// The live buffers of this plugin library, with the host each belongs to. A plain static under a mutex, not a
// thread_local: TLS in a dlopen'ed library trips LeakSanitizer's thread scan, and writers are few and long-lived.
struct PendingRegistry {
    std::mutex mu;
    std::vector<std::pair<const connhost_host*, PendingRecords*>> live;

    void add(const connhost_host* h, PendingRecords* p) {
        std::lock_guard<std::mutex> lock(mu);
        live.emplace_back(h, p);
    }
    void remove(PendingRecords* p) {
        std::lock_guard<std::mutex> lock(mu);
        for (auto it = live.begin(); it != live.end(); ++it)
            if (it->second == p) {
                live.erase(it);
                return;
            }
    }
    // The buffers of host `h` (its run thread is the caller: they are not destroyed meanwhile).
    std::vector<PendingRecords*> of(const connhost_host* h) {
        std::lock_guard<std::mutex> lock(mu);
        std::vector<PendingRecords*> out;
        for (const auto& [host, p] : live)
            if (host == h) out.push_back(p);
        return out;
    }
};

inline PendingRegistry& pending_records() {
    static PendingRegistry registry;
    return registry;
}

}  // namespace detail

// Wraps the host table; cheap to copy; valid while the instance lives. Every field of ABI 1.0 is there (create()
// refuses a smaller table); a field added in a later minor is read only after CONNHOST_HAS_FIELD, an extension
// only after checking the table's struct_size against its published size.
class Host {
public:
    explicit Host(const connhost_host* host) noexcept : h_(host) {}

    const connhost_host* raw() const noexcept { return h_; }

    // Logs one line under the plugin's name. Any thread.
    void log(connhost_log_level level, std::string_view msg) const noexcept {
        h_->log(h_, level, msg.data(), msg.size());
    }
    void debug(std::string_view m) const noexcept { log(CONNHOST_LOG_DEBUG, m); }
    void info(std::string_view m) const noexcept { log(CONNHOST_LOG_INFO, m); }
    void warn(std::string_view m) const noexcept { log(CONNHOST_LOG_WARN, m); }
    void error(std::string_view m) const noexcept { log(CONNHOST_LOG_ERROR, m); }

    // Has the host mask `secret`, in every spelling (JSON-escaped, percent-encoded, base64), in every log line,
    // message, record and state from now on: for credentials learnt at run time, such as a fetched token (config fields
    // marked airbyte_secret are masked already). Does nothing on a host without the "connhost.secrets/1" extension. Any
    // thread.
    void add_secret(std::string_view secret) const noexcept {
        const void* ext = h_ && h_->get_extension ? h_->get_extension(h_, CONNHOST_EXT_SECRETS) : nullptr;
        const auto* secrets = static_cast<const connhost_secrets_ext*>(ext);
        if (secrets && secrets->struct_size >= CONNHOST_SECRETS_EXT_SIZE_1_0 && secrets->add_secret)
            secrets->add_secret(h_, secret.data(), secret.size());
    }

    // True once the host asked to stop. Any thread.
    bool cancelled() const noexcept { return h_->is_cancelled(h_) != 0; }
    // Throws Cancelled when the host asked to stop. Run thread.
    void throw_if_cancelled() const {
        if (cancelled()) throw Cancelled();
    }

    // Sets the message for the status about to be returned. Run thread.
    void set_error(std::string_view msg) const noexcept { h_->set_error(h_, msg.data(), msg.size()); }

    // Emits a protocol message (CONNHOST_MSG_*) whose payload is a JSON object text. Run thread.
    void emit_message(connhost_msg_type type, std::string_view json) const {
        throw_if_failed(h_->emit_message(h_, type, json.data(), json.size()), "emit_message");
    }
    // Emits an AirbyteStateMessage JSON text; first hands over every record this host's RecordBatchWriters
    // still buffer, so the state follows all records added before it. Run thread.
    void emit_state(std::string_view json) const {
        for (detail::PendingRecords* pending : detail::pending_records().of(h_))
            throw_if_failed(pending->flush_pending(), "emit_records");
        throw_if_failed(h_->emit_state(h_, json.data(), json.size()), "emit_state");
    }
    // Hands a record batch to the host (copied); may block for back-pressure. Run thread.
    void emit_records(const connhost_record_batch& batch) const {
        throw_if_failed(h_->emit_records(h_, &batch), "emit_records");
    }
    // Destination: fills `in` with the next input item; returns the raw status. Run thread.
    connhost_status next_input(connhost_input& in) const noexcept {
        in.struct_size = sizeof(connhost_input);
        return h_->next_input(h_, &in);
    }
    // Destination: acknowledges state `id` and all before it as durably committed. Run thread.
    void ack_state(uint64_t id) const { throw_if_failed(h_->ack_state(h_, id), "ack_state"); }

    // Destination: sets record `index` of the batch being written aside, `reason` saying why (extension
    // "connhost.record_reject/1"). True when the host took it (--error-tolerance all: the dead-letter file); false when
    // bad records fail this run, or the host lacks the extension: then fail as without it. Call it before the next
    // input item is read (within write_batch). Run thread.
    bool reject_record(uint32_t index, std::string_view reason) const {
        const void* ext = h_ && h_->get_extension ? h_->get_extension(h_, CONNHOST_EXT_RECORD_REJECT) : nullptr;
        const auto* rr = static_cast<const connhost_record_reject_ext*>(ext);
        if (!rr || rr->struct_size < CONNHOST_RECORD_REJECT_EXT_SIZE_1_0 || !rr->reject) return false;
        const connhost_status st = rr->reject(h_, index, reason.data(), reason.size());
        if (st == CONNHOST_STATUS_UNSUPPORTED) return false;
        throw_if_failed(st, "reject");
        return true;
    }

    // Destination: `count` values of records of the batch being written were changed to fit the target (NULLed,
    // truncated; recorded in their meta changes), for the host's summaries (extension "connhost.value_changes/1").
    // Does nothing on a host without the extension, and never fails the write. Call it within write_batch. Run thread.
    void count_changed_values(uint64_t count) const noexcept {
        if (count == 0) return;
        const void* ext = h_ && h_->get_extension ? h_->get_extension(h_, CONNHOST_EXT_VALUE_CHANGES) : nullptr;
        const auto* vc = static_cast<const connhost_value_changes_ext*>(ext);
        if (vc && vc->struct_size >= CONNHOST_VALUE_CHANGES_EXT_SIZE_1_0 && vc->changed) (void)vc->changed(h_, count);
    }

    // Destination: asks the host to keep the members of the records it delivers from now on (extension
    // "connhost.record_fields/1"), for batch_fields. False when the host lacks the extension. Call it before the first
    // next_input. Run thread.
    bool keep_record_fields() const noexcept {
        const connhost_record_fields_ext* rf = record_fields_ext();
        return rf && rf->keep && rf->keep(h_) == CONNHOST_STATUS_OK;
    }
    // Destination: the members of the records of the RECORDS batch the last next_input delivered, as the host found
    // them checking the records (keep_record_fields asked for them): record i's in fields[offsets[i]] up to
    // [offsets[i + 1]]. False when the host has none for the batch, or lacks the extension. Run thread.
    bool batch_fields(const connhost_field*& fields, const uint64_t*& offsets) const noexcept {
        const connhost_record_fields_ext* rf = record_fields_ext();
        fields = nullptr;
        offsets = nullptr;
        if (!rf || !rf->batch_fields) return false;
        return rf->batch_fields(h_, &fields, &offsets) == CONNHOST_STATUS_OK && fields && offsets;
    }

    // Source: the slice of stream (ns, name) this read covers (extension "connhost.partition/1"); the whole stream
    // ({0, 1}) when the run is not partitioned, the stream is not split, or the host lacks the extension. Call it for
    // each stream discover marked splittable (Source::slice_of) before emitting its records. Throws for a stream not
    // in the catalog. Run thread.
    Slice partition_slice(std::string_view ns, std::string_view name) const {
        const void* ext = h_ && h_->get_extension ? h_->get_extension(h_, CONNHOST_EXT_PARTITION) : nullptr;
        const auto* pe = static_cast<const connhost_partition_ext*>(ext);
        Slice s;
        if (!pe || pe->struct_size < CONNHOST_PARTITION_EXT_SIZE_1_0 || !pe->slice) return s;
        throw_if_failed(
            pe->slice(h_, ns.empty() ? nullptr : ns.data(), ns.size(), name.data(), name.size(), &s.index, &s.count),
            "partition slice");
        if (s.count == 0 || s.index >= s.count)
            throw Error(CONNHOST_STATUS_INTERNAL,
                        "the host answered slice " + std::to_string(s.index) + " of " + std::to_string(s.count) +
                            " for stream " + std::string(name));
        return s;
    }

private:
    // The host's "connhost.record_fields/1" table, or null.
    const connhost_record_fields_ext* record_fields_ext() const noexcept {
        const void* ext = h_ && h_->get_extension ? h_->get_extension(h_, CONNHOST_EXT_RECORD_FIELDS) : nullptr;
        const auto* rf = static_cast<const connhost_record_fields_ext*>(ext);
        return rf && rf->struct_size >= CONNHOST_RECORD_FIELDS_EXT_SIZE_1_0 ? rf : nullptr;
    }

    const connhost_host* h_;
};

}  // namespace connhost::sdk
