#include "loader/plugin_search.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <system_error>

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
    // A directory named twice (CONNHOST_PLUGIN_PATH naming the default) is one place: keep its first position.
    std::vector<fs::path> unique;
    std::set<fs::path> seen;
    for (const auto& d : dirs) {
        std::error_code canon_ec;
        fs::path key = fs::weakly_canonical(d, canon_ec);
        if (seen.insert(canon_ec ? d.lexically_normal() : key).second) unique.push_back(d.lexically_normal());
    }
    return unique;
}

namespace {

// The file names `spec` stands for: itself and, without ".so", lib<spec>.so and <spec>.so.
std::vector<std::string> file_names_of(const std::string& spec) {
    std::vector<std::string> names = {spec};
    if (spec.find(".so") == std::string::npos) {
        names.push_back("lib" + spec + ".so");
        names.push_back(spec + ".so");
    }
    return names;
}

// Every existing file among dir/name for `names`, in search-path order; `looked` gets every path tried.
std::vector<fs::path> files_named(const std::vector<std::string>& names, const std::vector<fs::path>& dirs,
                                  std::string& looked) {
    std::vector<fs::path> hits;
    for (const auto& dir : dirs) {
        for (const auto& n : names) {
            fs::path p = dir / n;
            std::error_code ec;
            if (fs::is_regular_file(p, ec)) hits.push_back(p);
            looked += "\n  " + p.string();
        }
    }
    return hits;
}

std::string path_list(const std::vector<fs::path>& paths) {
    std::string out;
    for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p.string();
    return out;
}

}  // namespace

PluginInfo describe_in_process(const fs::path& path) { return load_plugin(path).info; }

fs::path resolve_plugin(const std::string& spec, const std::vector<fs::path>& dirs, std::string* warning,
                        const DescribePlugin& describe) {
    if (spec.find('/') != std::string::npos) return spec;
    std::string looked;
    std::vector<fs::path> hits = files_named(file_names_of(spec), dirs, looked);
    if (!hits.empty()) {
        if (hits.size() > 1 && warning)
            *warning = "plugin \"" + spec + "\" matches " + std::to_string(hits.size()) + " files (" + path_list(hits) +
                "); using " + hits.front().string() + ", the first on the search path";
        return hits.front();
    }
    const auto found = scan_plugins(dirs, describe);
    std::vector<fs::path> named;
    for (const auto& c : found)
        if (c.info && c.info->name == spec) named.push_back(c.path);
    if (!named.empty()) {
        if (named.size() > 1 && warning)
            *warning = std::to_string(named.size()) + " plugins are named \"" + spec + "\" (" + path_list(named) +
                "); using " + named.front().string() + ", the first in search-path order, then file name";
        return named.front();
    }
    throw PluginLoadError(
        "plugin \"" + spec + "\" not found; looked for:" + looked + "\nand for a plugin whose descriptor is named \"" +
        spec + "\" in those directories." +
        "\nPass a path (--plugin ./libx.so), add a directory with --plugin-dir or CONNHOST_PLUGIN_PATH, "
        "or run `connhost plugins` to see what is installed");
}

std::vector<PluginCandidate> scan_plugins(const std::vector<fs::path>& dirs, const DescribePlugin& describe) {
    std::vector<PluginCandidate> out;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".so" && e.is_regular_file(ec)) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            PluginCandidate c;
            c.path = f;
            try {
                c.info = describe(f);
            } catch (const std::exception& e) {
                c.skipped_because = e.what();
            }
            out.push_back(std::move(c));
        }
    }
    return out;
}

const PluginCandidate* pick_plugin(const std::vector<PluginCandidate>& found, const std::string& name) {
    const auto names = file_names_of(name);
    for (const auto& c : found)
        if (std::find(names.begin(), names.end(), c.path.filename().string()) != names.end()) return &c;
    for (const auto& c : found)
        if (c.info && c.info->name == name) return &c;
    return nullptr;
}

std::vector<std::string> duplicate_name_warnings(const std::vector<PluginCandidate>& found) {
    std::map<std::string, std::vector<fs::path>> by_name;
    for (const auto& c : found)
        if (c.info) by_name[c.info->name].push_back(c.path);
    std::vector<std::string> out;
    for (const auto& [name, paths] : by_name) {
        if (paths.size() < 2) continue;
        const PluginCandidate* wins = pick_plugin(found, name);
        out.push_back(std::to_string(paths.size()) + " plugins are named \"" + name + "\" (" + path_list(paths) +
                      "); `--plugin " + name + "` uses " + (wins ? wins->path.string() : std::string("none")));
    }
    return out;
}

}  // namespace connhost::loader
