#include "protocol/message_writer.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/json_text.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace connhost::protocol {

MessageWriter::~MessageWriter() {
    try {
        flush();
    } catch (...) {}
}

int64_t MessageWriter::now_ms() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void MessageWriter::write_locked(std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::write(fd_, bytes.data() + off, bytes.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            buf_.clear();
            throw std::runtime_error(std::string("cannot write the output: ") + std::strerror(errno) +
                                     " (is the reading end of the pipe closed?)");
        }
        off += static_cast<size_t>(n);
    }
}

void MessageWriter::write_all_locked() {
    write_locked(buf_);
    buf_.clear();
}

void MessageWriter::append_locked(std::string_view bytes) {
    if (bytes.size() < limit_) {
        buf_.append(bytes);
        return;
    }
    write_all_locked();
    write_locked(bytes);
}

void MessageWriter::maybe_flush_locked() {
    if (buf_.size() >= limit_) write_all_locked();
}

void MessageWriter::flush() {
    std::lock_guard<std::mutex> lock(mu_);
    release_locked(true);
    write_all_locked();
}

void MessageWriter::hold_logs() {
    std::lock_guard<std::mutex> lock(mu_);
    holding_ = true;
}

void MessageWriter::release_logs(bool to_stdout) {
    std::lock_guard<std::mutex> lock(mu_);
    release_locked(to_stdout);
}

void MessageWriter::release_locked(bool to_stdout) {
    if (!holding_) return;
    holding_ = false;
    if (to_stdout)
        buf_ += held_;
    else
        std::fwrite(held_text_.data(), 1, held_text_.size(), stderr);
    held_.clear();
    held_text_.clear();
}

void MessageWriter::records(const connhost_record_batch& b, int64_t default_emitted_at) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string head = R"({"type":"RECORD","record":{"stream":)";
    append_json_string(head, {b.stream, b.stream_size});
    if (b.ns) {
        head += R"(,"namespace":)";
        append_json_string(head, {b.ns, b.ns_size});
    }
    head += R"(,"data":)";
    const bool has_meta = CONNHOST_HAS_FIELD(&b, connhost_record_batch, meta_size) && b.meta && b.meta_offsets;
    for (uint32_t i = 0; i < b.record_count; ++i) {
        buf_ += head;
        append_locked({b.data + b.offsets[i], static_cast<size_t>(b.offsets[i + 1] - b.offsets[i])});
        buf_ += R"(,"emitted_at":)";
        int64_t at = b.emitted_at ? b.emitted_at[i] : default_emitted_at;
        append_decimal(buf_, at);
        if (has_meta && b.meta_offsets[i + 1] > b.meta_offsets[i]) {
            buf_ += R"(,"meta":)";
            append_locked({b.meta + b.meta_offsets[i], static_cast<size_t>(b.meta_offsets[i + 1] - b.meta_offsets[i])});
        }
        buf_ += "}}\n";
        maybe_flush_locked();
    }
}

std::string with_destination_stats(std::string_view obj, uint64_t count, std::optional<uint64_t> rejected) {
    // Copy the members except destinationStats, then append ours: no DOM, so numbers keep their text.
    JsonScanner s(obj);
    s.expect('{', "a state object");
    std::string out = "{";
    size_t member_start = s.offset();
    bool first = true;
    s.members([&](std::string_view key) {
        std::string_view value = s.skip_value();
        if (key != "destinationStats") {
            std::string_view member =
                obj.substr(member_start, static_cast<size_t>(value.data() + value.size() - obj.data()) - member_start);
            // trim the separator that preceded the member
            while (!member.empty() &&
                   (member.front() == ',' || member.front() == ' ' || member.front() == '\n' ||
                    member.front() == '\t' || member.front() == '\r'))
                member.remove_prefix(1);
            if (!first) out += ',';
            out += member;
            first = false;
        }
        member_start = static_cast<size_t>(value.data() + value.size() - obj.data());
    });
    if (!first) out += ',';
    out += R"("destinationStats":{"recordCount":)";
    out += std::to_string(count);
    if (rejected) out += ",\"rejectedRecordCount\":" + std::to_string(*rejected);
    out += "}}";
    return out;
}

