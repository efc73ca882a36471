// connhost new source|destination NAME: a connector project to start from.
#include "cli/commands.hpp"
#include "cli/failure_report.hpp"

#include "scaffold/project_template.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace connhost::cli {

namespace {

po::options_description new_options(scaffold::ProjectRequest& r, std::string& dir) {
    po::options_description desc(
        "Usage: connhost new source|destination NAME [--lang cpp|c] [--dir DIR]\n"
        "Creates a small working connector project (source_NAME or dest_NAME) that builds against the installed\n"
        "connhost with plain CMake, with a README, a sample config and a ctest test running `connhost test-plugin`.\n"
        "NAME is lower-case letters, digits and _ only. Templates come from $CONNHOST_TEMPLATE_DIR or\n"
        "<dir of connhost>/../share/connhost/templates.\n\nOptions");
    desc.add_options()                                                                                    //
        ("help,h", "show this help")                                                                      //
        ("lang", po::value(&r.lang)->default_value("cpp"), "cpp (the C++ SDK) or c (plugin_api.h only)")  //
        ("dir", po::value(&dir), "the project folder (default ./source_NAME or ./dest_NAME; must not hold files)");
    return desc;
}

}  // namespace

int cmd_new(int argc, char** argv) {
    scaffold::ProjectRequest req;
    std::string dir;
    po::options_description desc = new_options(req, dir);
    po::options_description hidden;
    hidden.add_options()("kind", po::value(&req.kind))("name", po::value(&req.name));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("kind", 1).add("name", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        return report_failure("new",
                              runtime::RunFailure(std::string(e.what()) + "; run `connhost new --help`", "config_error",
                                                  runtime::FailureKind::Usage));
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (req.kind.empty() || req.name.empty()) {
        std::fprintf(stderr, "connhost new: say what to create: connhost new source|destination NAME\n");
        return 2;
    }
    req.dir = dir;
    try {
        auto made = scaffold::create_project(req, scaffold::template_root());
        std::printf("created %s in %s\nnext: cmake -S %s -B %s/build && cmake --build %s/build; see %s/README.md\n",
                    req.kind.c_str(), made.string().c_str(), made.string().c_str(), made.string().c_str(),
                    made.string().c_str(), made.string().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
    return 0;
}

}  // namespace connhost::cli
