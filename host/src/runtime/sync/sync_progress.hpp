// SyncProgress: per-stream counters of a sync, shown live on a terminal or logged periodically, then summarised.
// A stream whose source sent an ESTIMATE trace shows its share of the estimate and the time left at its rate.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace connhost::runtime::sync {

// Thread-safe counters; start() runs a reporter thread until stop().
class SyncProgress {
public:
    struct StreamStats {
        uint64_t records = 0, bytes = 0;
        std::chrono::steady_clock::time_point first{}, last{};  // first and latest delivery
        uint64_t estimate = 0;                                  // rows the source expects; 0: none given
        uint64_t changed = 0;   // values the destination changed to fit its target (connhost.value_changes/1)
        uint64_t rejected = 0;  // records that went to the dead-letter file instead of the destination
    };

    // `live`: redraw one status line on stderr; otherwise log a line every `log_every`.
    SyncProgress(bool live, std::chrono::seconds log_every = std::chrono::seconds(10));
    ~SyncProgress();

    // Lists `stream` (a display name) with 0 records so the summary shows every configured stream.
    void expect(const std::string& stream);
    // Counts records delivered to the destination for `stream`.
    void add(const std::string& stream, uint64_t records, uint64_t bytes);
    // The destination changed `values` values of records of `stream` to fit its target.
    void changed(const std::string& stream, uint64_t values);
    // `records` records of `stream` went to the dead-letter file; `delivered`: the destination rejected them after
    // add() counted them, so they leave its records (which count records written, as recordCount does).
    void rejected(const std::string& stream, uint64_t records, bool delivered = false);
    // The source expects `rows` records of `stream` in this sync (its latest ESTIMATE trace).
    void estimate(const std::string& stream, uint64_t rows);
    // Counts an acknowledged state and the records it covers.
    void acknowledged(uint64_t records);
    // The destination completed every stream: every delivered record is committed (states or not).
    void all_committed();
    void start();
    void stop();
    // The summary table (records, bytes, duration, rate, changed values, rejected records per stream) as text.
    std::string summary() const;
    // The summary as ","-led JSON members: "streams" (stream, records, bytes, seconds, changed_values,
    // rejected_records each), "records", "bytes", "seconds", "committed", "states", "changed_values",
    // "rejected_records".
    std::string summary_json_members() const;
    uint64_t total_records() const;
    uint64_t committed_records() const;

private:
    // Records delivered over all streams; mu_ held.
    uint64_t delivered() const;
    std::string line() const;
    // One stream's part of line(): "name 500/1000 50% ETA 5s (100/s)", or "name 500 (100/s)" without an estimate.
    static std::string stream_part(const std::string& name, const StreamStats& s, double secs,
                                   std::chrono::steady_clock::time_point now);
    // Seconds from the start to stop() (or now, before it); mu_ held.
    double elapsed() const;
    void run();

    const bool live_;
    const std::chrono::seconds log_every_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, StreamStats> streams_;
    uint64_t states_ = 0, committed_ = 0;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point stopped_at_{};
    std::thread thread_;
};

}  // namespace connhost::runtime::sync