std::string with_global_stream_states(std::string_view obj) {
    std::string_view type;
    size_t global_close = std::string_view::npos;  // offset of the '}' closing "global"
    bool global_empty = true, has_stream_states = false;
    try {
        JsonScanner s(obj);
        s.expect('{', "a state object");
        s.members([&](std::string_view key) {
            if (key == "type" && s.peek() == '"') {
                type = s.read_string();
            } else if (key == "global" && s.peek() == '{') {
                s.expect('{', "'{'");
                s.enter();
                s.members([&](std::string_view k) {
                    global_empty = false;
                    has_stream_states |= k == "stream_states";
                    s.skip_value();
                });
                s.leave();
                global_close = s.offset() - 1;
            } else {
                s.skip_value();
            }
        });
    } catch (const JsonSyntaxError&) {
        return std::string(obj);
    }
    if (type != "GLOBAL" || global_close == std::string_view::npos || has_stream_states) return std::string(obj);
    std::string out(obj.substr(0, global_close));
    out += global_empty ? R"("stream_states":[])" : R"(,"stream_states":[])";
    out += obj.substr(global_close);
    return out;
}

void MessageWriter::state(std::string_view state_object, std::optional<uint64_t> record_count,
                          std::optional<uint64_t> rejected) {
    std::string line = R"({"type":"STATE","state":)";
    const std::string state = with_global_stream_states(state_object);
    if (record_count)
        line += with_destination_stats(state, *record_count, rejected);
    else
        line += state;
    line += "}\n";
    std::lock_guard<std::mutex> lock(mu_);
    buf_ += line;
    write_all_locked();  // a checkpoint goes out at once, with every record before it
}

void MessageWriter::singer_state(std::string_view value) {
    std::lock_guard<std::mutex> lock(mu_);
    buf_.append(value);
    buf_ += '\n';
    write_all_locked();  // a checkpoint goes out at once, with every record before it
}

void MessageWriter::private_line(std::string_view line) {
    std::lock_guard<std::mutex> lock(mu_);
    buf_.append(line);
    buf_ += '\n';
    write_all_locked();  // the parent has it even if the child dies next
}

void MessageWriter::message(int32_t type, std::string_view payload) {
    if (singer_output_) return;
    const char* name = "TRACE";
    const char* field = "trace";
    switch (type) {
        case CONNHOST_MSG_SPEC: name = "SPEC", field = "spec"; break;
        case CONNHOST_MSG_CONNECTION_STATUS: name = "CONNECTION_STATUS", field = "connectionStatus"; break;
        case CONNHOST_MSG_CATALOG: name = "CATALOG", field = "catalog"; break;
        case CONNHOST_MSG_CONTROL: name = "CONTROL", field = "control"; break;
        default: break;
    }
    std::string line = std::string(R"({"type":")") + name + R"(",")" + field + "\":";
    line += payload;
    line += "}\n";
    std::lock_guard<std::mutex> lock(mu_);
    buf_ += line;
    maybe_flush_locked();
}

void MessageWriter::log(std::string_view level, std::string_view text) {
    if (singer_output_) return;
    std::string line = R"({"type":"LOG","log":{"level":")";
    line += level;
    line += R"(","message":)";
    append_json_string(line, text);
    line += "}}\n";
    std::lock_guard<std::mutex> lock(mu_);
    if (holding_) {
        held_ += line;
        held_text_.append(level).append(" ").append(text).append("\n");
        return;
    }
    buf_ += line;
    maybe_flush_locked();
}

void MessageWriter::trace_error(std::string_view message, std::string_view internal_message,
                                std::string_view failure_type) {
    if (singer_output_) return;
    release_logs(true);
    std::string payload = R"({"type":"ERROR","emitted_at":)" + std::to_string(now_ms()) + R"(,"error":{"message":)";
    append_json_string(payload, message);
    if (!internal_message.empty()) {
        payload += R"(,"internal_message":)";
        append_json_string(payload, internal_message);
    }
    payload += R"(,"failure_type":)";
    append_json_string(payload, failure_type);
    payload += "}}";
    this->message(CONNHOST_MSG_TRACE, payload);
}

}  // namespace connhost::protocol
