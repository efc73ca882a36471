// Finding connector libraries: the search path and resolving a name to a file.
#pragma once
#include "loader/plugin_library.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace connhost::loader {

// The directories searched, in order: each --plugin-dir, $CONNHOST_PLUGIN_PATH (colon-separated),
// <dir of the executable>/../lib/connhost/plugins (the install, or the build tree), ~/.local/lib/connhost/plugins.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& extra_dirs);

// Reads a plugin's descriptor (in this process or a child); throws PluginLoadError when the file is refused.
using DescribePlugin = std::function<PluginInfo(const std::filesystem::path&)>;

// Loads `path` in this process and returns its info: the default DescribePlugin.
PluginInfo describe_in_process(const std::filesystem::path& path);

// Resolves a path, a file name (libdest_jsonl.so), a short file name (dest_jsonl) or a descriptor name to an existing
// file. A file name wins in search-path order; only when no file has the name are the descriptors of every *.so read
// (with `describe`), and the first in search-path order, then file name, whose descriptor has the name wins. When
// another plugin answers to the name too, `warning` (if given) says which ones and which won. Throws
// PluginLoadError listing every place it looked.
std::filesystem::path resolve_plugin(const std::string& spec, const std::vector<std::filesystem::path>& dirs,
                                     std::string* warning = nullptr,
                                     const DescribePlugin& describe = describe_in_process);

// One file found while listing plugins: its info, or why it was skipped.
struct PluginCandidate {
    std::filesystem::path path;
    std::optional<PluginInfo> info;
    std::string skipped_because;
};

// Every *.so in `dirs`, in search-path order then file name (a file name repeated in a later directory included),
// each read with `describe`.
std::vector<PluginCandidate> scan_plugins(const std::vector<std::filesystem::path>& dirs,
                                          const DescribePlugin& describe = describe_in_process);

// The candidate `--plugin name` resolves to among `found` (scan_plugins order): the first whose file name is
// `name`, lib<name>.so or <name>.so, else the first whose descriptor is named `name`; nullptr when none.
const PluginCandidate* pick_plugin(const std::vector<PluginCandidate>& found, const std::string& name);

// For each descriptor name carried by more than one plugin of `found`: a line naming the files and the one
// `--plugin NAME` uses. Empty when every name is unique.
std::vector<std::string> duplicate_name_warnings(const std::vector<PluginCandidate>& found);

}  // namespace connhost::loader
