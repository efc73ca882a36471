#include "runtime/run_operation.hpp"

#include "logging/log_setup.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/message_writer.hpp"
#include "runtime/config_validation.hpp"
#include "runtime/dead_letter.hpp"
#include "runtime/files.hpp"
#include "runtime/operation_setup.hpp"
#include "runtime/run_failure.hpp"
#include "runtime/line_input_events.hpp"
#include "runtime/masking_events.hpp"
#include "runtime/protocol_events.hpp"
#include "runtime/destination_modes.hpp"
#include "runtime/secrets_from_spec.hpp"
#include "runtime/signals.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <unistd.h>

namespace connhost::runtime {

namespace json = boost::json;

namespace {

std::string need(const std::optional<std::string>& path, const char* flag, Operation op, const char* what) {
    if (!path)
        throw std::invalid_argument(std::string("`connhost run ") + operation_name(op) + "` needs " + flag + " FILE (" +
                                    what + ")");
    return read_file(*path, std::string(flag).substr(2));
}

// The config, catalog and state of an operation ("" when it takes none), and the modes a destination supports.
struct OperationInputs {
    std::string config, catalog, state;
    std::string config_problem;  // check: why the config does not match the spec ("": it does)
    DestinationModes modes;
};

// Validates the config against the spec `conn` gave; for `check`, a mismatch is kept in `in.config_problem` (the
// CONNECTION_STATUS says it), else thrown as RunFailure.
void validate(const RunOptions& opts, const Connector& conn, const std::string& spec, OperationInputs& in) {
    try {
        validate_config(spec, in.config, "config file " + *opts.config_path, conn.info().name);
    } catch (const RunFailure& e) {
        if (opts.op != Operation::Check) throw;
        in.config_problem = e.what();
    }
}

// Runs `fit` (a check or fitting of a catalog's destination sync modes), turning the std::invalid_argument it throws
// for a mode the destination does not support into a RunFailure (config_error) before any data moves.
template <class Fit>
void fit_modes_or_fail(Fit fit) {
    try {
        fit();
    } catch (const std::invalid_argument& e) {
        throw RunFailure(e.what(), "config_error");
    }
}

// Reads the --config, --catalog and --state files `opts.op` uses (registering the config's secrets). Throws
// RunFailure.
OperationInputs read_inputs(const RunOptions& opts, Connector& conn) {
    OperationInputs in;
    auto& [config, catalog, state, config_problem, modes] = in;
    try {
        const Operation op = opts.op;
        if (op != Operation::Spec) {
            config = need(opts.config_path, "--config", op, "the connector's config JSON");
            const std::string spec = register_config_secrets(conn, config);
            validate(opts, conn, spec, in);
            modes = DestinationModes(spec);
        }
        if (operation_takes_catalog(op) && (op != Operation::Write || opts.catalog_path))
            catalog = protocol::normalize_catalog(
                need(opts.catalog_path, "--catalog", op, "a configured or plain catalog JSON"),
                "catalog " + *opts.catalog_path);
        if (op == Operation::Read && opts.state_path)
            state = protocol::normalize_state(read_file(*opts.state_path, "state"), "state " + *opts.state_path);
    } catch (const std::invalid_argument& e) {
        throw RunFailure(e.what(), "config_error", FailureKind::Usage);
    } catch (const RunFailure&) {
        throw;
    } catch (const std::exception& e) {
        throw RunFailure(e.what(), "config_error");
    }
    if (opts.op == Operation::Write && !catalog.empty())
        fit_modes_or_fail([&] { require_supported_modes(catalog, modes, conn.info().name); });
    return in;
}

// The CONNECTION_STATUS of a check whose config does not match the spec, as a plugin refusing it would send.
Outcome refuse_check(ConnectorEvents& events, const std::string& why) {
    json::object status{{"status", "FAILED"}, {"message", why}};
    events.on_message(CONNHOST_MSG_CONNECTION_STATUS, json::serialize(status));
    return {};
}

// Runs operation `op` of `conn`.
Outcome run_op(Connector& conn, ConnectorEvents& events, Operation op, const OperationInputs& in) {
    switch (op) {
        case Operation::Spec: return conn.spec(events);
        case Operation::Check:
            return in.config_problem.empty() ? conn.check(events, in.config) : refuse_check(events, in.config_problem);
        case Operation::Discover: return conn.discover(events, in.config);
        case Operation::Read: return conn.read(events, in.config, in.catalog, in.state);
        case Operation::ReadBack: return conn.read_back(events, in.config, in.catalog);
        case Operation::Write: break;
    }
    return conn.write(events, in.config, in.catalog);
}

// Singer input makes `run write` a Singer target: stdout carries only the values of acknowledged STATEs (what
// Meltano reads from a target) and logs that would be LOG lines on stdout go to stderr as text.
void use_singer_output(const RunOptions& opts, protocol::MessageWriter& out) {
    out.singer_output();
    out.release_logs(false);
    if (logging::parse_log_format(opts.log_format, true) == logging::LogFormat::Protocol)
        logging::init_logging(logging::LogFormat::Text, logging::parse_log_level(opts.log_level));
}

// The input's first message says whether it is a Singer stream; LOG lines wait for it, so that a Singer target's
// stdout never carries one.
void decide_output_at_first_message(const RunOptions& opts, protocol::MessageWriter& out, LineInputEvents& ev) {
    out.hold_logs();
    ev.on_first_message([&opts, &out](bool singer) {
        if (singer)
            use_singer_output(opts, out);
        else
            out.release_logs(true);
    });
}

// Singer input without --catalog: reads the SCHEMA messages before its first record, which make the first write
// session's `catalog` (its modes fitted to `modes`). Throws RunFailure when there are none.
void read_singer_catalog(LineInputEvents& input, const DestinationModes& modes, const std::string& plugin,
                         std::string& catalog) {
    if (!input.read_singer_schemas()) {
        if (!input.input_error().empty())
            throw RunFailure(input.input_error() + " (nothing was written)", "config_error");
        throw RunFailure(
            "`connhost run write` needs --catalog FILE, unless the input is a Singer stream starting with SCHEMA "
            "messages (none came before the first record or the end of stdin)",
            "config_error", FailureKind::Usage);
    }
    fit_modes_or_fail([&] { catalog = fit_default_modes(input.singer_catalog(), modes, plugin); });
    input.next_session(protocol::catalog_streams(catalog));
}

// `run write`: one write of the destination or, for Singer input without --catalog, one per catalog its SCHEMAs make:
// at a SCHEMA that changes the catalog the destination commits and acknowledges what came before it, ends, and a new
// write goes on with the new catalog in `in`.
Outcome write_sessions(Connector& conn, ConnectorEvents& events, LineInputEvents& input, OperationInputs& in) {
    Outcome outcome = conn.write(events, in.config, in.catalog);
    while (outcome.ok() && input.catalog_changed() && !events.cancelled()) {
        fit_modes_or_fail([&] { in.catalog = fit_default_modes(input.singer_catalog(), in.modes, conn.info().name); });
        input.next_session(protocol::catalog_streams(in.catalog));
        logging::host_log().info("a Singer SCHEMA changed the catalog: the write goes on with {} stream(s)",
                                 protocol::catalog_streams(in.catalog).size());
        outcome = conn.write(events, in.config, in.catalog);
    }
    return outcome;
}

// Refuses an operation the connector's kind does not have (a destination asked to read, a source to write).
void check_kind(const Connector& conn, Operation op) {
    const std::string quoted = std::string("`") + operation_name(op) + "`";
    if (op == Operation::Discover || op == Operation::Read)
        require_kind(conn, CONNHOST_KIND_SOURCE, quoted + " is an operation of sources", FailureKind::Usage);
    if (op == Operation::Write || op == Operation::ReadBack)
        require_kind(conn, CONNHOST_KIND_DESTINATION, quoted + " is an operation of destinations", FailureKind::Usage);
}

// The events of one operation: protocol lines on stdout and, for `write`, the input read from stdin.
struct OperationEvents {
    std::unique_ptr<protocol::LineReader> write_input;  // stdin
    std::unique_ptr<DeadLetter> dead_letter;            // write with --error-tolerance all
    std::unique_ptr<ProtocolEvents> events;
    LineInputEvents* input = nullptr;  // write only: `events`, as the input it is
};

// Opens the dead-letter file; throws RunFailure naming it.
std::unique_ptr<DeadLetter> open_dead_letter(const std::string& path) {
    try {
        return std::make_unique<DeadLetter>(path);
    } catch (const std::exception& e) {
        throw RunFailure(std::string(e.what()) + "; give --dead-letter a file that can be written", "config_error");
    }
}

// Refuses the bad-record options where they mean nothing, and `all` without a dead-letter file.
void check_tolerance(const RunOptions& opts) {
    try {
        if (opts.op != Operation::Write && (opts.tolerance.tolerant() || opts.tolerance.dead_letter))
            throw std::invalid_argument(
                "--error-tolerance and --dead-letter are options of `connhost run write` "
                "(and `connhost sync`), not of `" +
                std::string(operation_name(opts.op)) + "`");
        dead_letter_path(opts.tolerance, "");
    } catch (const std::invalid_argument& e) {
        throw RunFailure(e.what(), "config_error", FailureKind::Usage);
    }
}

OperationEvents make_events(const RunOptions& opts, protocol::MessageWriter& out, const std::string& plugin,
                            OperationInputs& in) {
    OperationEvents e;
    if (opts.op != Operation::Write) {
        auto ev = std::make_unique<ProtocolEvents>(out, plugin);
        if (opts.rejects_to_parent && opts.op == Operation::Read) ev->forward_bad_records(opts.max_record_bytes);
        if (!opts.partition.empty() && opts.op == Operation::Read) ev->partition(opts.partition, in.catalog);
        e.events = std::move(ev);
        return e;
    }
    e.write_input = std::make_unique<protocol::LineReader>(STDIN_FILENO, "stdin", opts.max_record_bytes);
    auto ev = std::make_unique<LineInputEvents>(
        out, plugin, *e.write_input,
        in.catalog.empty() ? std::vector<protocol::CatalogStream>() : protocol::catalog_streams(in.catalog),
        opts.idle_commit_ms);  // without --catalog, read_singer_catalog() gives the streams
    decide_output_at_first_message(opts, out, *ev);
    if (opts.tolerance.tolerant()) {
        e.dead_letter = open_dead_letter(dead_letter_path(opts.tolerance, ""));
        ev->tolerate(*e.dead_letter);  // with --isolate, the child reports its destination's rejects here
    } else if (opts.rejects_to_parent) {
        ev->forward_rejects();
    }
    if (opts.changes_to_parent) ev->forward_changes();
    if (!opts.catalog_path) read_singer_catalog(*ev, in.modes, plugin, in.catalog);
    e.input = ev.get();
    e.events = std::move(ev);
    return e;
}

// Runs the operation with SIGINT/SIGTERM cancelling it; throws RunFailure (Interrupted) when one did.
Outcome run_cancellable(Connector& conn, OperationEvents& e, Operation op, OperationInputs& in) {
    CancelOnSignal on_signal([&] {
        logging::host_log().warn("interrupted: stopping {} (press Ctrl-C again to stop at once)", conn.info().name);
        e.events->request_cancel();
        conn.cancel();
    });
    MaskingEvents masked(*e.events, logging::secrets());
    Outcome outcome = e.input ? write_sessions(conn, masked, *e.input, in) : run_op(conn, masked, op, in);
    if (op == Operation::Read && (!outcome.ok() || on_signal.fired())) e.events->end_unfinished_streams();
    if (on_signal.fired() && (outcome.ok() || outcome.status == CONNHOST_STATUS_CANCELLED)) {
        if (e.input)
            logging::host_log().warn("interrupted after {} records; {} states acknowledged", e.input->records(),
                                     e.input->states_acknowledged());
        throw RunFailure("interrupted by a signal; re-run from the last STATE printed to resume", "transient_error",
                         FailureKind::Interrupted);
    }
    return outcome;
}

}  // namespace

void run_operation(const RunOptions& opts, protocol::MessageWriter& out) {
    start_logging(opts.log_format, opts.log_level, true, &out);
    check_tolerance(opts);
    std::unique_ptr<Connector> conn =
        load_connector({opts.plugin, opts.plugin_dirs, opts.isolate, opts.log_level, opts.max_record_bytes});
    const auto& info = conn->info();
    check_kind(*conn, opts.op);
    OperationInputs in = read_inputs(opts, *conn);
    OperationEvents e = make_events(opts, out, info.name, in);
    const Outcome outcome = run_cancellable(*conn, e, opts.op, in);
    if (e.dead_letter && e.dead_letter->total()) logging::host_log().warn("{}", e.dead_letter->summary());
    if (e.input && !e.input->input_error().empty())
        throw RunFailure(e.input->input_error() + " (" + std::to_string(e.input->states_acknowledged()) +
                             " states before it were committed and printed)",
                         "config_error");
    if (!outcome.ok())
        throw RunFailure("plugin " + info.name + " failed in " + operation_name(opts.op) + " (" +
                             status_name(outcome.status) + "): " + outcome.message,
                         failure_type(outcome.status));
    if (e.input) {
        e.input->finish();
        // A destination in an --isolate child reports changed values to the child's host, whose own line counts them.
        const std::string changed =
            opts.isolate ? "" : ", " + std::to_string(e.input->changed_values()) + " values changed";
        logging::host_log().info("write done: {} records, {} states acknowledged{}", e.input->records(),
                                 e.input->states_acknowledged(), changed);
    }
    try {
        out.flush();
    } catch (const std::exception& err) {
        throw RunFailure(err.what());
    }
}

}  // namespace connhost::runtime
