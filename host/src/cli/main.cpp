// connhost: the command-line front end. Parses arguments and hands over to the runtime; no logic of its own.
#include "cli/commands.hpp"

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    using namespace connhost::cli;
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(top_level_help().c_str(), stdout);
        return argc < 2 ? 2 : 0;
    }
    std::string cmd = argv[1];
    if (cmd == "--version" || cmd == "version") return cmd_version();
    if (cmd == "run") return cmd_run(argc - 1, argv + 1);
    if (cmd == "plugins") return cmd_plugins(argc - 1, argv + 1);
    if (cmd == "sync") return cmd_sync(argc - 1, argv + 1);
    std::fprintf(stderr, "connhost: unknown command \"%s\"; run `connhost --help` for the list\n", cmd.c_str());
    return 2;
}
