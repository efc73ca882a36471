// `connhost test-plugin`: certifies a connector (ours or a third party's) with a standard set of checks.
#include "certify/destination_checks.hpp"
#include "certify/source_checks.hpp"
#include "cli/commands.hpp"
#include "cli/failure_report.hpp"
#include "loader/plugin_search.hpp"
#include "runtime/isolated_describe.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace connhost::cli {

namespace {

constexpr int kExitChecksFailed = 1;  // kExitUsage: cli/failure_report.hpp

const char* const kUsage =
    "Usage: connhost test-plugin PLUGIN [--config FILE] [--bad-config FILE] [--catalog FILE] [--junit FILE]\n"
    "           [--json FILE] [--isolate]\n"
    "Certifies a connector: runs spec, check, discover, read (sources) or write (destinations) in child processes\n"
    "and prints one line per check (PASS / FAIL / SKIP with why), then a summary. Exits 0 when no check failed,\n"
    "1 when one did, 2 on a usage error. The checks are listed in the README (connhost test-plugin).\n\nOptions";

// Parses the command line into `o`; returns an exit code when the command ends here (help, usage error).
std::optional<int> parse_options(int argc, char** argv, certify::CertifyOptions& o) {
    po::options_description desc(kUsage);
    std::string config, bad_config, catalog, junit, json;
    desc.add_options()("help,h", "show this help")                                                   //
        ("config", po::value(&config), "a working config JSON file (check, discover, read, write)")  //
        ("bad-config", po::value(&bad_config),
         "a config that must fail check (default: the good one without its required fields)")           //
        ("catalog", po::value(&catalog), "configured catalog for read (default: built from discover)")  //
        ("junit", po::value(&junit), "also write the results as a JUnit XML file")                      //
        ("json", po::value(&json), "also write the results as a JSON file")                             //
        ("isolate", po::bool_switch(&o.isolate), "run the plugin with --isolate in every step");
    po::options_description hidden;
    hidden.add_options()("plugin", po::value(&o.plugin));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("plugin", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        return report_failure("test-plugin",
                              runtime::RunFailure(std::string(e.what()) + " (run `connhost test-plugin --help`)",
                                                  "config_error", runtime::FailureKind::Usage));
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (o.plugin.empty()) {
        std::fprintf(stderr, "connhost test-plugin: needs PLUGIN (a path or a name `connhost plugins` lists)\n");
        return kExitUsage;
    }
    auto set = [&](const char* name, const std::string& v, std::optional<std::filesystem::path>& into) {
        if (vm.count(name)) into = v;
    };
    set("config", config, o.config);
    set("bad-config", bad_config, o.bad_config);
    set("catalog", catalog, o.catalog);
    for (const auto* input : {&o.config, &o.bad_config, &o.catalog})
        if (*input && !std::filesystem::is_regular_file(**input)) {
            std::fprintf(stderr, "connhost test-plugin: %s is not a readable file\n", (*input)->c_str());
            return kExitUsage;
        }
    set("junit", junit, o.junit);
    set("json", json, o.json);
    return std::nullopt;
}

// Writes the report files asked for; false (after saying why on stderr) when one cannot be written.
bool write_report_files(const certify::CertifyOptions& o, const certify::CheckReport& report) {
    try {
        if (o.junit) report.write_junit(o.junit->string());
        if (o.json) report.write_json(o.json->string());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "connhost test-plugin: %s\n", e.what());
        return false;
    }
    return true;
}

// Loads the descriptor of `path` (in a child with --isolate) and runs the checks of its kind into `report`.
void certify_plugin(const certify::CertifyOptions& o, const std::filesystem::path& path, certify::CheckReport& report) {
    loader::PluginInfo info;
    try {
        info = o.isolate ? runtime::describe_in_child(path) : loader::load_plugin(path).info;
    } catch (const std::exception& e) {
        report.fail("spec.load", e.what());
        return;
    }
    report.set_suite_name(info.name);
    report.pass("spec.load",
                std::string(info.kind_name()) + " " + info.name + " " + info.version + " (ABI " +
                    std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor) + ")");
    certify::CertifyContext ctx(o, path, info);
    if (info.kind == CONNHOST_KIND_SOURCE)
        certify::certify_source(ctx, report);
    else if (info.kind == CONNHOST_KIND_DESTINATION)
        certify::certify_destination(ctx, report);
    else
        report.fail("spec.kind",
                    "the descriptor's kind is " + std::to_string(info.kind) + ", neither source nor destination");
}

}  // namespace

int cmd_test_plugin(int argc, char** argv) {
    certify::CertifyOptions o;
    if (auto code = parse_options(argc, argv, o)) return *code;
    std::filesystem::path path;
    try {
        path = loader::resolve_plugin(o.plugin, loader::plugin_search_path({}));
        if (!std::filesystem::exists(path))
            throw std::runtime_error("plugin file " + path.string() + " does not exist: check the path");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "connhost test-plugin: %s\n", e.what());
        return kExitUsage;
    }
    certify::CheckReport report;
    try {
        certify_plugin(o, path, report);
    } catch (const std::exception& e) {
        report.fail("test-plugin.error", e.what());
    }
    report.print_summary();
    if (!write_report_files(o, report)) return kExitUsage;
    return report.any_failed() ? kExitChecksFailed : 0;
}

}  // namespace connhost::cli
