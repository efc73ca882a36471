#include "runtime/dead_letter.hpp"

#include "protocol/json_text.hpp"
#include "protocol/stream_name.hpp"
#include "runtime/batch_buffer.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace connhost::runtime {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error("cannot " + what + " the dead-letter file " + path + ": " + std::strerror(errno));
}

std::string line_of(const RejectedRecord& r) {
    std::string out = "{\"line\":" + std::to_string(r.line) + ",\"stream\":";
    if (r.stream.empty())
        out += "null";
    else
        protocol::append_json_string(out, r.stream);
    out += ",\"namespace\":";
    if (r.has_ns)
        protocol::append_json_string(out, r.ns);
    else
        out += "null";
    out += ",\"reason\":";
    protocol::append_json_string(out, r.reason);
    out += ",\"record\":";
    out += r.record.empty() ? std::string_view("null") : r.record;
    out += "}\n";
    return out;
}

}  // namespace

std::string record_message_json(const connhost_record_batch& b, uint32_t i) {
    std::string out = R"({"type":"RECORD","record":{"stream":)";
    protocol::append_json_string(out, std::string_view(b.stream, b.stream_size));
    if (b.ns) {
        out += ",\"namespace\":";
        protocol::append_json_string(out, std::string_view(b.ns, b.ns_size));
    }
    if (b.emitted_at) out += ",\"emitted_at\":" + std::to_string(b.emitted_at[i]);
    out += ",\"data\":";
    out += record_data(b, i);
    if (std::string_view meta = record_meta(b, i); !meta.empty()) {
        out += ",\"meta\":";
        out += meta;
    }
    out += "}}";
    return out;
}

DeadLetter::DeadLetter(std::string path, const logging::SecretMasker& masker)
    : path_(std::move(path)), masker_(masker) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("open", path_);
}

DeadLetter::~DeadLetter() {
    if (fd_ >= 0) ::close(fd_);
}

void DeadLetter::add(const RejectedRecord& r) {
    std::string text = line_of(r), masked;
    if (masker_.mask_data(text, masked)) text.swap(masked);
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t done = 0; done < text.size();) {
        ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("write to", path_);
        done += static_cast<size_t>(n);
    }
    dirty_ = true;
    ++total_;
    ++per_stream_[r.stream.empty() ? std::string("(stream unknown)")
                                   : protocol::stream_display_name(r.has_ns ? r.ns : std::string_view(), r.stream)];
}

RejectedRecord batch_reject(const connhost_record_batch& b, uint32_t i, uint64_t line, std::string_view reason,
                            std::string& record_text) {
    record_text = record_message_json(b, i);
    RejectedRecord r;
    r.line = line;
    r.stream = {b.stream, b.stream_size};
    r.has_ns = b.ns != nullptr;
    if (b.ns) r.ns = {b.ns, b.ns_size};
    r.reason = reason;
    r.record = record_text;
    return r;
}

void DeadLetter::add(const connhost_record_batch& b, uint32_t i, uint64_t line, std::string_view reason) {
    std::string record;
    add(batch_reject(b, i, line, reason, record));
}

void DeadLetter::sync() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dirty_) return;
    if (::fsync(fd_) != 0) fail("fsync", path_);
    dirty_ = false;
}

uint64_t DeadLetter::total() const {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
}

std::string DeadLetter::summary() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (total_ == 0) return {};
    std::string out = std::to_string(total_) + (total_ == 1 ? " record" : " records") +
        " could not be written and went to the dead-letter file " + path_ + ":";
    bool first = true;
    for (const auto& [stream, n] : per_stream_) {
        out += (first ? " " : ", ") + stream + " " + std::to_string(n);
        first = false;
    }
    return out;
}

}  // namespace connhost::runtime
