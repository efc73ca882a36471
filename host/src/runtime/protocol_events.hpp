// ProtocolEvents: connector events printed as Airbyte protocol lines (the `run` command's output).
#pragma once
#include "protocol/message_writer.hpp"
#include "runtime/connector.hpp"
#include "runtime/open_streams.hpp"

#include <atomic>
#include <memory>
#include <spdlog/logger.h>

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
    bool cancelled() const override { return cancelled_.load(); }

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
};

}  // namespace connhost::runtime
