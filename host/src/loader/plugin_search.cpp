#include "loader/plugin_search.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace fs = std::filesystem;

namespace connhost::loader {

std::vector<fs::path> plugin_search_path(const std::vector<std::string>& extra_dirs) {
    std::vector<fs::path> dirs(extra_dirs.begin(), extra_dirs.end());
    if (const char* env = std::getenv("CONNHOST_PLUGIN_PATH")) {
        std::string s = env;
        size_t start = 0;
        while (start <= s.size()) {
            size_t colon = s.find(':', start);
            std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!part.empty()) dirs.emplace_back(part);
            if (colon == std::string::npos) break;
            start = colon + 1;
        }
    }
    boost::dll::fs::error_code ec;
    auto exe = boost::dll::program_location(ec);
    if (!ec) dirs.push_back(fs::path(exe.parent_path().string()) / ".." / "lib" / "connhost" / "plugins");
    if (const char* home = std::getenv("HOME"))
        dirs.push_back(fs::path(home) / ".local" / "lib" / "connhost" / "plugins");
    for (auto& d : dirs) d = d.lexically_normal();
    return dirs;
}

fs::path resolve_plugin(const std::string& spec, const std::vector<fs::path>& dirs) {
    if (spec.find('/') != std::string::npos) return spec;
    std::vector<std::string> names = {spec};
    if (spec.find(".so") == std::string::npos) {
        names.push_back("lib" + spec + ".so");
        names.push_back(spec + ".so");
    }
    std::string looked;
    for (const auto& dir : dirs) {
        for (const auto& n : names) {
            fs::path p = dir / n;
            std::error_code ec;
            if (fs::is_regular_file(p, ec)) return p;
            looked += "\n  " + p.string();
        }
    }
    throw PluginLoadError(
        "plugin \"" + spec + "\" not found; looked for:" + looked +
        "\nPass a path (--plugin ./libx.so), add a directory with --plugin-dir or CONNHOST_PLUGIN_PATH, "
        "or run `connhost plugins` to see what is installed");
}

std::vector<PluginCandidate> scan_plugins(const std::vector<fs::path>& dirs) {
    std::vector<PluginCandidate> out;
    std::set<std::string> seen;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".so") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            if (!seen.insert(f.filename().string()).second) continue;
            PluginCandidate c;
            c.path = f;
            try {
                c.info = load_plugin(f).info;
            } catch (const std::exception& e) {
                c.skipped_because = e.what();
            }
            out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace connhost::loader
