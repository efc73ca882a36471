// Connector: the one C++ interface the runtime uses to drive a connector, wherever it runs.
#pragma once
#include "loader/plugin_library.hpp"
#include "runtime/dead_letter.hpp"

#include <connhost/plugin_api.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace connhost::protocol {
struct ValueChanges;
}

namespace connhost::runtime {

struct BatchFields;  // batch_buffer.hpp

// Receives what a running connector produces and feeds what it consumes.
// log() and cancelled() may be called from any thread; the rest on the operation's run thread.
class ConnectorEvents {
public:
    virtual ~ConnectorEvents() = default;
    virtual void on_log(int32_t level, std::string_view msg) = 0;
    // Source records (already validated as JSON objects). Returns a CONNHOST_STATUS_*.
    virtual int32_t on_records(const connhost_record_batch& batch) = 0;
    // Source records checked by the host, with the members of their data it found doing so (`fields`, which the
    // events may keep while they keep the records). The default passes the records alone to on_records.
    virtual int32_t on_checked_records(const connhost_record_batch& batch, const BatchFields& fields) {
        (void)fields;
        return on_records(batch);
    }
    // Source state (validated JSON object). Returns a CONNHOST_STATUS_*.
    virtual int32_t on_state(std::string_view state_json) = 0;
    // SPEC / CATALOG / CONNECTION_STATUS / TRACE / CONTROL payload (validated JSON object).
    virtual int32_t on_message(int32_t msg_type, std::string_view payload) = 0;
    // Destination input: fills `in`, a connhost_input of this host's size; waits at most `wait_ms` before giving
    // kind CONNHOST_INPUT_IDLE, or blocks until input comes when it is 0. The default says there is none.
    virtual int32_t next_input(connhost_input& in, uint32_t wait_ms) {
        (void)in, (void)wait_ms;
        return CONNHOST_STATUS_END_OF_INPUT;
    }
    // Destination acknowledgement of state `id` and all before it.
    virtual int32_t ack_state(uint64_t id) {
        (void)id;
        return CONNHOST_STATUS_CONFIG;
    }
    // Source: record `index` of `batch` cannot be passed on (`reason`: over the record size limit, data not an
    // object). OK when the run took it (the dead-letter file under --error-tolerance all: the record is then left
    // out of the batch given to on_records); UNSUPPORTED (the default) when it fails the operation as before.
    virtual int32_t on_bad_record(const connhost_record_batch& batch, uint32_t index, std::string_view reason) {
        (void)batch, (void)index, (void)reason;
        return CONNHOST_STATUS_UNSUPPORTED;
    }
    // Source in a child process: it could not pass on the record `r` (`r.line`: its place in the source's output), as
    // on_bad_record. OK when the run took it; UNSUPPORTED (the default) when bad records fail the run.
    virtual int32_t bad_record_reported(const RejectedRecord& r) {
        (void)r;
        return CONNHOST_STATUS_UNSUPPORTED;
    }
    // Destination: record `index` of the RECORDS batch delivered last cannot be written (host extension
    // "connhost.record_reject/1"). OK when the run took it (it went to the dead-letter file under --error-tolerance
    // all); UNSUPPORTED when bad records fail the run, CONFIG for an index outside that batch.
    virtual int32_t reject_record(uint32_t index, std::string_view reason) {
        (void)index, (void)reason;
        return CONNHOST_STATUS_UNSUPPORTED;
    }
    // Destination: keep the members of the records delivered from now on, for batch_fields (host extension
    // "connhost.record_fields/1"; they cost memory while batches wait, so only for a destination that asks).
    virtual void keep_fields() {}
    // Destination: the members of the records of the RECORDS batch delivered last, as the host found them (host
    // extension "connhost.record_fields/1"). OK with `out` set; UNSUPPORTED (the default) when there are none, CONFIG
    // when no batch is current.
    virtual int32_t batch_fields(BatchFields& out) {
        (void)out;
        return CONNHOST_STATUS_UNSUPPORTED;
    }
    // Destination: `count` values of records of the RECORDS batch delivered last were changed to fit the target
    // (host extension "connhost.value_changes/1"). OK (the default counts nothing), CONFIG when no batch is current.
    virtual int32_t values_changed(uint64_t count) {
        (void)count;
        return CONNHOST_STATUS_OK;
    }
    // Source: the slice of stream (ns, name) this read covers (host extension "connhost.partition/1"): slice `index`
    // of `count`. OK with {0, 1} (the default: the whole stream), CONFIG for a stream not in the read's catalog.
    virtual int32_t partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) {
        (void)ns, (void)name;
        index = 0;
        count = 1;
        return CONNHOST_STATUS_OK;
    }
    // Source in a child process (--isolate): the partition of the sync ("I/N"; "" when it has none), which the child
    // then plans itself from its catalog, answering the source's slice requests and checking its records.
    virtual std::string delegate_partition() { return {}; }
    // Destination: true when records it rejects go to the dead-letter file (--error-tolerance all), so a destination
    // in a child process is asked to report them (reject_reported).
    virtual bool takes_rejects() const { return false; }
    // Destination: where record `index` of the RECORDS batch delivered last came from, as a dead letter names it
    // (run write: the input line; sync: its number in the source's output); 0 when not known.
    virtual uint64_t record_position(uint32_t index) const {
        (void)index;
        return 0;
    }
    // Destination in a child process: it rejected a record delivered earlier, `r.line` already its record_position.
    // `before_state` is the first state delivered after that record, not yet acknowledged (0: none yet), whose
    // counts the record moves from recordCount to rejectedRecordCount. OK when the run took it, as reject_record.
    virtual int32_t reject_reported(const RejectedRecord& r, uint64_t before_state) {
        (void)r, (void)before_state;
        return CONNHOST_STATUS_UNSUPPORTED;
    }
    // Destination in a child process: it changed `c.count` values of records of stream `c` to fit its target
    // (values_changed there); counted as values_changed counts them.
    virtual void changes_reported(const protocol::ValueChanges& c) { (void)c; }
    // True once the operation should stop.
    virtual bool cancelled() const = 0;
};

// How an operation ended: a CONNHOST_STATUS_* and, unless OK, the connector's message.
struct Outcome {
    int32_t status = CONNHOST_STATUS_OK;
    std::string message;
    bool ok() const noexcept { return status == CONNHOST_STATUS_OK; }
};

// A connector's operations. One operation at a time per object; cancel() from any thread.
class Connector {
public:
    virtual ~Connector() = default;
    virtual const loader::PluginInfo& info() const = 0;
    virtual Outcome spec(ConnectorEvents& ev) = 0;
    virtual Outcome check(ConnectorEvents& ev, std::string_view config) = 0;
    virtual Outcome discover(ConnectorEvents& ev, std::string_view config) = 0;
    // `state` is a JSON array of AirbyteStateMessage, or empty for none.
    virtual Outcome read(ConnectorEvents& ev, std::string_view config, std::string_view catalog,
                         std::string_view state) = 0;
    virtual Outcome write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) = 0;
    // Destination: emits, as records, what it holds for each stream of `catalog` (plugin extension
    // "connhost.read_back/1"); UNSUPPORTED, saying so, when the destination does not offer it.
    virtual Outcome read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) = 0;
    virtual void cancel() = 0;
};

// The Airbyte failure_type for a status: config_error, transient_error or system_error.
const char* failure_type(int32_t status) noexcept;
// A short English name for a status ("config error", "cancelled", ...).
const char* status_name(int32_t status) noexcept;

}  // namespace connhost::runtime
