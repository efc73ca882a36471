#include "protocol/line_reader.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace connhost::protocol {

LineReader::LineReader(int fd, std::string name, size_t block_size) : fd_(fd), name_(std::move(name)), buf_(block_size) {}

bool LineReader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // move the partial line to the front
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a line longer than the buffer
    for (;;) {
        ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
        if (n > 0) {
            end_ += static_cast<size_t>(n);
            return true;
        }
        if (n == 0) {
            eof_ = true;
            return false;
        }
        if (errno == EINTR) continue;
        throw std::runtime_error("cannot read " + name_ + ": " + std::strerror(errno));
    }
}

bool LineReader::ready(int timeout_ms) {
    if (eof_ || std::memchr(buf_.data() + begin_, '\n', end_ - begin_)) return true;
    pollfd p{fd_, POLLIN, 0};
    int n;
    do {
        n = ::poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    return n != 0;  // readable, hung up, or an error that next() reports
}

bool LineReader::next(std::string_view& line) {
    size_t scanned = begin_;
    for (;;) {
        const void* nl = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
        if (nl) {
            size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
            size_t len = pos - begin_;
            line = std::string_view(buf_.data() + begin_, len);
            bytes_ += len + 1;
            begin_ = pos + 1;
            break;
        }
        size_t consumed = end_ - begin_;
        if (!fill()) {
            if (end_ == begin_) return false;
            line = std::string_view(buf_.data() + begin_, end_ - begin_);  // last line without "\n"
            bytes_ += line.size();
            begin_ = end_;
            break;
        }
        scanned = begin_ + consumed;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no_;
    return true;
}

}  // namespace connhost::protocol
