#include "cli/commands.hpp"
#include "cli/failure_report.hpp"
#include "cli/tolerance_options.hpp"

#include "protocol/record_limit.hpp"
#include "runtime/delivery_ledger.hpp"
#include "runtime/files.hpp"
#include "runtime/sync/sync_runner.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace connhost::cli {

namespace {

// The command line of `connhost sync` as given, before it becomes SyncOptions.
struct SyncArgs {
    std::string connection, src_cfg, dst_cfg, catalog, state_file, partition, log_level = "info", log_format = "text";
    size_t queue_mb = 16;
    int64_t max_record_mb = protocol::kDefaultMaxRecordMb;
    int progress_seconds = 10;
    double idle_seconds = 5;
    std::string namespace_definition, namespace_format, stream_prefix;
    ToleranceArgs tolerance;
};

// The namespace mapping flags (Airbyte's connection settings); a connection file's values when not given.
void add_namespace_options(po::options_description& desc, SyncArgs& a) {
    desc.add_options()  //
        ("namespace-definition", po::value(&a.namespace_definition),
         "where streams are written: source (the source's namespace, the default), destination (the destination's "
         "default namespace/schema) or custom (--namespace-format)")  //
        ("namespace-format", po::value(&a.namespace_format),
         "with --namespace-definition custom: the namespace, ${SOURCE_NAMESPACE} standing for the source's")  //
        ("stream-prefix", po::value(&a.stream_prefix), "put before every stream name in the destination");
}

// Applies the namespace flags given over what `o` holds (a connection file's settings or the defaults).
void apply_namespace_options(const po::variables_map& vm, const SyncArgs& a, runtime::sync::SyncOptions& o) {
    auto& m = o.namespaces;
    if (vm.count("namespace-definition"))
        m.definition = runtime::sync::parse_namespace_definition(a.namespace_definition, "--namespace-definition");
    if (vm.count("namespace-format")) m.format = a.namespace_format;
    if (vm.count("stream-prefix")) m.prefix = a.stream_prefix;
    if (m.definition != runtime::sync::NamespaceMapping::Definition::Custom && vm.count("namespace-definition") &&
        !vm.count("namespace-format"))
        m.format.clear();  // a connection file's format belongs to its own custom definition
    runtime::sync::check_namespace_mapping(m, "the namespace options");
}

po::options_description sync_options(SyncArgs& a, runtime::sync::SyncOptions& o) {
    po::options_description desc(
        "Usage: connhost sync --source P --source-config F --destination P --destination-config F [--catalog F] "
        "[--state-file F]\n"
        "       connhost sync CONNECTION.json\n"
        "Runs a source and a destination in one process. Only states the destination acknowledged\n"
        "(every record before them committed) are written to the state file, atomically; re-running the same command "
        "resumes from it.\n"
        "Without a catalog, every discovered stream is synced with its default modes.\n\nOptions");
    desc.add_options()                                                                                   //
        ("help,h", "show this help")                                                                     //
        ("source", po::value(&o.source), "source connector (path, file name or short name)")             //
        ("source-config", po::value(&a.src_cfg), "source config JSON file")                              //
        ("destination", po::value(&o.destination), "destination connector")                              //
        ("destination-config", po::value(&a.dst_cfg), "destination config JSON file")                    //
        ("catalog", po::value(&a.catalog), "configured or plain catalog JSON file (default: discover)")  //
        ("state-file", po::value(&a.state_file),
         "where acknowledged state is kept (read at start, replaced atomically)")  //
        ("partition", po::value(&a.partition),
         "I/N: run worker I (0-based) of N, e.g. $JOB_COMPLETION_INDEX/N in a Kubernetes Indexed Job; a stream the "
         "source can split is read in slices by all workers, any other stream by one; each worker needs its own "
         "--state-file")                                                                                            //
        ("reset-state", "start from scratch: drop the state file's states (e.g. for a new destination target)")     //
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(), "also look for plugins here (repeatable)")           //
        ("isolate", "run each plugin in its own child process: a crashing plugin costs an error, never the state")  //
        ("queue-mb", po::value(&a.queue_mb)->default_value(16), "bound of the source->destination queue, MiB")      //
        ("max-record-mb", po::value(&a.max_record_mb)->default_value(a.max_record_mb),
         "record size limit, MiB: a larger source record fails the sync, naming its stream")  //
        ("progress-seconds", po::value(&a.progress_seconds)->default_value(10),
         "when stderr is not a terminal, log a progress line this often (on a terminal one line is redrawn live)")  //
        ("idle-commit-seconds", po::value(&a.idle_seconds)->default_value(5),
         "while the source sends nothing, the destination commits and the state file is saved within this bound")  //
        ("log-level", po::value(&a.log_level)->default_value("info"), "trace, debug, info, warn, error or off")    //
        ("log-format", po::value(&a.log_format)->default_value("text"), "text or json (on stderr)");
    add_tolerance_options(desc, a.tolerance, "default: <state file>.dead_letter.jsonl");
    return desc;
}

