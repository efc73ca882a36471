#include "cli/commands.hpp"
#include "cli/failure_report.hpp"

#include "loader/plugin_search.hpp"
#include "runtime/isolated_describe.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace connhost::cli {

int cmd_plugins(int argc, char** argv) {
    std::vector<std::string> dirs;
    po::options_description desc(
        "Usage: connhost plugins [--plugin-dir D]...\nLists the connectors found on the search path.\n\nOptions");
    desc.add_options()("help,h", "show this help")("plugin-dir", po::value(&dirs)->composing(),
                                                   "also look here (repeatable)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        return report_failure("plugins", runtime::RunFailure(e.what(), "config_error", runtime::FailureKind::Usage));
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    auto path = loader::plugin_search_path(dirs);
    std::printf("search path:\n");
    for (const auto& d : path) std::printf("  %s\n", d.string().c_str());
    auto found = loader::scan_plugins(path);
    std::printf("\n%-20s %-12s %-10s %-6s %s\n", "NAME", "KIND", "VERSION", "ABI", "PATH");
    int skipped = 0;
    for (const auto& c : found) {
        if (!c.info) {
            ++skipped;
            continue;
        }
        std::string abi = std::to_string(c.info->abi_major) + "." + std::to_string(c.info->abi_minor);
        std::printf("%-20s %-12s %-10s %-6s %s\n", c.info->name.c_str(), c.info->kind_name(), c.info->version.c_str(),
                    abi.c_str(), c.path.string().c_str());
    }
    const auto duplicates = loader::duplicate_name_warnings(found);
    if (!duplicates.empty()) {
        std::printf("\nwarnings:\n");
        for (const auto& w : duplicates) std::printf("  %s\n", w.c_str());
    }
    if (skipped) {
        std::printf("\nskipped:\n");
        for (const auto& c : found)
            if (!c.info) std::printf("  %s: %s\n", c.path.string().c_str(), c.skipped_because.c_str());
    }
    return 0;
}

int cmd_describe_plugin(const char* path) { return runtime::describe_plugin_command(path); }

}  // namespace connhost::cli
