// The two sides of a sync: the source's events fill the queue, the destination's events drain it.
#pragma once
#include "runtime/connector.hpp"
#include "runtime/dead_letter.hpp"
#include "runtime/delivery_ledger.hpp"
#include "runtime/open_streams.hpp"
#include "runtime/sync/batch_queue.hpp"
#include "runtime/sync/namespace_mapping.hpp"
#include "runtime/sync/partition_plan.hpp"
#include "runtime/sync/state_store.hpp"
#include "runtime/sync/sync_progress.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <spdlog/logger.h>
#include <string>
#include <utility>
#include <vector>

namespace connhost::runtime::sync {

// Shared between both sides: why the sync is stopping.
struct SyncControl {
    std::atomic<bool> cancelled{false};  // a signal, or the other side failed
    // Whether the destination reads the records' members (record_fields extension): kUndecided until its first
    // next_input (the source keeps them meanwhile), then kKeep if it asked before, else kDrop.
    static constexpr int kUndecided = 0, kKeep = 1, kDrop = 2;
    std::atomic<int> keep_fields{kUndecided};
};

// Source side: copies each batch into a queue item (no re-serialisation), passes states and stream statuses on,
// and hands row estimates to the progress.
class SourceEvents final : public ConnectorEvents {
public:
    SourceEvents(BatchQueue& q, SyncControl& ctl, SyncProgress& progress, const std::string& plugin_name,
                 std::set<std::pair<std::string, std::string>> streams);

    void on_log(int32_t level, std::string_view msg) override;
    int32_t on_records(const connhost_record_batch& batch) override;
    // Queues the batch with its records' members, for the destination (record_fields extension).
    int32_t on_checked_records(const connhost_record_batch& batch, const BatchFields& fields) override;
    int32_t on_state(std::string_view state_json) override;
    int32_t on_message(int32_t msg_type, std::string_view payload) override;
    int32_t on_bad_record(const connhost_record_batch& batch, uint32_t index, std::string_view reason) override;
    bool takes_rejects() const override { return dead_letter_ != nullptr; }
    int32_t bad_record_reported(const RejectedRecord& r) override;
    bool cancelled() const override { return ctl_.cancelled.load(); }
    int32_t partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) override;
    // A source in a child process plans the slices itself; its records are then checked there, not here.
    std::string delegate_partition() override;
    // --partition: the slices the source asks for come from `plan`, which must outlive this; records of a split
    // stream whose slice the source never asked for fail the sync.
    void partition(PartitionPlan& plan) noexcept { plan_ = &plan; }
    // Set when the source broke a rule the host checks (a record of a stream not in the catalog).
    const std::string& error() const noexcept { return error_; }
    // The source stopped early: queues STREAM_STATUS INCOMPLETE for every stream it started and did not end, and
    // logs each. Source thread, after read returned.
    void end_unfinished_streams();
    // --error-tolerance all: bad source records go to `dead_letter` (see DeadLetter) instead of failing the sync.
    void tolerate(DeadLetter& dead_letter) noexcept { dead_letter_ = &dead_letter; }

private:
    // Pushes `item` stamped with the records rejected before it.
    bool push(QueueItem item);

    BatchQueue& q_;
    SyncControl& ctl_;
    SyncProgress& progress_;
    std::shared_ptr<spdlog::logger> log_;
    std::set<std::pair<std::string, std::string>> streams_;
    std::string error_;
    OpenStreams open_;
    DeadLetter* dead_letter_ = nullptr;
    PartitionPlan* plan_ = nullptr;
    bool plan_delegated_ = false;  // delegate_partition(): the source's child answers and checks the slices
    std::string plugin_name_;
    uint64_t seen_ = 0;                        // records the source emitted before the batch being handled
    std::vector<uint32_t> rejected_in_batch_;  // of the batch being handled, records sent to the dead-letter file
    uint64_t rejected_unsent_ = 0;             // rejected since the last item pushed
};

// Destination side: hands queue items to the destination; each acknowledged state goes to the store.
class DestinationEvents final : public ConnectorEvents {
public:
    DestinationEvents(BatchQueue& q, SyncControl& ctl, const std::string& plugin_name, StateStore& store,
                      SyncProgress& progress, const std::vector<protocol::CatalogStream>& streams,
                      uint32_t idle_bound_ms);

