// The connhost subcommands; each parses its own arguments and returns the process exit code.
#pragma once
#include <string>

namespace connhost::cli {

std::string top_level_help();
int cmd_version();
int cmd_run(int argc, char** argv);          // connhost run --plugin P <verb> [...]
int cmd_plugins(int argc, char** argv);      // connhost plugins [--plugin-dir D]...
int cmd_sync(int argc, char** argv);         // connhost sync ...
int cmd_test_plugin(int argc, char** argv);  // connhost test-plugin PLUGIN [...]: certifies a connector
int cmd_describe_plugin(const char* path);   // connhost describe-plugin PATH: one JSON line (run by --isolate)

}  // namespace connhost::cli
