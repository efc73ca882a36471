// PathLock: a destination's exclusive claim on the file or folder it writes, so two writes never interleave there.
#pragma once
#include <connhost/sdk/status.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace connhost::sdk {

// An advisory flock on `lock_file`, held from construction to destruction (the kernel drops it if the process dies).
class PathLock {
public:
    // Locks `lock_file` (creating it and its folder) and writes this process's pid into it. Throws TransientError
    // naming `what` and the holder's pid when another process holds it, SystemError when it cannot be created.
    PathLock(const std::string& lock_file, const std::string& what) {
        std::error_code ec;
        auto parent = std::filesystem::path(lock_file).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw SystemError("cannot create the lock file " + lock_file + " for " + what + ": " +
                              std::strerror(errno));
        if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
            const std::string pid = std::to_string(::getpid()) + "\n";
            if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
                // The lock holds without the pid; a second writer then reports "pid unknown".
            }
            return;
        }
        char buf[32] = {};
        ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
        std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("unknown");
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
        ::close(fd_);
        throw TransientError(what + " is being written by another process (pid " + holder + ", lock " + lock_file +
                             "): wait for it to finish or stop it, then run again");
    }
    ~PathLock() { ::close(fd_); }
    PathLock(const PathLock&) = delete;
    PathLock& operator=(const PathLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace connhost::sdk
