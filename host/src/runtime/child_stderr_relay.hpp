// ChildStderrRelay: a child's raw stderr (what a plugin or the C library prints there, a crash report) as JSON log
// lines, so that with --log-format json every line on the host's stderr is one JSON object.
#pragma once
#include <atomic>
#include <string>
#include <thread>

namespace connhost::runtime {

// Reads `fd` (the read end of a child's stderr pipe, owned by the caller and kept open until stop() returned) on
// its own thread and writes each line as {"ts","level":"WARN","logger","message","stream":"stderr"}.
class ChildStderrRelay {
public:
    ChildStderrRelay(int fd, std::string logger);
    ~ChildStderrRelay() { stop(); }
    ChildStderrRelay(const ChildStderrRelay&) = delete;
    ChildStderrRelay& operator=(const ChildStderrRelay&) = delete;

    // Once the child has exited: relays what is still in the pipe (a last line without its newline too), then
    // ends the thread. A grandchild holding the pipe open does not keep it waiting.
    void stop();

private:
    void run();
    // Reads what is available; false at the end of the pipe.
    bool read_some();
    void relay_lines(bool flush_partial);

    int fd_;
    std::string logger_, pending_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace connhost::runtime
