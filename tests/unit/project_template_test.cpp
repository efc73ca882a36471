// scaffold::create_project (connhost new): placeholders filled in names and contents, and the inputs it refuses.
#include "scaffold/project_template.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using connhost::scaffold::create_project;
using connhost::scaffold::fill_placeholders;
using connhost::scaffold::ProjectRequest;
using connhost::scaffold::ScaffoldError;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "connhost_new_XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

std::string read(const fs::path& p) {
    std::ostringstream s;
    s << std::ifstream(p).rdbuf();
    return s.str();
}

// A templates folder holding source_cpp with a placeholder in a file name and in contents.
fs::path make_templates(const fs::path& root) {
    write(root / "source_cpp" / "@CONNECTOR@.cpp", "// @CONNECTOR@ says @NAME@ @NAME@\n");
    write(root / "source_cpp" / "sub" / "README.md", "# @CONNECTOR@\n");
    return root;
}

std::string message_of(const ProjectRequest& r, const fs::path& root) {
    try {
        create_project(r, root);
    } catch (const ScaffoldError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("fill_placeholders replaces every occurrence, including a value that contains a placeholder") {
    CHECK(fill_placeholders("@NAME@/@CONNECTOR@/@NAME@", "w", "source_w") == "w/source_w/w");
    CHECK(fill_placeholders("@NAME@", "@NAME@", "x") == "@NAME@");
}

TEST_CASE("a project gets the placeholders filled in its file names and contents") {
    TempDir t;
    const fs::path root = make_templates(t.path / "templates");
    auto dir = create_project({"source", "weather", "cpp", t.path / "out"}, root);
    CHECK(dir == t.path / "out");
    CHECK(read(t.path / "out" / "source_weather.cpp") == "// source_weather says weather weather\n");
    CHECK(read(t.path / "out" / "sub" / "README.md") == "# source_weather\n");
}

TEST_CASE("an existing empty folder is used; one that holds a file is refused and left alone") {
    TempDir t;
    const fs::path root = make_templates(t.path / "templates");
    fs::create_directories(t.path / "empty");
    create_project({"source", "a", "cpp", t.path / "empty"}, root);
    CHECK(fs::exists(t.path / "empty" / "source_a.cpp"));
    write(t.path / "full" / "mine.txt", "keep");
    CHECK(message_of({"source", "a", "cpp", t.path / "full"}, root).find("exists and is not empty") !=
          std::string::npos);
    CHECK(read(t.path / "full" / "mine.txt") == "keep");
    CHECK_FALSE(fs::exists(t.path / "full" / "source_a.cpp"));
}

TEST_CASE("a bad name, kind or language, or a missing template, is refused naming it") {
    TempDir t;
    const fs::path root = make_templates(t.path / "templates");
    CHECK(message_of({"source", "Bad-Name", "cpp", t.path / "x"}, root).find("\"Bad-Name\" is not a valid") !=
          std::string::npos);
    CHECK(message_of({"sink", "a", "cpp", t.path / "x"}, root).find("unknown kind \"sink\"") != std::string::npos);
    CHECK(message_of({"source", "a", "go", t.path / "x"}, root).find("--lang \"go\"") != std::string::npos);
    CHECK(message_of({"destination", "a", "cpp", t.path / "x"}, root).find("CONNHOST_TEMPLATE_DIR") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(t.path / "x"));
}
