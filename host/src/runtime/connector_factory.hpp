// make_connector: finds and loads a plugin, and wraps it in the in-process or child-process runner.
#pragma once
#include "runtime/connector.hpp"

#include <memory>
#include <string>
#include <vector>

namespace connhost::runtime {

// Resolves `spec` on the search path (plus `plugin_dirs`), loads and ABI-checks it, and returns a connector
// that runs it in this process or, with `isolate`, in child processes (loading included: a crash then costs an
// error, not the host). A source record (its data) over `max_record_bytes` fails the operation with CONFIG.
// Throws loader::PluginLoadError with what to do.
std::unique_ptr<Connector> make_connector(const std::string& spec, const std::vector<std::string>& plugin_dirs,
                                          bool isolate, const std::string& log_level, size_t max_record_bytes);

}  // namespace connhost::runtime
