// RateLimiter: a client-side token bucket that spaces requests to at most N per second.
#pragma once
#include <connhost/sdk/status.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

namespace connhost::sdk {

// Token bucket: `rate` tokens per second, holding at most `burst`. rate <= 0 means unlimited. Thread-safe.
class RateLimiter {
public:
    using clock = std::chrono::steady_clock;

    explicit RateLimiter(double rate = 0, double burst = 1)
        : rate_(rate), burst_(std::max(1.0, burst)), tokens_(std::max(1.0, burst)), last_(clock::now()) {}

    // Blocks until a token is available and takes it; polls `cancelled` every 50 ms and throws Cancelled when it says
    // so.
    void acquire(const std::function<bool()>& cancelled = {}) {
        if (rate_ <= 0) return;
        for (;;) {
            std::chrono::duration<double> wait{};
            {
                std::lock_guard<std::mutex> lock(mu_);
                refill();
                if (tokens_ >= 1.0) {
                    tokens_ -= 1.0;
                    return;
                }
                wait = std::chrono::duration<double>((1.0 - tokens_) / rate_);
            }
            if (cancelled && cancelled()) throw Cancelled();
            std::this_thread::sleep_for(std::min<std::chrono::duration<double>>(wait, std::chrono::milliseconds(50)));
        }
    }

    double rate() const noexcept { return rate_; }  // tokens per second (0: unlimited)

private:
    void refill() {
        auto now = clock::now();
        tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
        last_ = now;
    }

    double rate_, burst_, tokens_;
    clock::time_point last_;
    std::mutex mu_;
};

}  // namespace connhost::sdk
