#include "runtime/operation_setup.hpp"

#include "logging/log_setup.hpp"
#include "runtime/connector_factory.hpp"
#include "runtime/run_failure.hpp"

namespace connhost::runtime {

void start_logging(const std::string& format, const std::string& level, bool allow_protocol,
                   protocol::MessageWriter* out) {
    try {
        logging::init_logging(logging::parse_log_format(format, allow_protocol), logging::parse_log_level(level), out);
    } catch (const std::exception& e) {
        throw RunFailure(e.what(), "config_error", FailureKind::Usage);
    }
}

std::unique_ptr<Connector> load_connector(const ConnectorRequest& r) {
    try {
        return make_connector(r.spec, r.plugin_dirs, r.isolate, r.log_level, r.max_record_bytes);
    } catch (const std::exception& e) {
        throw RunFailure(e.what(), "config_error");
    }
}

void require_kind(const Connector& conn, int32_t wanted, const std::string& why, FailureKind kind) {
    if (conn.info().kind != wanted)
        throw RunFailure("plugin " + conn.info().name + " is a " + conn.info().kind_name() + "; " + why, "config_error",
                         kind);
}

}  // namespace connhost::runtime
