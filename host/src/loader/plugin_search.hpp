// Finding connector libraries: the search path and resolving a name to a file.
#pragma once
#include "loader/plugin_library.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace connhost::loader {

// The directories searched, in order: each --plugin-dir, $CONNHOST_PLUGIN_PATH (colon-separated),
// <dir of the executable>/../lib/connhost/plugins (the install, or the build tree), ~/.local/lib/connhost/plugins.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& extra_dirs);

// Resolves a path, a file name (libdest_jsonl.so) or a short name (dest_jsonl) to an existing file;
// throws PluginLoadError listing every place it looked.
std::filesystem::path resolve_plugin(const std::string& spec, const std::vector<std::filesystem::path>& dirs);

// One file found while listing plugins: its info, or why it was skipped.
struct PluginCandidate {
    std::filesystem::path path;
    std::optional<PluginInfo> info;
    std::string skipped_because;
};

// Every *.so in `dirs` (first directory wins for a repeated file name), each loaded and checked.
std::vector<PluginCandidate> scan_plugins(const std::vector<std::filesystem::path>& dirs);

}  // namespace connhost::loader