// Fills `o` from the parsed command line: a connection file's settings, overridden by options given explicitly.
// Throws naming a bad value.
void apply(const po::variables_map& vm, const SyncArgs& a, runtime::sync::SyncOptions& o) {
    if (!a.connection.empty()) {
        auto plugin_dirs = o.plugin_dirs;
        o = runtime::sync::read_connection_file(a.connection);
        o.plugin_dirs.insert(o.plugin_dirs.begin(), plugin_dirs.begin(), plugin_dirs.end());
        if (vm.count("state-file")) {
            o.state_file = a.state_file;
            o.default_state_file = false;
        }
    } else {
        if (o.source.empty() || o.destination.empty())
            throw std::invalid_argument(
                "needs --source and --destination (or a connection file); see `connhost sync --help`");
        o.source_config = vm.count("source-config") ? runtime::read_file(a.src_cfg, "source-config") : "{}";
        o.destination_config =
            vm.count("destination-config") ? runtime::read_file(a.dst_cfg, "destination-config") : "{}";
        o.source_config_origin = vm.count("source-config") ? "--source-config " + a.src_cfg : "the source config ({})";
        o.destination_config_origin =
            vm.count("destination-config") ? "--destination-config " + a.dst_cfg : "the destination config ({})";
        if (vm.count("catalog")) {
            o.catalog = runtime::read_file(a.catalog, "catalog");
            o.catalog_origin = "catalog " + a.catalog;
        }
        o.state_file = a.state_file;
    }
    const bool from_flags = a.connection.empty();
    if (!vm["queue-mb"].defaulted() || from_flags) o.queue_bytes = a.queue_mb << 20;
    if (!vm["max-record-mb"].defaulted() || from_flags)
        o.max_record_bytes = protocol::max_record_bytes(a.max_record_mb, "--max-record-mb");
    if (vm.count("isolate")) o.isolate = true;
    if (vm.count("partition")) o.partition = runtime::sync::parse_partition(a.partition, "--partition");
    runtime::sync::name_state_file_for_partition(o);
    if (vm.count("reset-state")) o.reset_state = true;
    if (!vm["idle-commit-seconds"].defaulted() || from_flags)
        o.idle_commit_ms = runtime::DeliveryLedger::idle_bound_from_seconds(a.idle_seconds, "--idle-commit-seconds");
    if (a.progress_seconds < 1) throw std::invalid_argument("--progress-seconds must be at least 1");
    o.progress_seconds = a.progress_seconds;
    o.log_level = a.log_level;
    o.log_format = a.log_format;
    apply_namespace_options(vm, a, o);
    apply_tolerance_options(vm, a.tolerance, o.tolerance);
    runtime::sync::sync_dead_letter_path(o);  // refuses a dead-letter file without `all`, or `all` with nowhere to go
}

}  // namespace

int cmd_sync(int argc, char** argv) {
    SyncArgs a;
    runtime::sync::SyncOptions o;
    po::options_description desc = sync_options(a, o);
    add_namespace_options(desc, a);
    po::options_description hidden;
    hidden.add_options()("connection", po::value(&a.connection));
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
            return kExitOk;
        }
        apply(vm, a, o);
    } catch (const std::exception& e) {
        return report_failure("sync", runtime::RunFailure(e.what(), "config_error", runtime::FailureKind::Usage));
    }
    try {
        runtime::sync::run_sync(o);
    } catch (const runtime::RunFailure& f) {
        return report_failure("sync", f);
    }
    return kExitOk;
}

}  // namespace connhost::cli
