#include "runtime/child_stderr_relay.hpp"

#include "logging/log_setup.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace connhost::runtime {

ChildStderrRelay::ChildStderrRelay(int fd, std::string logger) : fd_(fd), logger_(std::move(logger)) {
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    thread_ = std::thread([this] { run(); });
}

void ChildStderrRelay::stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    thread_.join();
}

bool ChildStderrRelay::read_some() {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n > 0) {
            pending_.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);  // 0: the end; another error: give up
    }
}

void ChildStderrRelay::relay_lines(bool flush_partial) {
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(pending_.data() + start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        logging::write_json_line(spdlog::level::warn, logger_, line, R"(,"stream":"stderr")");
    }
    pending_.erase(0, start);
    if (flush_partial && !pending_.empty()) {
        logging::write_json_line(spdlog::level::warn, logger_, pending_, R"(,"stream":"stderr")");
        pending_.clear();
    }
}

void ChildStderrRelay::run() {
    bool open = true;
    while (open && !stopping_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) open = read_some();
        relay_lines(false);
    }
    if (open) read_some();  // what the child wrote before it exited
    relay_lines(true);
}

}  // namespace connhost::runtime
