#include "runtime/child_stdout_pump.hpp"

#include "protocol/json_member.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/message.hpp"
#include "protocol/trace_fields.hpp"
#include "runtime/batch_buffer.hpp"
#include "runtime/private_rejects.hpp"

#include <boost/json.hpp>

namespace connhost::runtime {

namespace {

namespace json = boost::json;
using protocol::MessageType;

// A batch reaches the sink once it holds this much, or the stream changes.
constexpr size_t kBatchBytes = 1u << 20;

int32_t level_of(std::string_view airbyte_level) {
    if (airbyte_level == "TRACE") return CONNHOST_LOG_TRACE;
    if (airbyte_level == "DEBUG") return CONNHOST_LOG_DEBUG;
    if (airbyte_level == "WARN") return CONNHOST_LOG_WARN;
    if (airbyte_level == "ERROR") return CONNHOST_LOG_ERROR;
    if (airbyte_level == "FATAL") return CONNHOST_LOG_FATAL;
    return CONNHOST_LOG_INFO;
}

// The CONNHOST_MSG_* a message of `type` is passed on as, or 0 for none.
int32_t abi_message_type(MessageType type) {
    switch (type) {
        case MessageType::Spec: return CONNHOST_MSG_SPEC;
        case MessageType::Catalog: return CONNHOST_MSG_CATALOG;
        case MessageType::ConnectionStatus: return CONNHOST_MSG_CONNECTION_STATUS;
        case MessageType::Control: return CONNHOST_MSG_CONTROL;
        default: return 0;
    }
}

// One pass over a child's stdout; see pump_child_stdout.
class Pump {
public:
    Pump(ConnectorEvents& ev, const std::string& plugin_name, bool on_run_thread, ChildReport& report)
        : ev_(ev), log_prefix_("[plugin." + plugin_name + "] "), on_run_thread_(on_run_thread), report_(report) {}

    // Handles one line; false when a sink refused.
    bool line(std::string_view text) {
        if (protocol::is_private_message(text)) return private_message(text);
        try {
            protocol::parse_message(text, msg_);
        } catch (const std::exception& e) {
            ev_.on_log(CONNHOST_LOG_WARN, "unreadable line from the plugin's child process: " + std::string(e.what()));
            return true;
        }
        if (msg_.type == MessageType::Record && on_run_thread_) return record();
        if (on_run_thread_ && !flush()) return false;
        switch (msg_.type) {
            case MessageType::Log: return log();
            case MessageType::State: return state();
            case MessageType::Trace: return trace();
            default:
                return !on_run_thread_ || !abi_message_type(msg_.type) ||
                    ev_.on_message(abi_message_type(msg_.type), msg_.body) == CONNHOST_STATUS_OK;
        }
    }

    // Passes on the records still batched; false when the sink refused.
    bool flush() {
        if (batch_.empty()) return true;
        bool ok = ev_.on_records(batch_.view()) == CONNHOST_STATUS_OK;
        batch_.clear();
        return ok;
    }

private:
    bool record() {
        if (!batch_.same_stream(msg_.stream, msg_.has_ns, msg_.ns) || batch_.bytes() >= kBatchBytes) {
            if (!flush()) return false;
            batch_.reset(msg_.stream, msg_.has_ns, msg_.ns);
        }
        batch_.add(msg_.data, msg_.emitted_at, msg_.meta);
        return true;
    }

    bool log() {
        json::value v = json::parse(json::string_view(msg_.body.data(), msg_.body.size()));
        std::string text = protocol::string_member(v.as_object(), "message");
        if (text.rfind(log_prefix_, 0) == 0) text.erase(0, log_prefix_.size());
        ev_.on_log(level_of(protocol::string_member(v.as_object(), "level")), text);
        return true;
    }

    // A source's state goes to the sink; a destination's echoed state is an acknowledgement for the run thread.
    bool state() {
        if (on_run_thread_) return ev_.on_state(msg_.body) == CONNHOST_STATUS_OK;
        std::lock_guard lock(report_.mu);
        report_.notes.emplace_back();
        return true;
    }

    // A destination child's record_reject and value_changes go to the run thread in order with its states; a kind
    // this host does not know is skipped. One it cannot read fails the run there (a record must not be lost silently).
    bool private_message(std::string_view text) {
        if (on_run_thread_) return source_private_message(text);
        ChildNote note;
        try {
            protocol::PrivateMessage m = protocol::parse_private_message(text);
            if (m.kind == protocol::kRecordRejectKind)
                note.reject = protocol::record_reject_of(m);
            else if (m.kind == protocol::kValueChangesKind)
                note.changes = protocol::value_changes_of(m);
            else
                return true;
        } catch (const std::exception& e) {
            note.error = std::string("an unreadable private line from the plugin's child process: ") + e.what();
        }
        std::lock_guard lock(report_.mu);
        report_.notes.push_back(std::move(note));
        return true;
    }

    // A source child's record_reject (a record it could not pass on) goes to the sink after the records before it;
    // false when the sink refused it (bad records fail this run) or the line cannot be read (the record is not lost
    // silently: the run fails).
    bool source_private_message(std::string_view text) {
        if (!flush()) return false;
        try {
            protocol::PrivateMessage m = protocol::parse_private_message(text);
            if (m.kind != protocol::kRecordRejectKind) return true;
            const protocol::RecordReject r = protocol::record_reject_of(m);
            return ev_.bad_record_reported(rejected_record_of(r, r.line)) == CONNHOST_STATUS_OK;
        } catch (const std::exception& e) {
            ev_.on_log(CONNHOST_LOG_ERROR,
                       std::string("an unreadable private line from the plugin's child process: ") + e.what());
            return false;
        }
    }

    bool trace() {
        if (auto err = protocol::trace_error_of(msg_.body)) {
            std::lock_guard lock(report_.mu);
            report_.error_message = err->message;
            report_.failure_type = err->failure_type;
            return true;
        }
        return !on_run_thread_ || ev_.on_message(CONNHOST_MSG_TRACE, msg_.body) == CONNHOST_STATUS_OK;
    }

    ConnectorEvents& ev_;
    const std::string log_prefix_;
    const bool on_run_thread_;
    ChildReport& report_;
    protocol::ParsedMessage msg_;
    BatchBuffer batch_;
};

}  // namespace

bool pump_child_stdout(ConnectorEvents& ev, const std::string& plugin_name, int fd, size_t line_limit,
                       bool on_run_thread, ChildReport& report) {
    protocol::LineReader lines(fd, plugin_name + " (child process) stdout", line_limit);
    Pump pump(ev, plugin_name, on_run_thread, report);
    std::string_view line;
    while (lines.next(line))
        if (!pump.line(line)) return false;
    return !on_run_thread || pump.flush();
}

}  // namespace connhost::runtime
