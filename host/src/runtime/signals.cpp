#include "runtime/signals.hpp"

#include <csignal>
#include <pthread.h>
#include <unistd.h>

namespace connhost::runtime {

namespace {
sigset_t watched() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR2);  // internal: wakes the thread to stop
    return set;
}
}  // namespace

CancelOnSignal::CancelOnSignal(std::function<void()> on_signal) : on_signal_(std::move(on_signal)) {
    sigset_t set = watched();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this] {
        sigset_t s = watched();
        for (;;) {
            int sig = 0;
            if (sigwait(&s, &sig) != 0) continue;
            if (stopping_) return;
            if (sig == SIGUSR2) continue;
            if (fired_.exchange(true)) _exit(130);  // second Ctrl-C: stop now
            on_signal_();
        }
    });
}

CancelOnSignal::~CancelOnSignal() {
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
}

}  // namespace connhost::runtime
