// The start every command shares (`connhost run`, `connhost sync`): logging, then loading each connector.
#pragma once
#include "runtime/connector.hpp"
#include "runtime/run_failure.hpp"

#include <memory>
#include <string>
#include <vector>

namespace connhost::protocol {
class MessageWriter;
}

namespace connhost::runtime {

// Configures logging from --log-format and --log-level (`out` receives LOG messages in protocol format, which only
// `allow_protocol` accepts). Throws RunFailure (Usage) naming the bad value.
void start_logging(const std::string& format, const std::string& level, bool allow_protocol,
                   protocol::MessageWriter* out);

// Where to find a connector and how to run it.
struct ConnectorRequest {
    std::string spec;                      // path, file name or short name
    std::vector<std::string> plugin_dirs;  // searched before the default path
    bool isolate = false;                  // run it in child processes
    std::string log_level;                 // given to its child processes
    size_t max_record_bytes = 0;           // larger source records fail
};

// Finds and loads the connector (make_connector). Throws RunFailure (Failed, config_error) saying what to do.
std::unique_ptr<Connector> load_connector(const ConnectorRequest& request);

// Throws RunFailure (config_error, `kind`) unless `conn` is a connector of `wanted` (CONNHOST_KIND_*); the message
// says "plugin N is a <kind>; " followed by `why`.
void require_kind(const Connector& conn, int32_t wanted, const std::string& why, FailureKind kind);

}  // namespace connhost::runtime
