// MessageCapture: connector events that keep the payload of one message type (SPEC, CATALOG, ...) and log the rest.
#pragma once
#include "runtime/connector.hpp"

#include <string>

namespace connhost::runtime {

// For spec/check/discover calls made by the host for itself: nothing is printed.
class MessageCapture final : public ConnectorEvents {
public:
    MessageCapture(int32_t wanted_type, std::string plugin_name)
        : wanted_(wanted_type), plugin_(std::move(plugin_name)) {}

    std::string payload;  // the last payload of the wanted type ("" if none)

    void on_log(int32_t level, std::string_view msg) override;
    int32_t on_records(const connhost_record_batch&) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_state(std::string_view) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_message(int32_t type, std::string_view p) override {
        if (type == wanted_) payload.assign(p);
        return CONNHOST_STATUS_OK;
    }
    bool cancelled() const override { return false; }

private:
    int32_t wanted_;
    std::string plugin_;
};

}  // namespace connhost::runtime
