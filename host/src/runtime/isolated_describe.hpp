// Reading a plugin's descriptor in a child process, so that with --isolate none of the plugin's code runs in the host.
#pragma once
#include "loader/plugin_library.hpp"

#include <filesystem>
#include <string>

namespace connhost::runtime {

// The JSON line `connhost describe-plugin` prints: the plugin's name, version, description, kind and ABI version.
std::string plugin_info_json(const loader::PluginInfo& info);

// Loads and ABI-checks `path` in a child `connhost describe-plugin PATH` and returns what it says. Throws
// loader::PluginLoadError with the child's message when it refuses the plugin, and naming the plugin and the
// signal when loading the library crashed the child (the host itself is unaffected).
loader::PluginInfo describe_in_child(const std::filesystem::path& path);

// `connhost describe-plugin PATH`: prints plugin_info_json of the loaded plugin and returns 0, or prints
// {"error": "..."} and returns 1. Runs the plugin's load-time code in this process.
int describe_plugin_command(const std::filesystem::path& path);

}  // namespace connhost::runtime
