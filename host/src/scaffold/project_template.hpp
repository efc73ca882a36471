// `connhost new`: copying a connector project template with its placeholders filled in.
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::scaffold {

// A project could not be created; the message names the input at fault and what to do.
class ScaffoldError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What to create: kind "source" or "destination", connector short name (weather), language "cpp" or "c".
struct ProjectRequest {
    std::string kind, name, lang;
    std::filesystem::path dir;  // empty: ./source_<name> or ./dest_<name>
};

// The templates folder: $CONNHOST_TEMPLATE_DIR, else <dir of the executable>/../share/connhost/templates.
std::filesystem::path template_root();

// Replaces every "@NAME@" by `name` and every "@CONNECTOR@" by `connector` in `text`.
std::string fill_placeholders(std::string text, std::string_view name, std::string_view connector);

// Creates the project of `req` from <root>/<kind>_<lang> and returns its folder; throws ScaffoldError for a bad
// name, kind or language, a missing template, or a target folder that exists and is not empty.
std::filesystem::path create_project(const ProjectRequest& req, const std::filesystem::path& root);

}  // namespace connhost::scaffold
