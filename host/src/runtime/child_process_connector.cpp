#include "runtime/child_process_connector.hpp"

#include "protocol/line_reader.hpp"
#include "protocol/message.hpp"
#include "protocol/message_writer.hpp"
#include "protocol/trace_fields.hpp"
#include "runtime/batch_buffer.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace connhost::runtime {

namespace {

namespace json = boost::json;

// Room for the envelope of a record line (type, stream, namespace, emitted_at, meta) beyond the record size limit.
constexpr size_t kEnvelopeBytes = 1u << 20;

// An fd holding `content`, inherited by the child and read through /dev/fd/N.
int memfd_with(const char* name, std::string_view content) {
    int fd = ::memfd_create(name, 0);
    if (fd < 0) throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
    size_t off = 0;
    while (off < content.size()) {
        ssize_t n = ::write(fd, content.data() + off, content.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(std::string("cannot fill a memfd: ") + std::strerror(errno));
        off += static_cast<size_t>(n);
    }
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

int32_t level_of(std::string_view airbyte_level) {
    if (airbyte_level == "TRACE") return CONNHOST_LOG_TRACE;
    if (airbyte_level == "DEBUG") return CONNHOST_LOG_DEBUG;
    if (airbyte_level == "WARN") return CONNHOST_LOG_WARN;
    if (airbyte_level == "ERROR") return CONNHOST_LOG_ERROR;
    if (airbyte_level == "FATAL") return CONNHOST_LOG_FATAL;
    return CONNHOST_LOG_INFO;
}

int32_t status_of_failure(std::string_view failure_type) {
    if (failure_type == "config_error") return CONNHOST_STATUS_CONFIG;
    if (failure_type == "transient_error") return CONNHOST_STATUS_TRANSIENT;
    return CONNHOST_STATUS_SYSTEM;
}

std::string str_at(const json::object& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

}  // namespace

// One running child: its pid, pipes and what its stdout said.
struct ChildProcessConnector::Child {
    pid_t pid = -1;
    int out_r = -1;  // the child's stdout
    int in_w = -1;   // the child's stdin (write operations only)
    std::mutex mu;   // guards what the stdout reader thread shares with the run thread
    std::deque<std::string> echoed_states;
    std::string error_message, failure_type;
};

ChildProcessConnector::ChildProcessConnector(loader::PluginInfo info, std::string log_level, size_t max_record_bytes)
    : info_(std::move(info)), log_level_(std::move(log_level)), max_record_bytes_(max_record_bytes) {}

void ChildProcessConnector::cancel() {
    cancel_requested_ = true;
    std::lock_guard lock(mu_);
    if (pid_ > 0) ::kill(pid_, SIGTERM);  // the child's `run` cancels its plugin and commits what it has
}

Outcome ChildProcessConnector::run(ConnectorEvents& ev, const std::string& verb, std::string_view config, std::string_view catalog,
                                   std::string_view state, bool feed_input) {
    std::signal(SIGPIPE, SIG_IGN);  // a dead child must not kill the host through a write
    boost::dll::fs::error_code ec;
    std::string exe = boost::dll::program_location(ec).string();
    // A line between the processes is a record plus its envelope; the input's records were checked here already.
    const size_t line_limit = max_record_bytes_ + kEnvelopeBytes;
    std::vector<std::string> args = {exe, "run", "--plugin", info_.path.string(), verb, "--log-level", log_level_, "--max-record-mb",
                                     std::to_string((feed_input ? line_limit : max_record_bytes_) >> 20), "--parent-pid",
                                     std::to_string(::getpid())};
    std::vector<int> memfds;
    auto add_file = [&](const char* flag, std::string_view content) {
        int fd = memfd_with(flag, content);
        memfds.push_back(fd);
        args.push_back(flag);
        args.push_back("/dev/fd/" + std::to_string(fd));
    };
    if (verb != "spec") add_file("--config", config);
    if (verb == "read" || verb == "write" || verb == "read-back") add_file("--catalog", catalog);
    if (verb == "read" && !state.empty()) add_file("--state", state);

    int out[2], in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0 || (feed_input && ::pipe2(in, O_CLOEXEC) != 0))
        return {CONNHOST_STATUS_SYSTEM, std::string("cannot create pipes for the plugin's child process: ") + std::strerror(errno)};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (feed_input) posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    Child child;
    int rc = ::posix_spawn(&child.pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    for (int fd : memfds) ::close(fd);
    ::close(out[1]);
    if (feed_input) ::close(in[0]);
    if (rc != 0) {
        ::close(out[0]);
        if (feed_input) ::close(in[1]);
        return {CONNHOST_STATUS_SYSTEM, "cannot start " + exe + " for plugin " + info_.name + ": " + std::strerror(rc)};
    }
    child.out_r = out[0];
    child.in_w = feed_input ? in[1] : -1;
    {
        std::lock_guard lock(mu_);
        pid_ = child.pid;
    }
    if (cancel_requested_) ::kill(child.pid, SIGTERM);

    // Reads the child's stdout, turning protocol lines back into events. Returns false when a sink refused.
    auto pump = [&](bool on_run_thread) {
        protocol::LineReader lines(child.out_r, info_.name + " (child process) stdout", line_limit);
        protocol::ParsedMessage msg;
        BatchBuffer batch;
        auto flush = [&] {
            if (batch.empty()) return true;
            bool ok = ev.on_records(batch.view()) == CONNHOST_STATUS_OK;
            batch.clear();
            return ok;
        };
        std::string_view line;
        const std::string prefix = "[plugin." + info_.name + "] ";
        while (lines.next(line)) {
            try {
                protocol::parse_message(line, msg);
            } catch (const std::exception& e) {
                ev.on_log(CONNHOST_LOG_WARN, "unreadable line from the plugin's child process: " + std::string(e.what()));
                continue;
            }
            using protocol::MessageType;
            if (msg.type == MessageType::Record && on_run_thread) {
                if (!batch.same_stream(msg.stream, msg.has_ns, msg.ns) || batch.bytes() >= (1u << 20)) {
                    if (!flush()) return false;
                    batch.reset(msg.stream, msg.has_ns, msg.ns);
                }
                batch.add(msg.data, msg.emitted_at, msg.meta);
                continue;
            }
            if (on_run_thread && !flush()) return false;
            if (msg.type == MessageType::Log) {
                json::value v = json::parse(json::string_view(msg.body.data(), msg.body.size()));
                std::string text = str_at(v.as_object(), "message");
                if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
                ev.on_log(level_of(str_at(v.as_object(), "level")), text);
            } else if (msg.type == MessageType::State) {
                if (feed_input) {
                    std::lock_guard lock(child.mu);
                    child.echoed_states.emplace_back(msg.body);
                } else if (ev.on_state(msg.body) != CONNHOST_STATUS_OK) {
                    return false;
                }
            } else if (msg.type == MessageType::Trace) {
                if (auto err = protocol::trace_error_of(msg.body)) {
                    std::lock_guard lock(child.mu);
                    child.error_message = err->message;
                    child.failure_type = err->failure_type;
                } else if (on_run_thread && ev.on_message(CONNHOST_MSG_TRACE, msg.body) != CONNHOST_STATUS_OK) {
                    return false;
                }
            } else if (on_run_thread) {
                int32_t type = msg.type == MessageType::Spec               ? CONNHOST_MSG_SPEC
                               : msg.type == MessageType::Catalog          ? CONNHOST_MSG_CATALOG
                               : msg.type == MessageType::ConnectionStatus ? CONNHOST_MSG_CONNECTION_STATUS
                               : msg.type == MessageType::Control          ? CONNHOST_MSG_CONTROL
                                                                           : 0;
                if (type && ev.on_message(type, msg.body) != CONNHOST_STATUS_OK) return false;
            }
        }
        return !on_run_thread || flush();
    };

    int32_t input_status = CONNHOST_STATUS_OK;
    bool sink_refused = false;
    std::string pump_error;
    if (!feed_input) {
        try {
            sink_refused = !pump(true);
        } catch (const std::exception& e) {
            pump_error = e.what();
        }
        if (sink_refused || !pump_error.empty()) ::kill(child.pid, SIGTERM);
    } else {
        std::thread reader([&] {
            try {
                pump(false);
            } catch (const std::exception& e) {
                pump_error = e.what();
            }
        });
        std::deque<uint64_t> sent;  // state ids in the order they went to the child
        auto apply_acks = [&] {
            std::deque<std::string> echoed;
            {
                std::lock_guard lock(child.mu);
                echoed.swap(child.echoed_states);
            }
            for (size_t i = 0; i < echoed.size() && !sent.empty(); ++i) {
                ev.ack_state(sent.front());
                sent.pop_front();
            }
        };
        try {
            protocol::MessageWriter to_child(child.in_w, 1 << 20);
            connhost_input item{};
            for (;;) {
                apply_acks();
                item = {};
                item.struct_size = sizeof item;
                // Wake up now and then while input is idle: the child commits on its own, and its acks are applied here.
                int32_t st = ev.next_input(item, 200);
                if (st == CONNHOST_STATUS_END_OF_INPUT) break;
                if (st != CONNHOST_STATUS_OK) {
                    input_status = st;
                    // Tell the child the input failed, so it completes no stream.
                    to_child.trace_error("the input of the destination ended with an error (" + std::string(status_name(st)) + ")", "",
                                         "system_error");
                    break;
                }
                if (item.kind == CONNHOST_INPUT_IDLE) {
                    to_child.flush();  // the child sees everything sent so far and can commit it
                } else if (item.kind == CONNHOST_INPUT_RECORDS) {
                    to_child.records(*item.batch, protocol::MessageWriter::now_ms());
                } else if (item.kind == CONNHOST_INPUT_STATE) {
                    sent.push_back(item.state_id);
                    to_child.state({item.json, item.json_size});
                    to_child.flush();  // the child may commit and echo it only once it sees it
                } else if (item.kind == CONNHOST_INPUT_STREAM_STATUS) {
                    to_child.message(CONNHOST_MSG_TRACE, R"({"type":"STREAM_STATUS","emitted_at":)" + std::to_string(protocol::MessageWriter::now_ms()) +
                                                             R"(,"stream_status":)" + std::string(item.json, item.json_size) + "}");
                }
            }
            to_child.flush();
        } catch (const std::exception&) {
            // The child stopped reading (it failed or crashed); its exit status says why.
        }
        ::close(child.in_w);
        reader.join();
        apply_acks();
    }
    ::close(child.out_r);

    int wstatus = 0;
    while (::waitpid(child.pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    {
        std::lock_guard lock(mu_);
        pid_ = -1;
    }
    if (WIFSIGNALED(wstatus) && !(cancel_requested_ && WTERMSIG(wstatus) == SIGTERM)) {
        int sig = WTERMSIG(wstatus);
        return {CONNHOST_STATUS_INTERNAL, "plugin " + info_.name + " crashed in " + verb + " (signal " + std::to_string(sig) + ": " +
                                              strsignal(sig) + "); the host and every state acknowledged before the crash are intact. "
                                              "Re-run to resume, and report the crash to the connector's authors"};
    }
    int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
    if (code == 130 || cancel_requested_) return {CONNHOST_STATUS_CANCELLED, "cancelled"};
    if (!pump_error.empty()) return {CONNHOST_STATUS_SYSTEM, "cannot read the plugin's child process: " + pump_error};
    if (sink_refused) return {CONNHOST_STATUS_CANCELLED, "cancelled"};
    if (input_status != CONNHOST_STATUS_OK) return {input_status, ""};
    if (code != 0) {
        std::string message = child.error_message.empty() ? "the plugin's child process exited with code " + std::to_string(code)
                                                          : child.error_message;
        return {status_of_failure(child.failure_type), message};
    }
    return {};
}

Outcome ChildProcessConnector::spec(ConnectorEvents& ev) { return run(ev, "spec", {}, {}, {}, false); }
Outcome ChildProcessConnector::check(ConnectorEvents& ev, std::string_view config) { return run(ev, "check", config, {}, {}, false); }
Outcome ChildProcessConnector::discover(ConnectorEvents& ev, std::string_view config) { return run(ev, "discover", config, {}, {}, false); }
Outcome ChildProcessConnector::read(ConnectorEvents& ev, std::string_view config, std::string_view catalog, std::string_view state) {
    return run(ev, "read", config, catalog, state, false);
}
Outcome ChildProcessConnector::write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    return run(ev, "write", config, catalog, {}, true);
}
Outcome ChildProcessConnector::read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    return run(ev, "read-back", config, catalog, {}, false);
}

}  // namespace connhost::runtime
