#include "protocol/line_reader.hpp"

#include "protocol/record_limit.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace connhost::protocol {

LineTooLong::LineTooLong(const std::string& input, uint64_t line, uint64_t bytes_seen, bool whole, size_t limit)
    : std::runtime_error(input + " line " + std::to_string(line) + ": " + over_limit_text(bytes_seen, whole, limit)),
      line_(line),
      bytes_seen_(bytes_seen),
      whole_(whole),
      limit_(limit) {}

LineReader::LineReader(int fd, std::string name, size_t max_line_bytes, size_t block_size)
    : fd_(fd), name_(std::move(name)), max_line_(max_line_bytes), block_(std::max<size_t>(block_size, 2)) {
    // malloc, not a vector: pages a long line never reaches are never touched, and realloc of a large block
    // remaps it instead of holding the old and the new copy at once.
    buf_ = static_cast<char*>(std::malloc(block_));
    if (!buf_) throw std::bad_alloc();
    cap_ = block_;
}

LineReader::~LineReader() { std::free(buf_); }

void LineReader::grow() {
    const size_t most = max_line_ > SIZE_MAX - block_ ? SIZE_MAX : max_line_ + block_;
    const size_t want = cap_ > most / 2 ? most : cap_ * 2;
    char* p = want > cap_ ? static_cast<char*>(std::realloc(buf_, want)) : nullptr;
    if (!p) throw std::bad_alloc();
    buf_ = p;
    cap_ = want;
}

bool LineReader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // move the partial line to the front
        std::memmove(buf_, buf_ + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == cap_) grow();  // a line longer than the buffer
    for (;;) {
        ssize_t n = ::read(fd_, buf_ + end_, cap_ - end_);
        if (n > 0) {
            end_ += static_cast<size_t>(n);
            return true;
        }
        if (n == 0) {
            eof_ = true;
            return false;
        }
        if (errno == EINTR) continue;
        eof_ = true;
        throw std::runtime_error("cannot read " + name_ + ": " + std::strerror(errno));
    }
}

bool LineReader::ready(int timeout_ms) {
    if (eof_ || std::memchr(buf_ + begin_, '\n', end_ - begin_)) return true;
    pollfd p{fd_, POLLIN, 0};
    int n;
    do {
        n = ::poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    return n != 0;  // readable, hung up, or an error that next() reports
}

uint64_t LineReader::skip_line(uint64_t bytes_seen) {
    begin_ = end_;  // what is buffered is all the line's
    for (;;) {
        if (!fill()) return bytes_seen;  // the input ended inside the line
        const void* nl = std::memchr(buf_ + begin_, '\n', end_ - begin_);
        if (nl) {
            const size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf_);
            bytes_seen += pos - begin_;
            bytes_ += bytes_seen + 1;
            begin_ = pos + 1;
            return bytes_seen;
        }
        bytes_seen += end_ - begin_;
        begin_ = end_;
    }
}

void LineReader::refuse(uint64_t bytes_seen, bool whole) {
    ++line_no_;
    if (skip_long_) {
        if (!whole) bytes_seen = skip_line(bytes_seen);
        throw LineTooLong(name_, line_no_, bytes_seen, true, max_line_);
    }
    eof_ = true;
    begin_ = end_ = 0;
    throw LineTooLong(name_, line_no_, bytes_seen, whole, max_line_);
}

bool LineReader::next(std::string_view& line) {
    size_t scanned = begin_;
    for (;;) {
        const void* nl = std::memchr(buf_ + scanned, '\n', end_ - scanned);
        if (nl) {
            size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf_);
            size_t len = pos - begin_;
            line = std::string_view(buf_ + begin_, len);
            bytes_ += len + 1;
            begin_ = pos + 1;
            break;
        }
        size_t consumed = end_ - begin_;
        // Even without a trailing "\r", max + 2 bytes and no "\n" yet is over the limit: stop reading this line.
        if (consumed > max_line_ && consumed - max_line_ >= 2) refuse(consumed, false);
        if (!fill()) {
            if (end_ == begin_) return false;
            line = std::string_view(buf_ + begin_, end_ - begin_);  // last line without "\n"
            bytes_ += line.size();
            begin_ = end_;
            break;
        }
        scanned = begin_ + consumed;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line_) refuse(line.size(), true);
    ++line_no_;
    return true;
}

}  // namespace connhost::protocol
