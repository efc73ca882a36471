// LineReader: reads newline-delimited text from a file descriptor in large blocks, one line at a time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::protocol {

// A line longer than the reader's limit; what() names the input and the line.
class LineTooLong : public std::runtime_error {
public:
    LineTooLong(const std::string& input, uint64_t line, uint64_t bytes_seen, bool whole, size_t limit);
    // 1-based number of the line.
    uint64_t line() const noexcept { return line_; }
    // The line's length when whole(), else how much of it was read before reading stopped (more than the limit).
    uint64_t bytes_seen() const noexcept { return bytes_seen_; }
    bool whole() const noexcept { return whole_; }
    size_t limit() const noexcept { return limit_; }

private:
    uint64_t line_, bytes_seen_;
    bool whole_;
    size_t limit_;
};

// Yields each line (without "\n" or a trailing "\r") and its 1-based number. Not thread-safe.
// Memory: one buffer of about the longest line so far (at least a block), grown without zero-filling; a line over
// the limit is refused once limit + 2 bytes of it were read, so the buffer never exceeds limit + a block.
class LineReader {
public:
    // Reads from `fd` (not closed); `name` labels errors ("stdin", a path); lines longer than `max_line_bytes`
    // (not counting "\n" or "\r\n") are refused.
    LineReader(int fd, std::string name, size_t max_line_bytes, size_t block_size = 1 << 20);
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    // Sets `line` to the next line (valid until the next call); false at the end of input. Throws
    // std::runtime_error on a read error and LineTooLong for a line over the limit; after either, the reader is
    // at its end (line_number() names the failed line).
    bool next(std::string_view& line);
    // True when next() has a whole line or the end of input to give, or the fd became readable within
    // `timeout_ms`; false when nothing came in that time. next() may still wait for the rest of a partial line.
    bool ready(int timeout_ms);
    // Number of the line last returned (1-based).
    uint64_t line_number() const noexcept { return line_no_; }
    const std::string& name() const noexcept { return name_; }
    size_t max_line_bytes() const noexcept { return max_line_; }
    // Bytes consumed so far.
    uint64_t bytes() const noexcept { return bytes_; }
    // From now on a line over the limit is skipped to its end (never held in memory) before LineTooLong is thrown,
    // and reading can go on with the next line (--error-tolerance all).
    void skip_long_lines() noexcept { skip_long_ = true; }

private:
    bool fill();
    void grow();
    [[noreturn]] void refuse(uint64_t bytes_seen, bool whole);
    // Drops the rest of the current line, up to and including its "\n"; returns how many bytes it had in all.
    uint64_t skip_line(uint64_t bytes_seen);

    int fd_;
    std::string name_;
    size_t max_line_, block_;
    char* buf_ = nullptr;
    size_t cap_ = 0;
    size_t begin_ = 0, end_ = 0;
    bool eof_ = false;
    bool skip_long_ = false;
    uint64_t line_no_ = 0;
    uint64_t bytes_ = 0;
};

}  // namespace connhost::protocol
