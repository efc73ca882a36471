#include "scaffold/project_template.hpp"

#include "loader/plugin_library.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace connhost::scaffold {

namespace {

// "source_weather" for a source, "dest_weather" for a destination: the file and descriptor name.
std::string connector_of(const ProjectRequest& req) { return (req.kind == "source" ? "source_" : "dest_") + req.name; }

void check_request(const ProjectRequest& req) {
    if (req.kind != "source" && req.kind != "destination")
        throw ScaffoldError("connhost new: unknown kind \"" + req.kind + "\": say `source` or `destination`");
    if (!loader::valid_plugin_name(req.name))
        throw ScaffoldError("connhost new: NAME \"" + req.name +
                            "\" is not a valid connector name: use lower-case letters, digits and _ only "
                            "(for example weather or my_api)");
    if (req.lang != "cpp" && req.lang != "c")
        throw ScaffoldError("connhost new: --lang \"" + req.lang + "\" is not known: say cpp or c");
}

// Refuses a target that exists and is not an empty folder.
void check_target(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    if (!fs::is_directory(dir, ec))
        throw ScaffoldError("connhost new: " + dir.string() + " exists and is not a folder: choose another --dir");
    if (!fs::is_empty(dir, ec))
        throw ScaffoldError("connhost new: the folder " + dir.string() +
                            " exists and is not empty; nothing was written. Remove it or choose another --dir");
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw ScaffoldError("connhost new: cannot read template file " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, const std::string& text, fs::perms perms) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw ScaffoldError("connhost new: cannot write " + p.string() + ": check the folder's space");
    fs::permissions(p, perms);
}

}  // namespace

fs::path template_root() {
    if (const char* env = std::getenv("CONNHOST_TEMPLATE_DIR"); env && *env) return env;
    boost::dll::fs::error_code ec;
    auto exe = boost::dll::program_location(ec);
    if (ec) return "/usr/share/connhost/templates";
    return (fs::path(exe.parent_path().string()) / ".." / "share" / "connhost" / "templates").lexically_normal();
}

std::string fill_placeholders(std::string text, std::string_view name, std::string_view connector) {
    for (auto [key, value] : {std::pair{std::string_view("@NAME@"), name}, {"@CONNECTOR@", connector}}) {
        for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    }
    return text;
}

fs::path create_project(const ProjectRequest& req, const fs::path& root) {
    check_request(req);
    const std::string connector = connector_of(req);
    const fs::path from = root / ((req.kind == "source" ? "source_" : "dest_") + req.lang);
    std::error_code ec;
    if (!fs::is_directory(from, ec))
        throw ScaffoldError("connhost new: template folder " + from.string() +
                            " not found: install the connhost-dev package, or point CONNHOST_TEMPLATE_DIR at the "
                            "templates folder");
    const fs::path dir = req.dir.empty() ? fs::path(connector) : req.dir;
    check_target(dir);
    for (const auto& e : fs::recursive_directory_iterator(from)) {
        if (!e.is_regular_file()) continue;
        const fs::path rel = fill_placeholders(fs::relative(e.path(), from).string(), req.name, connector);
        write_file(dir / rel, fill_placeholders(read_file(e.path()), req.name, connector),
                   fs::status(e.path()).permissions() | fs::perms::owner_write);
    }
    return dir;
}

}  // namespace connhost::scaffold
