#include "runtime/message_capture.hpp"

#include "logging/log_setup.hpp"

namespace connhost::runtime {

void MessageCapture::on_log(int32_t level, std::string_view msg) {
    logging::plugin_log(plugin_)->log(logging::from_abi_level(level), "{}", msg);
}

}  // namespace connhost::runtime
