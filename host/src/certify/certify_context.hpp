// CertifyContext: what every check of `connhost test-plugin` shares: the options, the plugin, a scratch folder and
// the runner of its steps.
#pragma once
#include "certify/plugin_runner.hpp"
#include "loader/plugin_library.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::certify {

// The command line of `connhost test-plugin`.
struct CertifyOptions {
    std::string plugin;  // as given: a path, a file name or a short name
    std::optional<std::filesystem::path> config, bad_config, catalog, junit, json;
    bool isolate = false;  // every step runs the plugin with --isolate (and the descriptor is read in a child)
};

// A fresh temporary folder, removed with everything in it when the object goes.
class ScratchDir {
public:
    // Creates $TMPDIR/connhost-test-plugin-XXXXXX; throws std::runtime_error when it cannot.
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    // Writes `content` to path()/name (replacing it) and returns that path; throws std::runtime_error naming it.
    std::filesystem::path write(const std::string& name, std::string_view content) const;

private:
    std::filesystem::path path_;
};

// Shared by the checks of one test-plugin run.
struct CertifyContext {
    CertifyOptions options;
    std::filesystem::path plugin_path;  // resolved as `run --plugin` resolves it
    loader::PluginInfo plugin;          // its descriptor: name, kind (plugin.kind_name()), version
    ScratchDir scratch;
    PluginRunner runner;

    CertifyContext(CertifyOptions opts, std::filesystem::path path, loader::PluginInfo info)
        : options(std::move(opts)),
          plugin_path(std::move(path)),
          plugin(std::move(info)),
          runner(plugin_path.string(), options.isolate) {}
};

}  // namespace connhost::certify
