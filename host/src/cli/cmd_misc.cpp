#include "cli/commands.hpp"
#include "cli/version.hpp"

#include <connhost/plugin_api.h>

#include <cstdio>

namespace connhost::cli {

std::string top_level_help() {
    return "connhost " CONNHOST_VERSION
           " - a native host for data-integration connectors\n"
           "\n"
           "Usage:\n"
           "  connhost run --plugin P <spec|check|discover|read|write|read-back> [--config F] [--catalog F]\n"
           "      [--state F]\n"
           "      Run one connector operation; Airbyte protocol messages on stdout (and stdin for write).\n"
           "  connhost sync --source P --source-config F --destination P --destination-config F [--catalog F] "
           "[--state-file F]\n"
           "  connhost sync CONNECTION.json\n"
           "      Move data from a source into a destination in one process, keeping acknowledged state.\n"
           "  connhost plugins [--plugin-dir D]\n"
           "      List the connectors found (name, kind, version, ABI, path) and why files were skipped.\n"
           "  connhost test-plugin PLUGIN [--config F] [--bad-config F] [--catalog F] [--junit F] [--json F]\n"
           "      [--isolate]\n"
           "      Certify a connector: one PASS / FAIL / SKIP line per check; exit 0 when none failed.\n"
           "  connhost --version\n"
           "\n"
           "Run `connhost <command> --help` for a command's options.\n";
}

int cmd_version() {
    std::printf("connhost %s (plugin ABI %d.%d)\n", CONNHOST_VERSION, CONNHOST_ABI_MAJOR, CONNHOST_ABI_MINOR);
    return 0;
}

}  // namespace connhost::cli
