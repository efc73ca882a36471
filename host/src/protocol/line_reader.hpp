// LineReader: reads newline-delimited text from a file descriptor in large blocks, one line at a time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::protocol {

// Yields each line (without "\n" or a trailing "\r") and its 1-based number. Not thread-safe.
class LineReader {
public:
    // Reads from `fd` (not closed); `name` labels errors ("stdin", a path).
    LineReader(int fd, std::string name, size_t block_size = 1 << 20);

    // Sets `line` to the next line (valid until the next call); false at the end of input.
    bool next(std::string_view& line);
    // True when next() has a whole line or the end of input to give, or the fd became readable within
    // `timeout_ms`; false when nothing came in that time. next() may still wait for the rest of a partial line.
    bool ready(int timeout_ms);
    // Number of the line last returned (1-based).
    uint64_t line_number() const noexcept { return line_no_; }
    const std::string& name() const noexcept { return name_; }
    // Bytes consumed so far.
    uint64_t bytes() const noexcept { return bytes_; }

private:
    bool fill();

    int fd_;
    std::string name_;
    std::vector<char> buf_;
    size_t begin_ = 0, end_ = 0;
    bool eof_ = false;
    uint64_t line_no_ = 0;
    uint64_t bytes_ = 0;
};

}  // namespace connhost::protocol
