// SpawnedChild: a child process started with pipes on its stdin and stdout, owned until it is reaped.
#pragma once
#include "runtime/unique_fd.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace connhost::runtime {

// A file handed to the child as `flag /dev/fd/N`, N an inherited memfd holding `content` (never a file on disk).
struct ChildFileArg {
    std::string flag;
    std::string_view content;
};

// The path of the running executable (connhost), which --isolate starts again as its child.
std::string this_executable();

// One child process. Every fd it opened is closed on every path, and the child is reaped on every path:
// a child not yet waited for is killed (SIGKILL) and reaped when this object goes.
class SpawnedChild {
public:
    // Starts `args[0]` with `args`, then each file of `files` as `flag /dev/fd/N`. Its stdout is a pipe read through
    // stdout_fd(); its stdin is a pipe written through stdin_fd() when `pipe_stdin`, else /dev/null. Its stderr is
    // ours, or a pipe read through stderr_fd() when `pipe_stderr`. Throws std::runtime_error saying what could not
    // be created or started.
    SpawnedChild(std::vector<std::string> args, const std::vector<ChildFileArg>& files, bool pipe_stdin,
                 bool pipe_stderr = false);
    ~SpawnedChild();
    SpawnedChild(const SpawnedChild&) = delete;
    SpawnedChild& operator=(const SpawnedChild&) = delete;

    pid_t pid() const noexcept { return pid_; }
    int stdout_fd() const noexcept { return out_.get(); }
    int stdin_fd() const noexcept { return in_.get(); }    // -1 without `pipe_stdin`
    int stderr_fd() const noexcept { return err_.get(); }  // -1 without `pipe_stderr`
    // Closes our end of the child's stdin (its end of input), stdout or stderr.
    void close_stdin() noexcept { in_.reset(); }
    void close_stdout() noexcept { out_.reset(); }
    void close_stderr() noexcept { err_.reset(); }
    // Waits for the child to exit and returns its wait status (as waitpid gives it). Call once.
    int wait() noexcept;
    // The child's wait status when it has exited (it is then reaped), nothing while it runs. Never blocks.
    std::optional<int> try_wait() noexcept;

private:
    pid_t pid_ = -1;  // -1 once reaped
    UniqueFd out_, in_, err_;
};

}  // namespace connhost::runtime
