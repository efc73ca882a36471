#include "runtime/connector.hpp"

namespace connhost::runtime {

const char* failure_type(int32_t status) noexcept {
    switch (status) {
        case CONNHOST_STATUS_CONFIG: return "config_error";
        case CONNHOST_STATUS_TRANSIENT: return "transient_error";
        default: return "system_error";
    }
}

const char* status_name(int32_t status) noexcept {
    switch (status) {
        case CONNHOST_STATUS_OK: return "ok";
        case CONNHOST_STATUS_CONFIG: return "config error";
        case CONNHOST_STATUS_TRANSIENT: return "transient error";
        case CONNHOST_STATUS_SYSTEM: return "system error";
        case CONNHOST_STATUS_CANCELLED: return "cancelled";
        case CONNHOST_STATUS_UNSUPPORTED: return "unsupported operation";
        case CONNHOST_STATUS_INTERNAL: return "internal error";
        case CONNHOST_STATUS_END_OF_INPUT: return "end of input";
        default: return "unknown status";
    }
}

}  // namespace connhost::runtime