    void on_log(int32_t level, std::string_view msg) override;
    int32_t on_records(const connhost_record_batch&) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_state(std::string_view) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_message(int32_t msg_type, std::string_view payload) override;
    int32_t next_input(connhost_input& in, uint32_t wait_ms) override;
    int32_t ack_state(uint64_t id) override;
    int32_t reject_record(uint32_t index, std::string_view reason) override;
    int32_t values_changed(uint64_t count) override;
    void keep_fields() override { ctl_.keep_fields.store(SyncControl::kKeep, std::memory_order_relaxed); }
    int32_t batch_fields(BatchFields& out) override;
    bool takes_rejects() const override { return dead_letter_ != nullptr; }
    uint64_t record_position(uint32_t index) const override;
    int32_t reject_reported(const RejectedRecord& r, uint64_t before_state) override;
    void changes_reported(const protocol::ValueChanges& c) override;
    bool cancelled() const override { return ctl_.cancelled.load(); }
    // --error-tolerance all: records the destination rejects go to `dead_letter`, made durable before each state
    // is saved.
    void tolerate(DeadLetter& dead_letter) noexcept { dead_letter_ = &dead_letter; }

    // The write succeeded: saves every acknowledged state still held back (see DeliveryLedger).
    void finish();
    // Hands records, states and stream statuses to the destination under the names `r` maps them to; the ledger,
    // the progress and the state store keep the source's names. `r` must outlive this.
    void rename_streams(const StreamRenamer& r) { renamer_ = &r; }

    // Overwrite streams (source names) whose staging survives an unfinished run (resumable_overwrites.hpp): their
    // STREAM states are saved as acknowledged, and their attempt is forgotten in the state file (saved) before their
    // COMPLETE status reaches the destination, so a saved position never outlives the staging it belongs to.
    void resumable_overwrites(const std::set<std::pair<std::string, std::string>>& streams);

    // The status the source ended with (valid once the End item was delivered).
    int32_t source_status() const noexcept { return source_status_; }
    uint64_t states_acknowledged() const noexcept { return ledger_.states_released(); }
    // Set when persisting a state failed.
    const std::string& error() const noexcept { return error_; }
    // Set when the source's output broke a delivery rule (records after COMPLETE, streams left incomplete).
    const std::string& input_error() const noexcept { return input_error_; }

private:
    BatchQueue& q_;
    SyncControl& ctl_;
    std::shared_ptr<spdlog::logger> log_;
    StateStore& store_;
    SyncProgress& progress_;
    int32_t fail_input(std::string why);
    void save(const StateLedger::Entry& e);
    // A resumable stream's COMPLETE status is about to be delivered: forgets its attempt, durably. False on failure.
    bool forget_attempt_before(std::string_view stream_status_json);
    std::set<std::pair<std::string, std::string>> resumable_;

    DeliveryLedger ledger_;
    DeadLetter* dead_letter_ = nullptr;
    bool current_delivered_ = false;  // current_ holds the RECORDS batch delivered last
    // The number in the source's output of record `index` of current_'s batch.
    uint64_t record_number(uint32_t index) const;
    QueueItem current_;
    std::string current_stream_;  // the stream of current_'s batch under the source's name (the summary's)
    // The summary's name (the source's) of the stream the destination knows as (ns, stream).
    std::string summary_name(std::string_view ns, bool has_ns, std::string_view stream) const;
    std::map<std::string, std::string> source_names_;  // renamed streams: destination display name -> source's
    const StreamRenamer* renamer_ = nullptr;
    std::string mapped_json_;  // the state or stream status last handed over, mapped
    // Points `in` at the current state or stream status, mapped when streams are renamed.
    void hand_over_json(connhost_input& in, int32_t kind, bool state);
    // Renames the current batch to the stream it is written as.
    void rename_current_batch();
    int32_t source_status_ = CONNHOST_STATUS_OK;
    bool ended_ = false, clean_end_ = false;
    std::string error_, input_error_;
};

}  // namespace connhost::runtime::sync
