#include "runtime/secrets_from_spec.hpp"

#include "logging/secret_masker.hpp"

#include <string>

namespace connhost::runtime {

namespace {
// Captures the SPEC payload and drops everything else.
class SpecCapture final : public ConnectorEvents {
public:
    std::string spec;
    void on_log(int32_t, std::string_view) override {}
    int32_t on_records(const connhost_record_batch&) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_state(std::string_view) override { return CONNHOST_STATUS_UNSUPPORTED; }
    int32_t on_message(int32_t type, std::string_view payload) override {
        if (type == CONNHOST_MSG_SPEC) spec.assign(payload);
        return CONNHOST_STATUS_OK;
    }
    bool cancelled() const override { return false; }
};
}  // namespace

void register_config_secrets(Connector& conn, std::string_view config) {
    SpecCapture cap;
    if (conn.spec(cap).ok() && !cap.spec.empty()) logging::collect_secrets(cap.spec, config, logging::secrets());
}

}  // namespace connhost::runtime
