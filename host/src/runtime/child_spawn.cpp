#include "runtime/child_spawn.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/wait.h>

extern char** environ;

namespace connhost::runtime {

namespace {

[[noreturn]] void fail(const std::string& what, int err) { throw std::runtime_error(what + ": " + std::strerror(err)); }

// An fd holding `content`, inherited by the child and read through /dev/fd/N.
UniqueFd memfd_with(const char* name, std::string_view content) {
    UniqueFd fd(::memfd_create(name, 0));
    if (!fd) fail("memfd_create failed", errno);
    size_t off = 0;
    while (off < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + off, content.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot fill a memfd", errno);
        off += static_cast<size_t>(n);
    }
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

// A close-on-exec pipe: [0] reads, [1] writes.
struct Pipe {
    UniqueFd read, write;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("cannot create a pipe for the plugin's child process", errno);
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// posix_spawn_file_actions_t, destroyed on every path.
struct FileActions {
    posix_spawn_file_actions_t fa;
    FileActions() { posix_spawn_file_actions_init(&fa); }
    ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
};

}  // namespace

std::string this_executable() {
    boost::dll::fs::error_code ec;
    return boost::dll::program_location(ec).string();
}

SpawnedChild::SpawnedChild(std::vector<std::string> args, const std::vector<ChildFileArg>& files, bool pipe_stdin,
                           bool pipe_stderr) {
    std::vector<UniqueFd> memfds;  // closed once the child inherited them
    for (const auto& f : files) {
        memfds.push_back(memfd_with(f.flag.c_str(), f.content));
        args.push_back(f.flag);
        args.push_back("/dev/fd/" + std::to_string(memfds.back().get()));
    }
    Pipe out = make_pipe();
    Pipe in;
    if (pipe_stdin) in = make_pipe();
    Pipe err;
    if (pipe_stderr) err = make_pipe();
    FileActions actions;
    if (pipe_stdin)
        posix_spawn_file_actions_adddup2(&actions.fa, in.read.get(), 0);
    else
        posix_spawn_file_actions_addopen(&actions.fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions.fa, out.write.get(), 1);
    if (pipe_stderr) posix_spawn_file_actions_adddup2(&actions.fa, err.write.get(), 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, args[0].c_str(), &actions.fa, nullptr, argv.data(), environ);
    if (rc != 0) {
        pid_ = -1;
        fail("cannot start " + args[0], rc);
    }
    out_ = std::move(out.read);
    in_ = std::move(in.write);
    err_ = std::move(err.read);
}

SpawnedChild::~SpawnedChild() {
    in_.reset();
    out_.reset();
    err_.reset();
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

int SpawnedChild::wait() noexcept {
    int wstatus = 0;
    while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {}
    pid_ = -1;
    return wstatus;
}

std::optional<int> SpawnedChild::try_wait() noexcept {
    int wstatus = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &wstatus, WNOHANG)) < 0 && errno == EINTR) {}
    if (r == 0) return std::nullopt;
    pid_ = -1;
    return wstatus;
}

}  // namespace connhost::runtime
