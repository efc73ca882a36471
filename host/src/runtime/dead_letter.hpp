// DeadLetter: the file where a run with --error-tolerance all puts the records it cannot write.
#pragma once
#include "logging/secret_masker.hpp"

#include <connhost/plugin_api.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace connhost::runtime {

// One record that could not be written.
struct RejectedRecord {
    uint64_t line = 0;        // run write: the input line; sync: the record's 1-based number in the source's output
    std::string_view stream;  // "": unknown (a line too long to read), written as null
    std::string_view ns;      // the namespace; only when has_ns
    bool has_ns = false;
    std::string_view reason;
    std::string_view record;  // the record message as JSON text; "": not kept (too large), written as null
};

// Record `i` of batch `b` as an Airbyte RECORD message: {"type":"RECORD","record":{stream, namespace, emitted_at,
// data, meta}}.
std::string record_message_json(const connhost_record_batch& b, uint32_t i);

// Record `i` of batch `b`, named by `line`, set aside for `reason`; its record message is put in `record_text`,
// which the result views (as do its stream and namespace, into `b`).
RejectedRecord batch_reject(const connhost_record_batch& b, uint32_t i, uint64_t line, std::string_view reason,
                            std::string& record_text);

// Appends one JSON object a line: {"line", "stream", "namespace", "reason", "record"}, every spelling of a secret
// masked as in the records a destination gets (SecretMasker::mask_data). Thread-safe. Lines are
// written as they come and made durable by sync(), which the host calls before it forwards or persists a state
// that follows them, so a state on disk or on stdout never covers a rejected record the file may lose.
class DeadLetter {
public:
    // Opens `path` for appending, creating it; throws std::runtime_error naming it. `masker` must outlive this.
    explicit DeadLetter(std::string path, const logging::SecretMasker& masker = logging::secrets());
    ~DeadLetter();
    DeadLetter(const DeadLetter&) = delete;
    DeadLetter& operator=(const DeadLetter&) = delete;

    // Writes `r` as one line, masked (every line of the file passes here); throws std::runtime_error naming the file
    // when it cannot.
    void add(const RejectedRecord& r);
    // Writes record `i` of batch `b` (as record_message_json) with its `line` number and `reason`.
    void add(const connhost_record_batch& b, uint32_t i, uint64_t line, std::string_view reason);
    // fsyncs the file when lines were added since the last call; throws std::runtime_error naming the file.
    void sync();

    const std::string& path() const noexcept { return path_; }
    uint64_t total() const;
    // "3 records could not be written and went to the dead-letter file F: users 2, shop.orders 1"; "" for none.
    std::string summary() const;

private:
    std::string path_;
    const logging::SecretMasker& masker_;
    int fd_ = -1;
    mutable std::mutex mu_;
    bool dirty_ = false;
    uint64_t total_ = 0;
    std::map<std::string, uint64_t> per_stream_;
};

}  // namespace connhost::runtime
