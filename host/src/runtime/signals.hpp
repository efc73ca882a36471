// CancelOnSignal: turns SIGINT/SIGTERM into a cancel callback run on a dedicated thread.
#pragma once
#include <atomic>
#include <functional>
#include <thread>

namespace connhost::runtime {

// Blocks SIGINT and SIGTERM in the calling thread (create it before any other thread) and calls
// `on_signal` from its own thread when one arrives. A second signal exits at once with 130.
class CancelOnSignal {
public:
    explicit CancelOnSignal(std::function<void()> on_signal);
    ~CancelOnSignal();
    CancelOnSignal(const CancelOnSignal&) = delete;
    CancelOnSignal& operator=(const CancelOnSignal&) = delete;

    bool fired() const noexcept { return fired_.load(); }

private:
    std::function<void()> on_signal_;
    std::atomic<bool> fired_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace connhost::runtime
