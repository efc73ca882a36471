// FileLock: an exclusive, advisory lock on "<path>.lock" for as long as the object lives (or the process does).
#pragma once
#include <stdexcept>
#include <string>

namespace connhost::runtime {

// Another process holds the lock: a run after it finished can succeed.
struct LockBusy : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Held from construction to destruction; released by the kernel if the process dies. Not thread-safe.
class FileLock {
public:
    // Locks "<path>.lock" (created if missing) and writes this process's pid into it. Throws LockBusy naming
    // `what`, the path and the holder's pid when another process holds it, std::runtime_error when it cannot lock.
    FileLock(const std::string& path, const std::string& what);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace connhost::runtime
