#include "runtime/sync/sync_progress.hpp"

#include "logging/log_setup.hpp"
#include "protocol/json_text.hpp"

#include <algorithm>
#include <cstdio>

namespace connhost::runtime::sync {

namespace {
std::string human_bytes(uint64_t b) {
    char buf[32];
    if (b >= (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", b / double(1ull << 30));
    else if (b >= (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", b / double(1ull << 20));
    else if (b >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    return buf;
}
}  // namespace

SyncProgress::SyncProgress(bool live, std::chrono::seconds log_every) : live_(live), log_every_(log_every) {}

SyncProgress::~SyncProgress() { stop(); }

void SyncProgress::expect(const std::string& stream) {
    std::lock_guard lock(mu_);
    streams_.try_emplace(stream);
}

void SyncProgress::add(const std::string& stream, uint64_t records, uint64_t bytes) {
    std::lock_guard lock(mu_);
    auto& s = streams_[stream];
    auto now = std::chrono::steady_clock::now();
    if (s.records == 0) s.first = now;
    s.last = now;
    s.records += records;
    s.bytes += bytes;
}

void SyncProgress::changed(const std::string& stream, uint64_t values) {
    std::lock_guard lock(mu_);
    streams_[stream].changed += values;
}

void SyncProgress::rejected(const std::string& stream, uint64_t records, bool delivered) {
    std::lock_guard lock(mu_);
    auto& s = streams_[stream];
    s.rejected += records;
    if (delivered) s.records -= std::min(records, s.records);
}

void SyncProgress::estimate(const std::string& stream, uint64_t rows) {
    std::lock_guard lock(mu_);
    streams_[stream].estimate = rows;
}

void SyncProgress::acknowledged(uint64_t records) {
    std::lock_guard lock(mu_);
    ++states_;
    committed_ += records;
}

uint64_t SyncProgress::delivered() const {
    // Called with mu_ held.
    uint64_t n = 0;
    for (const auto& [name, s] : streams_) n += s.records;
    return n;
}

void SyncProgress::all_committed() {
    std::lock_guard lock(mu_);
    committed_ = delivered();
}

uint64_t SyncProgress::total_records() const {
    std::lock_guard lock(mu_);
    return delivered();
}

uint64_t SyncProgress::committed_records() const {
    std::lock_guard lock(mu_);
    return committed_;
}

std::string SyncProgress::stream_part(const std::string& name, const StreamStats& s, double secs,
                                      std::chrono::steady_clock::time_point now) {
    char buf[256];
    const auto records = static_cast<unsigned long long>(s.records);
    const double rate = secs > 0 ? s.records / secs : 0.0;
    if (s.estimate == 0) {
        std::snprintf(buf, sizeof buf, "%s %llu (%.0f/s)", name.c_str(), records, rate);
        return buf;
    }
    const double share = std::min(100.0, 100.0 * static_cast<double>(s.records) / static_cast<double>(s.estimate));
    // The time left at the stream's own rate since its first record; unknown before two deliveries.
    const double active = std::chrono::duration<double>(s.last - s.first).count();
    std::string eta = "ETA ?";
    if (s.records >= s.estimate)
        eta = "ETA 0s";
    else if (active > 0 && s.records > 0) {
        const double left = static_cast<double>(s.estimate - s.records) / (static_cast<double>(s.records) / active) -
            std::chrono::duration<double>(now - s.last).count();
        eta = "ETA " + std::to_string(static_cast<long long>(std::max(0.0, left) + 0.5)) + "s";
    }
    std::snprintf(buf, sizeof buf, "%s %llu/%llu %.0f%% %s (%.0f/s)", name.c_str(), records,
                  static_cast<unsigned long long>(s.estimate), share, eta.c_str(), rate);
    return buf;
}

std::string SyncProgress::line() const {
    // Called with mu_ held.
    const auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - started_).count();
    std::string out;
    uint64_t total = 0;
    for (const auto& [name, s] : streams_) {
        out += (out.empty() ? "" : " | ") + stream_part(name, s, secs, now);
        total += s.records;
    }
    char tail[128];
    std::snprintf(tail, sizeof tail, "%s%llu records, %llu committed, %llu states, %.1fs", out.empty() ? "" : " | ",
                  static_cast<unsigned long long>(total), static_cast<unsigned long long>(committed_),
                  static_cast<unsigned long long>(states_), secs);
    return out + tail;
}

void SyncProgress::run() {
    std::unique_lock lock(mu_);
    auto period =
        live_ ? std::chrono::milliseconds(250) : std::chrono::duration_cast<std::chrono::milliseconds>(log_every_);
    while (!cv_.wait_for(lock, period, [&] { return stopping_; })) {
        std::string l = line();
        if (live_) {
            std::fprintf(stderr, "\r\033[K%s", l.c_str());
            std::fflush(stderr);
        } else {
            lock.unlock();
            logging::host_log().info("progress: {}", l);
            lock.lock();
        }
    }
    if (live_) {
        logging::set_status_line(false);
        std::fprintf(stderr, "\r\033[K");
    }
}

void SyncProgress::start() {
    if (live_) logging::set_status_line(true);  // log lines clear the progress line before they are written
    thread_ = std::thread([this] { run(); });
}

void SyncProgress::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        stopping_ = true;
        stopped_at_ = std::chrono::steady_clock::now();
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

double SyncProgress::elapsed() const {
    auto end = stopping_ ? stopped_at_ : std::chrono::steady_clock::now();
    return std::chrono::duration<double>(end - started_).count();
}

std::string SyncProgress::summary_json_members() const {
    std::lock_guard lock(mu_);
    std::string out = ",\"streams\":[";
    uint64_t tr = 0, tb = 0, tc = 0, tx = 0;
    char buf[256];
    for (const auto& [name, s] : streams_) {
        std::snprintf(buf, sizeof buf,
                      R"(,"records":%llu,"bytes":%llu,"seconds":%.3f,"changed_values":%llu,"rejected_records":%llu})",
                      static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.bytes),
                      std::chrono::duration<double>(s.last - s.first).count(),
                      static_cast<unsigned long long>(s.changed), static_cast<unsigned long long>(s.rejected));
        if (out.back() != '[') out += ',';
        out += "{\"stream\":" + protocol::json_string(name) + buf;
        tr += s.records;
        tb += s.bytes;
        tc += s.changed;
        tx += s.rejected;
    }
    std::snprintf(
        buf, sizeof buf,
        R"(],"records":%llu,"bytes":%llu,"seconds":%.3f,"committed":%llu,"states":%llu,"changed_values":%llu,)"
        R"("rejected_records":%llu)",
        static_cast<unsigned long long>(tr), static_cast<unsigned long long>(tb), elapsed(),
        static_cast<unsigned long long>(committed_), static_cast<unsigned long long>(states_),
        static_cast<unsigned long long>(tc), static_cast<unsigned long long>(tx));
    return out + buf;
}

std::string SyncProgress::summary() const {
    std::lock_guard lock(mu_);
    double secs = elapsed();
    std::string out;
    char buf[320];
    std::snprintf(buf, sizeof buf, "%-32s %12s %12s %10s %14s %10s %10s\n", "STREAM", "RECORDS", "BYTES", "DURATION",
                  "RECORDS/S", "CHANGED", "REJECTED");
    out += buf;
    uint64_t tr = 0, tb = 0, tc = 0, tx = 0;
    for (const auto& [name, s] : streams_) {
        double d = std::chrono::duration<double>(s.last - s.first).count();
        std::snprintf(buf, sizeof buf, "%-32s %12llu %12s %9.2fs %14.0f %10llu %10llu\n", name.c_str(),
                      static_cast<unsigned long long>(s.records), human_bytes(s.bytes).c_str(), d,
                      d > 0 ? s.records / d : 0.0, static_cast<unsigned long long>(s.changed),
                      static_cast<unsigned long long>(s.rejected));
        out += buf;
        tr += s.records;
        tb += s.bytes;
        tc += s.changed;
        tx += s.rejected;
    }
    std::snprintf(buf, sizeof buf, "%-32s %12llu %12s %9.2fs %14.0f %10llu %10llu\n", "TOTAL",
                  static_cast<unsigned long long>(tr), human_bytes(tb).c_str(), secs, secs > 0 ? tr / secs : 0.0,
                  static_cast<unsigned long long>(tc), static_cast<unsigned long long>(tx));
    out += buf;
    std::snprintf(buf, sizeof buf, "%llu records committed, %llu states acknowledged\n",
                  static_cast<unsigned long long>(committed_), static_cast<unsigned long long>(states_));
    out += buf;
    return out;
}

}  // namespace connhost::runtime::sync
