#include "certify/plugin_runner.hpp"

#include "certify/text_lines.hpp"
#include "runtime/files.hpp"

#include <cerrno>
#include <csignal>
#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace connhost::certify {

namespace {

void set_nonblocking(int fd) noexcept {
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Appends what `fd` has to `into`; false on end of file (or an error), true when it had data or would block.
bool read_some(int fd, std::string& into) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::chrono::steady_clock::time_point after(double seconds) {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

std::string RunResult::describe() const {
    std::string s = signal ? "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")"
                           : "exit " + std::to_string(exit_code);
    return timed_out ? s + " after the timeout" : s;
}

std::vector<std::string> RunResult::out_lines() const {
    std::vector<std::string> lines;
    for_each_line(out, [&](size_t, std::string_view line) {
        if (!line.empty()) lines.emplace_back(line);
        return true;
    });
    return lines;
}

StreamingRun::StreamingRun(std::vector<std::string> argv, const std::string& stdin_text, bool keep_stdin_open)
    : child_(std::move(argv), {}, true, true), started_(std::chrono::steady_clock::now()) {
    set_nonblocking(child_.stdout_fd());
    set_nonblocking(child_.stderr_fd());
    set_nonblocking(child_.stdin_fd());
    write_stdin(stdin_text);
    if (!keep_stdin_open) close_stdin();
}

StreamingRun::~StreamingRun() = default;

bool StreamingRun::pump(int timeout_ms, std::string_view* to_write) {
    pollfd fds[3] = {{child_.stdout_fd(), POLLIN, 0}, {child_.stderr_fd(), POLLIN, 0}, {-1, POLLOUT, 0}};
    if (to_write && !to_write->empty()) fds[2].fd = child_.stdin_fd();
    if (fds[0].fd < 0 && fds[1].fd < 0 && fds[2].fd < 0) return false;
    int n = ::poll(fds, 3, timeout_ms);
    if (n <= 0) return true;
    if (fds[0].revents && !read_some(fds[0].fd, out_)) child_.close_stdout();
    if (fds[1].revents && !read_some(fds[1].fd, err_)) child_.close_stderr();
    if (fds[2].fd >= 0 && fds[2].revents) {
        ssize_t w = ::write(fds[2].fd, to_write->data(), to_write->size());
        if (w > 0) to_write->remove_prefix(static_cast<size_t>(w));
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            stdin_broken_ = true;
            *to_write = {};
        }
    }
    return child_.stdout_fd() >= 0 || child_.stderr_fd() >= 0;
}

bool StreamingRun::write_stdin(std::string_view data, double timeout_seconds) {
    const auto deadline = after(timeout_seconds);
    while (!data.empty() && !stdin_broken_ && child_.stdin_fd() >= 0) {
        if (remaining_ms(deadline) == 0) {
            stdin_broken_ = true;
            close_stdin();
            break;
        }
        pump(std::min(remaining_ms(deadline), 1000), &data);
    }
    return !stdin_broken_ && child_.stdin_fd() >= 0;
}

void StreamingRun::close_stdin() noexcept { child_.close_stdin(); }

void StreamingRun::send_signal(int sig) noexcept {
    if (child_.pid() > 0) ::kill(child_.pid(), sig);
}

std::optional<std::string> StreamingRun::next_line(double timeout_seconds) {
    read_timed_out_ = false;
    const auto deadline = after(timeout_seconds);
    for (;;) {
        size_t nl = out_.find('\n', line_start_);
        if (nl != std::string::npos) {
            std::string line = out_.substr(line_start_, nl - line_start_);
            line_start_ = nl + 1;
            return line;
        }
        if (child_.stdout_fd() < 0) {  // the rest without a final newline, then nothing
            if (line_start_ >= out_.size()) return std::nullopt;
            std::string line = out_.substr(line_start_);
            line_start_ = out_.size();
            return line;
        }
        int left = remaining_ms(deadline);
        if (left == 0) {
            read_timed_out_ = true;
            return std::nullopt;
        }
        pump(left, nullptr);
    }
}

void StreamingRun::drain_pipes(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (pump(remaining_ms(deadline), nullptr) && remaining_ms(deadline) > 0) {}
}

RunResult StreamingRun::wait(double timeout_seconds) {
    RunResult r;
    const auto deadline = after(timeout_seconds);
    std::optional<int> status;
    while (!(status = child_.try_wait())) {
        if (remaining_ms(deadline) == 0) {
            r.timed_out = true;
            send_signal(SIGKILL);
            status = child_.wait();
            break;
        }
        if (!pump(std::min(remaining_ms(deadline), 50), nullptr)) ::usleep(10000);
    }
    drain_pipes(2000);  // a grandchild (--isolate) may hold the pipes a moment longer
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (WIFSIGNALED(*status)) r.signal = WTERMSIG(*status);
    if (WIFEXITED(*status)) r.exit_code = WEXITSTATUS(*status);
    r.out = std::move(out_);
    r.err = std::move(err_);
    return r;
}

PluginRunner::PluginRunner(std::string plugin, bool isolate) : plugin_(std::move(plugin)), isolate_(isolate) {}

std::vector<std::string> PluginRunner::command(const RunArgs& args) const {
    std::vector<std::string> argv{runtime::this_executable(), "run", "--plugin", plugin_, args.op};
    if (args.config) argv.insert(argv.end(), {"--config", args.config->string()});
    if (args.catalog) argv.insert(argv.end(), {"--catalog", args.catalog->string()});
    if (args.state) argv.insert(argv.end(), {"--state", args.state->string()});
    if (isolate_) argv.push_back("--isolate");
    argv.insert(argv.end(), args.extra.begin(), args.extra.end());
    return argv;
}

std::unique_ptr<StreamingRun> PluginRunner::start(const RunArgs& args, bool keep_stdin_open) const {
    std::string input = args.stdin_file ? runtime::read_file(args.stdin_file->string(), "input file") : args.stdin_text;
    return std::make_unique<StreamingRun>(command(args), input, keep_stdin_open);
}

RunResult PluginRunner::run(const RunArgs& args) const {
    auto child = start(args);
    return child->wait(args.timeout_seconds);
}

}  // namespace connhost::certify
