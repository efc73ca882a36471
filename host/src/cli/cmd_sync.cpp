#include "cli/commands.hpp"

#include "protocol/record_limit.hpp"
#include "runtime/delivery_ledger.hpp"
#include "runtime/files.hpp"
#include "runtime/sync/sync_runner.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace connhost::cli {

int cmd_sync(int argc, char** argv) {
    std::string connection, src_cfg, dst_cfg, catalog, state_file, log_level = "info", log_format = "text";
    runtime::sync::SyncOptions o;
    size_t queue_mb = 16;
    int64_t max_record_mb = protocol::kDefaultMaxRecordMb;
    int progress_seconds = 10;
    double idle_seconds = 5;
    po::options_description desc(
        "Usage: connhost sync --source P --source-config F --destination P --destination-config F [--catalog F] [--state-file F]\n"
        "       connhost sync CONNECTION.json\n"
        "Runs a source and a destination in one process. Only states the destination acknowledged (every record before\n"
        "them committed) are written to the state file, atomically; re-running the same command resumes from it.\n"
        "Without a catalog, every discovered stream is synced with its default modes.\n\nOptions");
    desc.add_options()                                                                                           //
        ("help,h", "show this help")                                                                            //
        ("source", po::value(&o.source), "source connector (path, file name or short name)")                    //
        ("source-config", po::value(&src_cfg), "source config JSON file")                                      //
        ("destination", po::value(&o.destination), "destination connector")                                    //
        ("destination-config", po::value(&dst_cfg), "destination config JSON file")                            //
        ("catalog", po::value(&catalog), "configured or plain catalog JSON file (default: discover)")         //
        ("state-file", po::value(&state_file), "where acknowledged state is kept (read at start, replaced atomically)")  //
        ("reset-state", "start from scratch: drop the state file's states (e.g. for a new destination target)")  //
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(), "also look for plugins here (repeatable)")     //
        ("isolate", "run each plugin in its own child process: a crashing plugin costs an error, never the state")  //
        ("queue-mb", po::value(&queue_mb)->default_value(16), "bound of the source->destination queue, MiB")  //
        ("max-record-mb", po::value(&max_record_mb)->default_value(max_record_mb),
         "record size limit, MiB: a larger source record fails the sync, naming its stream")  //
        ("progress-seconds", po::value(&progress_seconds)->default_value(10),
         "when stderr is not a terminal, log a progress line this often (on a terminal one line is redrawn live)")  //
        ("idle-commit-seconds", po::value(&idle_seconds)->default_value(5),
         "while the source sends nothing, the destination commits and the state file is saved within this bound")  //
        ("log-level", po::value(&log_level)->default_value("info"), "trace, debug, info, warn, error or off")  //
        ("log-format", po::value(&log_format)->default_value("text"), "text or json (on stderr)");
    po::options_description hidden;
    hidden.add_options()("connection", po::value(&connection));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("connection", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return 0;
        }
        if (!connection.empty()) {
            auto plugin_dirs = o.plugin_dirs;
            o = runtime::sync::read_connection_file(connection);
            o.plugin_dirs.insert(o.plugin_dirs.begin(), plugin_dirs.begin(), plugin_dirs.end());
            if (vm.count("state-file")) o.state_file = state_file;
        } else {
            if (o.source.empty() || o.destination.empty())
                throw std::invalid_argument("needs --source and --destination (or a connection file); see `connhost sync --help`");
            o.source_config = vm.count("source-config") ? runtime::read_file(src_cfg, "source-config") : "{}";
            o.destination_config = vm.count("destination-config") ? runtime::read_file(dst_cfg, "destination-config") : "{}";
            if (vm.count("catalog")) {
                o.catalog = runtime::read_file(catalog, "catalog");
                o.catalog_origin = "catalog " + catalog;
            }
            o.state_file = state_file;
        }
        if (!vm["queue-mb"].defaulted() || connection.empty()) o.queue_bytes = queue_mb << 20;
        if (!vm["max-record-mb"].defaulted() || connection.empty()) o.max_record_bytes = protocol::max_record_bytes(max_record_mb, "--max-record-mb");
        if (vm.count("isolate")) o.isolate = true;
        if (vm.count("reset-state")) o.reset_state = true;
        if (!vm["idle-commit-seconds"].defaulted() || connection.empty())
            o.idle_commit_ms = runtime::DeliveryLedger::idle_bound_from_seconds(idle_seconds, "--idle-commit-seconds");
        if (progress_seconds < 1) throw std::invalid_argument("--progress-seconds must be at least 1");
        o.progress_seconds = progress_seconds;
        o.log_level = log_level;
        o.log_format = log_format;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "connhost sync: %s\n", e.what());
        return 2;
    }
    return runtime::sync::run_sync(o);
}

}  // namespace connhost::cli
