#include "cli/commands.hpp"

#include "cli/failure_report.hpp"
#include "cli/tolerance_options.hpp"
#include "protocol/message_writer.hpp"
#include "protocol/record_limit.hpp"
#include "runtime/delivery_ledger.hpp"
#include "runtime/run_operation.hpp"

#include <boost/program_options.hpp>

#include <csignal>
#include <iostream>
#include <sys/prctl.h>
#include <unistd.h>

namespace po = boost::program_options;

namespace connhost::cli {

namespace {

// A child of `--isolate` must not outlive its host: once the host is gone, an end of input on stdin would look
// clean and a write would complete streams with partial data. SIGKILL is the same as the host's own death.
void die_with_parent(pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(137);  // the host died before the line above took effect
}

// Reports a command-line mistake like any other failure, naming `--help`; returns the usage exit code.
int usage_error(protocol::MessageWriter& out, const std::string& message) {
    return report_failure("",
                          runtime::RunFailure(message + " (run `connhost run --help` for the options)", "config_error",
                                              runtime::FailureKind::Usage),
                          &out);
}

}  // namespace

int cmd_run(int argc, char** argv) {
    runtime::RunOptions o;
    protocol::MessageWriter out(STDOUT_FILENO);
    po::options_description desc(
        "Usage: connhost run --plugin P <spec|check|discover|read|write|read-back> [options]\n"
        "Behaves like an Airbyte connector: protocol messages one per line on stdout; `write` reads RECORD/STATE\n"
        "lines on stdin and prints each STATE once the destination has committed every record before it. `read-back`\n"
        "prints, as RECORD lines, what a destination holds for each stream of --catalog (destinations offering\n"
        "connhost.read_back/1).\n\nOptions");
    std::string verb, config, catalog, state;
    double idle_seconds = 5;
    int64_t max_record_mb = protocol::kDefaultMaxRecordMb;
    desc.add_options()                //
        ("help,h", "show this help")  //
        ("plugin,p", po::value(&o.plugin),
         "connector: a path, a file name (libdest_jsonl.so) or a short name (dest_jsonl)")  //
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(),
         "also look for plugins here (repeatable; before CONNHOST_PLUGIN_PATH)")                                     //
        ("config", po::value(&config), "connector config JSON file (check, discover, read, write, read-back)")       //
        ("catalog", po::value(&catalog), "configured or plain catalog JSON file (read, write, read-back)")           //
        ("state", po::value(&state), "state JSON file: an array of STATE messages or a legacy state object (read)")  //
        ("log-level", po::value(&o.log_level)->default_value("info"), "trace, debug, info, warn, error or off")      //
        ("log-format", po::value(&o.log_format)->default_value("protocol"),
         "protocol (Airbyte LOG messages on stdout), or text / json lines on stderr "
         "(stdout then carries data only)")  //
        ("isolate", po::bool_switch(&o.isolate),
         "run the plugin in a child process: a crash costs an error message, not the host")  //
        ("idle-commit-seconds", po::value(&idle_seconds)->default_value(5),
         "write: while no input comes, a destination commits and acknowledges what it holds within this bound")  //
        ("max-record-mb", po::value(&max_record_mb)->default_value(max_record_mb),
         "record size limit, MiB: a longer input line (write) or a larger source record (read) fails, naming it");
    ToleranceArgs tolerance;
    add_tolerance_options(desc, tolerance, "write only; required with all");
    po::options_description hidden;
    long parent_pid = 0;  // set by --isolate's parent: die with it, never finish its work alone
    hidden.add_options()("verb", po::value(&verb))("parent-pid", po::value(&parent_pid))  //
        ("rejects-to-parent", po::bool_switch(&o.rejects_to_parent))  // set by a parent that takes rejects
        ("changes-to-parent", po::bool_switch(&o.changes_to_parent))  // set by a parent that counts changed values
        ("partition", po::value(&o.partition));                       // set by the parent of a partitioned sync
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("verb", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
        o.idle_commit_ms = runtime::DeliveryLedger::idle_bound_from_seconds(idle_seconds, "--idle-commit-seconds");
        o.max_record_bytes = protocol::max_record_bytes(max_record_mb, "--max-record-mb");
        apply_tolerance_options(vm, tolerance, o.tolerance);
    } catch (const std::exception& e) {
        return usage_error(out, e.what());
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (parent_pid > 0) die_with_parent(static_cast<pid_t>(parent_pid));
    if (o.plugin.empty() || verb.empty())
        return usage_error(out,
                           "needs --plugin P and an operation (spec, check, discover, read, write or read-back); "
                           "`connhost plugins` lists the installed connectors");
    try {
        o.op = runtime::parse_operation(verb);
    } catch (const std::invalid_argument& e) {
        return usage_error(out, e.what());
    }
    if (vm.count("config")) o.config_path = config;
    if (vm.count("catalog")) o.catalog_path = catalog;
    if (vm.count("state")) o.state_path = state;
    try {
        runtime::run_operation(o, out);
    } catch (const runtime::RunFailure& f) {
        return report_failure("", f, &out);
    }
    return kExitOk;
}

}  // namespace connhost::cli
