// Loading a connector library and checking its descriptor against this host's ABI.
#pragma once
#include <connhost/plugin_api.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::loader {

// What a plugin says about itself, copied out of its descriptor.
struct PluginInfo {
    std::string name, version, description;
    int32_t kind = 0;  // CONNHOST_KIND_*
    uint32_t abi_major = 0, abi_minor = 0;
    std::filesystem::path path;

    const char* kind_name() const noexcept;  // "source", "destination" or "unknown"
};

// A plugin could not be loaded; the message names the file, the cause and what to do.
class PluginLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A loaded, ABI-checked connector. The library stays mapped until the process exits.
struct LoadedPlugin {
    const connhost_plugin* descriptor = nullptr;
    PluginInfo info;
};

// True when `name` is non-empty and only [a-z0-9_]: the names a connector may carry (descriptor, file, package).
bool valid_plugin_name(std::string_view name) noexcept;

// Loads `path` with RTLD_NOW | RTLD_LOCAL and validates its descriptor; throws PluginLoadError.
LoadedPlugin load_plugin(const std::filesystem::path& path);

// The smallest descriptor size an ABI 1 plugin may declare: the 1.0 layout's, whatever minor this host is built with.
constexpr uint32_t kMinDescriptorSize = CONNHOST_PLUGIN_SIZE_1_0;

}  // namespace connhost::loader
