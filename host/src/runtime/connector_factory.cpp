#include "runtime/connector_factory.hpp"

#include "loader/plugin_search.hpp"
#include "logging/log_setup.hpp"
#include "runtime/child_process_connector.hpp"
#include "runtime/in_process_connector.hpp"
#include "runtime/isolated_describe.hpp"

namespace connhost::runtime {

std::unique_ptr<Connector> make_connector(const std::string& spec, const std::vector<std::string>& plugin_dirs,
                                          bool isolate, const std::string& log_level, size_t max_record_bytes) {
    std::string warning;
    // Isolated, reading descriptors to find a plugin by name runs no plugin code here either.
    const auto path = loader::resolve_plugin(spec, loader::plugin_search_path(plugin_dirs), &warning,
                                             isolate ? describe_in_child : loader::describe_in_process);
    if (!warning.empty()) logging::host_log().warn("{}", warning);
    // Isolated, nothing of the plugin runs here, not even its load-time code: a child reads its descriptor.
    if (isolate) return std::make_unique<ChildProcessConnector>(describe_in_child(path), log_level, max_record_bytes);
    return std::make_unique<InProcessConnector>(loader::load_plugin(path), max_record_bytes);
}

}  // namespace connhost::runtime
