// connhost: the command-line front end. Parses arguments and hands over to the runtime; no logic of its own.
#include "cli/commands.hpp"
#include "cli/failure_report.hpp"
#include "logging/log_setup.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

// True when the command line asks for --log-format json (as "--log-format json" or "--log-format=json"), looked for
// before any option is parsed, so that a mistake on the command line is a JSON line on stderr too.
bool json_logs_asked(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--log-format=json")) return true;
        if (!std::strcmp(argv[i], "--log-format") && i + 1 < argc && !std::strcmp(argv[i + 1], "json")) return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace connhost::cli;
#if defined(__GLIBC__)
    // Record batches are ~1 MiB buffers; freeing the first ones makes glibc raise its trim threshold up to
    // 32 MiB, so freed pages of a long sync stay in the process. A fixed 1 MiB threshold returns them
    // (bench/footprint.sh: 10^7 records into dest_jsonl peaked at 43 MB before, 15 to 35 MB after).
    mallopt(M_TRIM_THRESHOLD, 1 << 20);
#endif
    // A closed pipe (a crashed --isolate child, a reader of stdout that went away) is an error of that write, never
    // the death of the host.
    std::signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(top_level_help().c_str(), stdout);
        return argc < 2 ? 2 : 0;
    }
    if (json_logs_asked(argc, argv))
        connhost::logging::init_logging(connhost::logging::LogFormat::Json, spdlog::level::info);
    std::string cmd = argv[1];
    if (cmd == "--version" || cmd == "version") return cmd_version();
    if (cmd == "run") return cmd_run(argc - 1, argv + 1);
    if (cmd == "plugins") return cmd_plugins(argc - 1, argv + 1);
    if (cmd == "describe-plugin" && argc == 3) return cmd_describe_plugin(argv[2]);  // hidden: the child of --isolate
    if (cmd == "sync") return cmd_sync(argc - 1, argv + 1);
    if (cmd == "new") return cmd_new(argc - 1, argv + 1);
    if (cmd == "test-plugin") return cmd_test_plugin(argc - 1, argv + 1);
    return report_failure(
        "",
        connhost::runtime::RunFailure("unknown command \"" + cmd + "\"; run `connhost --help` for the list",
                                      "config_error", connhost::runtime::FailureKind::Usage));
}
