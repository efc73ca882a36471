#include "runtime/connector_factory.hpp"

#include "loader/plugin_search.hpp"
#include "runtime/child_process_connector.hpp"
#include "runtime/in_process_connector.hpp"

namespace connhost::runtime {

std::unique_ptr<Connector> make_connector(const std::string& spec, const std::vector<std::string>& plugin_dirs, bool isolate,
                                          const std::string& log_level, size_t max_record_bytes) {
    loader::LoadedPlugin plugin = loader::load_plugin(loader::resolve_plugin(spec, loader::plugin_search_path(plugin_dirs)));
    if (isolate) return std::make_unique<ChildProcessConnector>(plugin.info, log_level, max_record_bytes);
    return std::make_unique<InProcessConnector>(std::move(plugin), max_record_bytes);
}

}  // namespace connhost::runtime
