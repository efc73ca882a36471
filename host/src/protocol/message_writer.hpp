// MessageWriter: prints Airbyte protocol messages, one JSON object a line, to a file descriptor.
#pragma once
#include <connhost/plugin_api.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::protocol {

// Thread-safe; buffers output in order (a record's data or meta of buffer_limit bytes or more is written directly,
// not copied into the buffer); flush() pushes everything out.
class MessageWriter {
public:
    explicit MessageWriter(int fd, size_t buffer_limit = 1 << 20) : fd_(fd), limit_(buffer_limit) {
        buf_.reserve(limit_ + 4096);
    }
    ~MessageWriter();
    MessageWriter(const MessageWriter&) = delete;
    MessageWriter& operator=(const MessageWriter&) = delete;

    // One RECORD line per record of the batch (data bytes copied as they are).
    void records(const connhost_record_batch& batch, int64_t default_emitted_at);
    // A STATE line, written out at once with everything before it; with `record_count`,
    // destinationStats.recordCount is set (replacing any given), and with `rejected` also
    // destinationStats.rejectedRecordCount.
    void state(std::string_view state_object, std::optional<uint64_t> record_count = std::nullopt,
               std::optional<uint64_t> rejected = std::nullopt);
    // A line {"type": TYPE, FIELD: payload}, payload being a JSON object text (SPEC, CATALOG, TRACE, ...).
    void message(int32_t connhost_msg_type, std::string_view payload);
    // A LOG line at an Airbyte level (FATAL, ERROR, WARN, INFO, DEBUG, TRACE).
    void log(std::string_view level, std::string_view text);
    // A TRACE ERROR line; failure_type is system_error, config_error or transient_error.
    void trace_error(std::string_view message, std::string_view internal_message, std::string_view failure_type);
    // What a Singer target prints for an acknowledged STATE: the state's value alone on one line (as it came),
    // written out at once with everything before it.
    void singer_state(std::string_view value);
    // A private message line (protocol/private_message.hpp) for the parent of an --isolate child, written out at
    // once with everything before it.
    void private_line(std::string_view line);
    // From now on the output is a Singer target's: LOG, TRACE (errors too) and other message lines are no longer
    // printed, so stdout carries only states (logs then go to stderr; see run_operation).
    void singer_output() noexcept { singer_output_ = true; }
    // Until release_logs(): LOG lines are held back (a `write` whose first input line decides where logs go).
    void hold_logs();
    // Ends hold_logs(): the LOG lines held go out in order on stdout (`to_stdout`), or as text lines on stderr.
    // flush() and trace_error() release them to stdout. Idempotent.
    void release_logs(bool to_stdout);
    // Writes out everything buffered; throws when stdout is gone.
    void flush();

    // Milliseconds since the Unix epoch.
    static int64_t now_ms() noexcept;

private:
    void maybe_flush_locked();
    void write_all_locked();
    void write_locked(std::string_view bytes);
    // Appends `bytes` to the buffer, or writes the buffer and then `bytes` when they are at least the buffer limit.
    void append_locked(std::string_view bytes);

    int fd_;
    size_t limit_;
    std::mutex mu_;
    std::string buf_;
    std::atomic<bool> singer_output_{false};
    bool holding_ = false;          // hold_logs() is in effect (mu_)
    std::string held_, held_text_;  // the LOG lines held, and the same as text lines (mu_)
    void release_locked(bool to_stdout);
};

// Returns `state_object` with destinationStats.recordCount = count (any existing destinationStats replaced) and,
// when `rejected` is given, destinationStats.rejectedRecordCount = *rejected.
std::string with_destination_stats(std::string_view state_object, uint64_t count,
                                   std::optional<uint64_t> rejected = std::nullopt);
// Returns `state_object` unchanged, except that a GLOBAL state whose "global" lacks the "stream_states" the protocol
// requires (Airbyte's own destination test data has such states) gets an empty one, so the echo validates.
std::string with_global_stream_states(std::string_view state_object);

}  // namespace connhost::protocol
