#include "runtime/secrets_from_spec.hpp"

#include "logging/secret_masker.hpp"
#include "runtime/message_capture.hpp"

namespace connhost::runtime {

std::string register_config_secrets(Connector& conn, std::string_view config) {
    MessageCapture cap(CONNHOST_MSG_SPEC, conn.info().name);
    if (!conn.spec(cap).ok()) return {};
    if (!cap.payload.empty()) logging::collect_secrets(cap.payload, config, logging::secrets());
    return std::move(cap.payload);
}

}  // namespace connhost::runtime
