// ProtocolEvents: connector events printed as Airbyte protocol lines (the `run` command's output).
#pragma once
#include "protocol/message_writer.hpp"
#include "runtime/connector.hpp"
#include "runtime/open_streams.hpp"
#include "runtime/sync/partition_plan.hpp"

#include <atomic>
#include <memory>
#include <spdlog/logger.h>
#include <string>
#include <string_view>

namespace connhost::runtime {

// Prints what the connector emits, as it is (run behind MaskingEvents); logs go to the plugin's logger. Records count
// per stream; stream statuses are followed so a failed read can end its open streams.
class ProtocolEvents : public ConnectorEvents {
public:
    ProtocolEvents(protocol::MessageWriter& out, const std::string& plugin_name);

    void on_log(int32_t level, std::string_view msg) override;
    int32_t on_records(const connhost_record_batch& batch) override;
    int32_t on_state(std::string_view state_json) override;
    int32_t on_message(int32_t msg_type, std::string_view payload) override;
    int32_t on_bad_record(const connhost_record_batch& batch, uint32_t index, std::string_view reason) override;
    bool cancelled() const override { return cancelled_.load(); }

    // The source's child of an --isolate sync whose parent takes bad records: a record that cannot be passed on goes
    // to the parent as a private record_reject line numbered by its place in the source's output (without the record
    // when its data is over half `max_record_bytes`: the parent reads lines up to about that size), and the read goes
    // on.
    void forward_bad_records(size_t max_record_bytes) noexcept { forward_bad_limit_ = max_record_bytes; }
    // The source's child of a partitioned --isolate sync: worker `partition` ("I/N") of the sync, whose catalog this
    // read was given, as its parent planned it. The slices the source asks for come from the same plan, and records
    // of a split stream whose slice it never asked for fail the read. Throws std::invalid_argument for a bad "I/N".
    void partition(const std::string& partition, std::string_view configured_catalog);
    int32_t partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) override;

    // Asks the operation to stop (signal handler thread).
    void request_cancel() noexcept { cancelled_ = true; }
    uint64_t records() const noexcept { return records_; }
    // The source stopped early: prints STREAM_STATUS INCOMPLETE for every stream it started and did not end.
    void end_unfinished_streams();

protected:
    protocol::MessageWriter& out_;
    std::shared_ptr<spdlog::logger> log_;
    std::atomic<bool> cancelled_{false};
    uint64_t records_ = 0;
    OpenStreams open_;

private:
    size_t forward_bad_limit_ = 0;               // forward_bad_records(); 0: bad records fail the read
    std::unique_ptr<sync::PartitionPlan> plan_;  // partition(); none: every stream is read whole
    std::string plugin_;
    uint64_t bad_ = 0;               // bad records forwarded
    uint64_t bad_before_batch_ = 0;  // of them, those of the batches before the current one
};

}  // namespace connhost::runtime
