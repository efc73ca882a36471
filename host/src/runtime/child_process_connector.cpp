#include "runtime/child_process_connector.hpp"

#include "runtime/child_input_feeder.hpp"
#include "logging/log_setup.hpp"
#include "runtime/child_outcome.hpp"
#include "runtime/child_spawn.hpp"
#include "runtime/child_stderr_relay.hpp"
#include "runtime/child_stdout_pump.hpp"

#include <csignal>
#include <optional>
#include <thread>
#include <unistd.h>

namespace connhost::runtime {

namespace {

// Room for the envelope of a record line (type, stream, namespace, emitted_at, meta) beyond the record size limit.
constexpr size_t kEnvelopeBytes = 1u << 20;

// The files `op` needs, in the order `connhost run` reads them.
std::vector<ChildFileArg> child_files(Operation op, std::string_view config, std::string_view catalog,
                                      std::string_view state) {
    std::vector<ChildFileArg> files;
    if (op != Operation::Spec) files.push_back({"--config", config});
    if (operation_takes_catalog(op)) files.push_back({"--catalog", catalog});
    if (op == Operation::Read && !state.empty()) files.push_back({"--state", state});
    return files;
}

// The stdout of a source (or spec, check, discover) child, pumped on the run thread. Kills the child when the host
// stops listening, so it cannot block on a full pipe.
void pump_on_run_thread(ConnectorEvents& ev, const std::string& name, SpawnedChild& child, size_t line_limit,
                        ChildReport& report, ChildEnd& end) {
    try {
        end.sink_refused = !pump_child_stdout(ev, name, child.stdout_fd(), line_limit, true, report);
    } catch (const std::exception& e) {
        end.pump_error = e.what();
    }
    if (end.sink_refused || !end.pump_error.empty()) ::kill(child.pid(), SIGTERM);
}

// A destination child: its input fed from the run thread while a reader thread takes its stdout (logs, acks).
void exchange_with_destination(ConnectorEvents& ev, const std::string& name, SpawnedChild& child, size_t line_limit,
                               ChildReport& report, ChildEnd& end) {
    std::thread reader([&] {
        try {
            pump_child_stdout(ev, name, child.stdout_fd(), line_limit, false, report);
        } catch (const std::exception& e) {
            end.pump_error = e.what();
        }
    });
    ChildAcks acks(report, ev.takes_rejects());
    end.input_status = feed_child_input(ev, child.stdin_fd(), acks);
    child.close_stdin();  // the child sees its end of input
    reader.join();
    acks.apply(ev);
    end.host_error = acks.failure();
}

}  // namespace

ChildProcessConnector::ChildProcessConnector(loader::PluginInfo info, std::string log_level, size_t max_record_bytes)
    : info_(std::move(info)), log_level_(std::move(log_level)), max_record_bytes_(max_record_bytes) {}

void ChildProcessConnector::cancel() {
    cancel_requested_ = true;
    std::lock_guard lock(mu_);
    if (pid_ > 0) ::kill(pid_, SIGTERM);  // the child's `run` cancels its plugin and commits what it has
}

std::vector<std::string> ChildProcessConnector::child_args(Operation op, size_t line_limit, bool rejects_to_parent,
                                                           const std::string& partition) const {
    std::vector<std::string> args{this_executable(),
                                  "run",
                                  "--plugin",
                                  info_.path.string(),
                                  operation_name(op),
                                  "--log-level",
                                  log_level_,
                                  "--max-record-mb",
                                  std::to_string(line_limit >> 20),
                                  "--parent-pid",
                                  std::to_string(::getpid())};
    if (rejects_to_parent) args.push_back("--rejects-to-parent");
    if (op == Operation::Write) args.push_back("--changes-to-parent");            // the parent's summaries count them
    if (!partition.empty()) args.insert(args.end(), {"--partition", partition});  // the child plans the slices
    return args;
}

void ChildProcessConnector::set_running(pid_t pid) {
    std::lock_guard lock(mu_);
    pid_ = pid;
    if (pid > 0 && cancel_requested_) ::kill(pid, SIGTERM);
}

Outcome ChildProcessConnector::run(ConnectorEvents& ev, Operation op, std::string_view config, std::string_view catalog,
                                   std::string_view state) {
    const bool feed_input = op == Operation::Write;
    // A line between the processes is a record plus its envelope; the input's records were checked here already.
    const size_t line_limit = max_record_bytes_ + kEnvelopeBytes;
    std::optional<SpawnedChild> child;
    const bool json_stderr = logging::json_on_stderr();  // the child's raw stderr lines must become JSON too
    try {
        child.emplace(child_args(op, feed_input ? line_limit : max_record_bytes_, ev.takes_rejects(),
                                 op == Operation::Read ? ev.delegate_partition() : std::string()),
                      child_files(op, config, catalog, state), feed_input, json_stderr);
    } catch (const std::exception& e) {
        return {CONNHOST_STATUS_SYSTEM,
                std::string(e.what()) + " (to run plugin " + info_.name + " in a child process)"};
    }
    std::optional<ChildStderrRelay> stderr_relay;
    if (json_stderr) stderr_relay.emplace(child->stderr_fd(), "plugin." + info_.name);
    ChildReport report;
    ChildEnd end;
    end.plugin = info_.name;
    end.verb = operation_name(op);
    set_running(child->pid());
    try {
        if (feed_input)
            exchange_with_destination(ev, info_.name, *child, line_limit, report, end);
        else
            pump_on_run_thread(ev, info_.name, *child, line_limit, report, end);
    } catch (...) {
        set_running(-1);  // `child` kills and reaps the process
        throw;
    }
    child->close_stdout();
    set_running(-1);
    end.wait_status = child->wait();
    if (stderr_relay) stderr_relay->stop();
    end.cancel_requested = cancel_requested_;
    end.error_message = report.error_message;
    end.failure_type = report.failure_type;
    return child_outcome(end);
}

Outcome ChildProcessConnector::spec(ConnectorEvents& ev) { return run(ev, Operation::Spec, {}, {}, {}); }
Outcome ChildProcessConnector::check(ConnectorEvents& ev, std::string_view config) {
    return run(ev, Operation::Check, config, {}, {});
}
Outcome ChildProcessConnector::discover(ConnectorEvents& ev, std::string_view config) {
    return run(ev, Operation::Discover, config, {}, {});
}
Outcome ChildProcessConnector::read(ConnectorEvents& ev, std::string_view config, std::string_view catalog,
                                    std::string_view state) {
    return run(ev, Operation::Read, config, catalog, state);
}
Outcome ChildProcessConnector::write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    return run(ev, Operation::Write, config, catalog, {});
}
Outcome ChildProcessConnector::read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    return run(ev, Operation::ReadBack, config, catalog, {});
}

}  // namespace connhost::runtime
