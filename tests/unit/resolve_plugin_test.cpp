// loader::resolve_plugin and plugin_search_path: a name becomes a file, or the error lists every place searched.
#include "loader/plugin_search.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using connhost::loader::plugin_search_path;
using connhost::loader::PluginLoadError;
using connhost::loader::resolve_plugin;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "connhost_resolve_XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path touch(const std::string& name) const {
        std::ofstream(path / name) << "not really a library";
        return path / name;
    }
};

}  // namespace

TEST_CASE("a short name finds lib<name>.so; a file name is taken as given; the first directory wins") {
    TempDir a, b;
    b.touch("libdest_x.so");
    fs::path in_a = a.touch("libdest_x.so");
    b.touch("other.so");
    CHECK(resolve_plugin("dest_x", {a.path, b.path}) == in_a);
    CHECK(resolve_plugin("libdest_x.so", {a.path, b.path}) == in_a);
    CHECK(resolve_plugin("other", {a.path, b.path}) == b.path / "other.so");
}

TEST_CASE("a spec with a slash is a path and is not searched") {
    CHECK(resolve_plugin("./nowhere/libx.so", {}) == fs::path("./nowhere/libx.so"));
}

TEST_CASE("a directory of the plugin's name is not a plugin") {
    TempDir a;
    fs::create_directory(a.path / "libsrc.so");
    CHECK_THROWS_AS(resolve_plugin("src", {a.path}), PluginLoadError);
}

TEST_CASE("not found: the error names every path searched and what to do") {
    TempDir a, b;
    std::string msg;
    try {
        resolve_plugin("source_missing", {a.path, b.path});
    } catch (const PluginLoadError& e) {
        msg = e.what();
    }
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.find("plugin \"source_missing\" not found; looked for:") == 0);
    for (const fs::path& dir : {a.path, b.path})
        for (const char* name : {"source_missing", "libsource_missing.so", "source_missing.so"}) {
            CAPTURE(name);
            CHECK(msg.find("\n  " + (dir / name).string() + "\n") != std::string::npos);
        }
    CHECK(msg.find("--plugin-dir") != std::string::npos);
    CHECK(msg.find("CONNHOST_PLUGIN_PATH") != std::string::npos);
    CHECK(msg.find("connhost plugins") != std::string::npos);
}

TEST_CASE("the search path: --plugin-dir, then CONNHOST_PLUGIN_PATH, then the install, then ~/.local") {
    ::setenv("CONNHOST_PLUGIN_PATH", "/env/one::/env/two/", 1);
    ::setenv("HOME", "/home/someone", 1);
    auto dirs = plugin_search_path({"/flag/dir"});
    ::unsetenv("CONNHOST_PLUGIN_PATH");
    REQUIRE(dirs.size() == 5);
    CHECK(dirs[0] == fs::path("/flag/dir"));
    CHECK(dirs[1] == fs::path("/env/one"));
    CHECK(dirs[2] == fs::path("/env/two/"));
    CHECK(dirs[3].string().find("lib/connhost/plugins") != std::string::npos);
    CHECK(dirs[4] == fs::path("/home/someone/.local/lib/connhost/plugins"));
}

namespace {

connhost::loader::PluginCandidate candidate(const std::string& path, const std::string& name) {
    connhost::loader::PluginCandidate c;
    c.path = path;
    c.info.emplace();
    c.info->name = name;
    return c;
}

}  // namespace

TEST_CASE("pick_plugin: a file name wins, else the first descriptor of the name in scan order") {
    using connhost::loader::pick_plugin;
    std::vector<connhost::loader::PluginCandidate> found = {
        candidate("/a/libx_v2.so", "weather"), candidate("/a/libz.so", "twin"), candidate("/b/libtwin.so", "other"),
        candidate("/b/liby.so", "twin")};
    CHECK(pick_plugin(found, "weather")->path == "/a/libx_v2.so");
    CHECK(pick_plugin(found, "twin")->path == "/b/libtwin.so");  // libtwin.so is the file name of "twin"
    CHECK(pick_plugin(found, "x_v2")->path == "/a/libx_v2.so");
    CHECK(pick_plugin(found, "nothing") == nullptr);
}

TEST_CASE("duplicate_name_warnings names the files sharing a descriptor name and the one lookup uses") {
    std::vector<connhost::loader::PluginCandidate> found = {
        candidate("/a/libb.so", "dup"), candidate("/b/liba.so", "dup"), candidate("/b/libc.so", "single")};
    auto w = connhost::loader::duplicate_name_warnings(found);
    REQUIRE(w.size() == 1);
    CHECK(w[0] == "2 plugins are named \"dup\" (/a/libb.so, /b/liba.so); `--plugin dup` uses /a/libb.so");
}

TEST_CASE("a descriptor name is [a-z0-9_]+") {
    using connhost::loader::valid_plugin_name;
    CHECK(valid_plugin_name("source_weather_2"));
    CHECK_FALSE(valid_plugin_name(""));
    CHECK_FALSE(valid_plugin_name("Weather"));
    CHECK_FALSE(valid_plugin_name("fuzz-memory"));
    CHECK_FALSE(valid_plugin_name("a.b"));
}
