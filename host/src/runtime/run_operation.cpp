#include "runtime/run_operation.hpp"

#include "logging/log_setup.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/message_writer.hpp"
#include "runtime/files.hpp"
#include "runtime/connector_factory.hpp"
#include "runtime/line_input_events.hpp"
#include "runtime/masking_events.hpp"
#include "runtime/protocol_events.hpp"
#include "runtime/secrets_from_spec.hpp"
#include "runtime/signals.hpp"
#include "runtime/singer_spool.hpp"

#include <cstdio>
#include <unistd.h>

namespace connhost::runtime {

namespace {

// A failure to report: message for people, failure_type for Airbyte, exit code.
struct Failure {
    std::string message;
    const char* failure_type = "system_error";
    int exit_code = 1;
};

int report(protocol::MessageWriter& out, const Failure& f) {
    std::string msg = logging::secrets().mask(f.message);
    try {
        out.trace_error(msg, "", f.failure_type);
        out.flush();
    } catch (...) {
    }
    std::fprintf(stderr, "connhost: %s\n", msg.c_str());
    return f.exit_code;
}

std::string need(const std::optional<std::string>& path, const char* flag, const std::string& verb, const char* what) {
    if (!path) throw std::invalid_argument("`connhost run " + verb + "` needs " + flag + " FILE (" + what + ")");
    return read_file(*path, std::string(flag).substr(2));
}

// Reads the --config, --catalog and --state files `opts.verb` uses (registering the config's secrets). Throws Failure.
void read_inputs(const RunOptions& opts, Connector& conn, std::string& config, std::string& catalog, std::string& state) {
    try {
        if (opts.verb != "spec") {
            config = need(opts.config_path, "--config", opts.verb, "the connector's config JSON");
            register_config_secrets(conn, config);
        }
        if (opts.verb == "read" || opts.verb == "read-back" || (opts.verb == "write" && opts.catalog_path))
            catalog = protocol::normalize_catalog(need(opts.catalog_path, "--catalog", opts.verb, "a configured or plain catalog JSON"),
                                                  "catalog " + *opts.catalog_path);
        if (opts.verb == "read" && opts.state_path)
            state = protocol::normalize_state(read_file(*opts.state_path, "state"), "state " + *opts.state_path);
    } catch (const std::invalid_argument& e) {
        throw Failure{e.what(), "config_error", 2};
    } catch (const std::exception& e) {
        throw Failure{e.what(), "config_error", 1};
    }
}

// Runs operation `verb` of `conn`.
Outcome run_verb(Connector& conn, ConnectorEvents& events, const std::string& verb, const std::string& config, const std::string& catalog,
                 const std::string& state) {
    if (verb == "spec") return conn.spec(events);
    if (verb == "check") return conn.check(events, config);
    if (verb == "discover") return conn.discover(events, config);
    if (verb == "read") return conn.read(events, config, catalog, state);
    if (verb == "read-back") return conn.read_back(events, config, catalog);
    return conn.write(events, config, catalog);
}

// The input of `run write`.
struct WriteInput {
    std::unique_ptr<protocol::LineReader> lines;
    std::optional<protocol::LineTooLong> too_long;  // Singer input: the line over the limit where the spool stopped
};

// stdin, or for Singer input without --catalog, stdin spooled to an unlinked file (closed at exit) while its SCHEMA
// messages make `catalog`. Throws Failure.
WriteInput open_write_input(const RunOptions& opts, std::string& catalog) {
    WriteInput in;
    in.lines = std::make_unique<protocol::LineReader>(STDIN_FILENO, "stdin", opts.max_record_bytes);
    if (opts.catalog_path) return in;
    SpooledInput spooled;
    try {
        spooled = spool_singer_input(*in.lines);
    } catch (const std::exception& e) {
        throw Failure{e.what(), "system_error", 1};
    }
    if (!spooled.has_schema && spooled.too_long)
        throw Failure{std::string(spooled.too_long->what()) + "; raise --max-record-mb or split the record (nothing was written)", "config_error", 1};
    if (!spooled.has_schema)
        throw Failure{"`connhost run write` needs --catalog FILE, unless the input is a Singer stream with SCHEMA messages (none was found on stdin)",
                      "config_error", 2};
    catalog = std::move(spooled.catalog);
    in.lines = std::make_unique<protocol::LineReader>(spooled.fd, "stdin", opts.max_record_bytes);
    in.too_long = std::move(spooled.too_long);
    return in;
}

}  // namespace

int report_usage_error(const std::string& message) {
    protocol::MessageWriter out(STDOUT_FILENO);
    return report(out, {message + " (run `connhost run --help` for the options)", "config_error", 2});
}

int run_operation(const RunOptions& opts) {
    protocol::MessageWriter out(STDOUT_FILENO);
    try {
        logging::init_logging(logging::parse_log_format(opts.log_format, true), logging::parse_log_level(opts.log_level), &out);
    } catch (const std::exception& e) {
        return report(out, {e.what(), "config_error", 2});
    }
    static const char* verbs[] = {"spec", "check", "discover", "read", "write", "read-back"};
    if (std::find(std::begin(verbs), std::end(verbs), opts.verb) == std::end(verbs))
        return report(out, {"unknown operation \"" + opts.verb + "\": use spec, check, discover, read, write or read-back",
                            "config_error", 2});

    std::unique_ptr<Connector> conn;
    try {
        conn = make_connector(opts.plugin, opts.plugin_dirs, opts.isolate, opts.log_level, opts.max_record_bytes);
    } catch (const std::exception& e) {
        return report(out, {e.what(), "config_error", 1});
    }
    const auto& info = conn->info();
    const bool is_source = info.kind == CONNHOST_KIND_SOURCE;
    if ((opts.verb == "discover" || opts.verb == "read") && !is_source)
        return report(out, {"plugin " + info.name + " is a destination; `" + opts.verb + "` is an operation of sources", "config_error", 2});
    if ((opts.verb == "write" || opts.verb == "read-back") && is_source)
        return report(out, {"plugin " + info.name + " is a source; `" + opts.verb + "` is an operation of destinations",
                            "config_error", 2});

    std::string config, catalog, state;
    try {
        read_inputs(opts, *conn, config, catalog, state);
    } catch (const Failure& f) {
        return report(out, f);
    }

    WriteInput write_input;
    std::unique_ptr<ProtocolEvents> events;
    LineInputEvents* input = nullptr;
    if (opts.verb == "write") {
        try {
            write_input = open_write_input(opts, catalog);
        } catch (const Failure& f) {
            return report(out, f);
        }
        auto ev = std::make_unique<LineInputEvents>(out, info.name, *write_input.lines, protocol::catalog_streams(catalog),
                                                    opts.idle_commit_ms);
        if (write_input.too_long) ev->end_with(*write_input.too_long);
        input = ev.get();
        events = std::move(ev);
    } else {
        events = std::make_unique<ProtocolEvents>(out, info.name);
    }

    Outcome outcome;
    {
        CancelOnSignal on_signal([&] {
            logging::host_log().warn("interrupted: stopping {} (press Ctrl-C again to stop at once)", info.name);
            events->request_cancel();
            conn->cancel();
        });
        MaskingEvents masked(*events, logging::secrets());
        outcome = run_verb(*conn, masked, opts.verb, config, catalog, state);
        if (on_signal.fired() && (outcome.ok() || outcome.status == CONNHOST_STATUS_CANCELLED)) {
            if (input)
                logging::host_log().warn("interrupted after {} records; {} states acknowledged", input->records(), input->states_acknowledged());
            return report(out, {"interrupted by a signal; re-run from the last STATE printed to resume", "transient_error", 130});
        }
    }

    if (input && !input->input_error().empty())
        return report(out, {input->input_error() + " (" + std::to_string(input->states_acknowledged()) +
                                " states before it were committed and printed)",
                            "config_error", 1});
    if (!outcome.ok())
        return report(out, {"plugin " + info.name + " failed in " + opts.verb + " (" + status_name(outcome.status) + "): " + outcome.message,
                            failure_type(outcome.status), 1});
    if (input) {
        input->finish();
        logging::host_log().info("write done: {} records, {} states acknowledged", input->records(), input->states_acknowledged());
    }
    try {
        out.flush();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "connhost: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace connhost::runtime
