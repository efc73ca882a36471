// DeliveryLedger: what a destination has been handed, in input order — the streams' progress and the states
// waiting for acknowledgement — and the rules every destination gets from the host whoever wrote it.
#pragma once
#include "protocol/catalog_input.hpp"
#include "runtime/state_ledger.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::runtime {

// Single-threaded (the thread that delivers the destination's input). Both input paths (run write's lines and
// sync's queue) deliver through one, so the rules hold for `run write`, `sync` and `--isolate` alike:
//  - a stream is complete only when its COMPLETE status arrived or, for input that carries no STREAM_STATUS
//    at all (legacy sources), at a clean end of input; a clean end is an error while a stream that had a status
//    is not COMPLETE, or a configured stream never appeared although others carried statuses (a stream with
//    records but no status of its own completes at the clean end, as in legacy input);
//  - records of a stream after its COMPLETE status are an input error;
//  - states delivered while an overwrite stream is unfinished are released only once it was swapped in, except
//    that a resumable overwrite (its staging survives for the next run, see resumable_overwrites.hpp) holds back
//    only GLOBAL and LEGACY states: STREAM states of any stream are released at their ack while it is open;
//  - a destination that can commit while input is idle (it sets connhost_input.wait_ms) is woken within the
//    host's idle bound, so what it holds is committed and acknowledged while a slow source waits.
class DeliveryLedger {
public:
    static constexpr uint32_t kDefaultIdleMs = 5000;

    // `idle_bound_ms`: the longest the host lets a destination that asked to be woken wait for input.
    explicit DeliveryLedger(const std::vector<protocol::CatalogStream>& streams,
                            uint32_t idle_bound_ms = kDefaultIdleMs);

    // Adds the catalog streams not known yet (a later write session with a larger catalog: Singer input).
    void add_streams(const std::vector<protocol::CatalogStream>& streams);

    // The idle bound in ms for a user's `seconds`; throws std::invalid_argument naming `what` unless 0 < seconds <=
    // 3600.
    static uint32_t idle_bound_from_seconds(double seconds, const std::string& what);

    // How long next_input may wait for input when the destination asked for `asked_ms` (0: block, as in ABI 1.0).
    uint32_t wait_ms(uint32_t asked_ms) const noexcept {
        return asked_ms == 0 ? 0 : std::min(asked_ms, idle_bound_ms_);
    }

    // Overwrite stream (ns, name) is resumable (see above). Call before delivering anything.
    void resumable_overwrite(const std::string& ns, const std::string& name);

    // Before delivering `count` records of (ns, name): "" or why they must not be delivered.
    std::string records(std::string_view ns, std::string_view name, uint64_t count);
    // `count` records of the input went to the dead-letter file instead of the destination.
    void rejected(uint64_t count) noexcept { rejected_since_state_ += count; }
    // The destination rejected one record it was delivered (it went to the dead-letter file); with `before_state`,
    // a record delivered before that state (a destination in a child process reports rejects late).
    void rejected_by_destination(uint64_t before_state = 0) noexcept {
        if (before_state && states_.rejected_before(before_state)) return;
        if (records_since_state_) --records_since_state_;
        ++rejected_since_state_;
    }
    // Before delivering a stream status (its stream_status object text).
    void status(std::string_view stream_status_json);
    // Records a state about to be delivered; returns the id the destination acknowledges it with.
    uint64_t state(std::string json);
    // At a clean end of input: "" when every stream is complete, else an error naming those that are not.
    std::string incomplete_at_end() const;

    // The destination acknowledged `id`: on_release(entry) for each state that may now be persisted or echoed.
    template <class F>
    int32_t ack(uint64_t id, F&& on_release) {
        return states_.ack(id, on_release);
    }
    // The write succeeded after a clean end of input: releases every acknowledged state still held.
    template <class F>
    void finish(F&& on_release) {
        states_.finish(on_release);
    }

    uint64_t states_released() const noexcept { return states_.acknowledged(); }
    uint64_t states_held() const noexcept { return states_.held(); }
    uint64_t states_pending() const noexcept { return states_.pending(); }

private:
    enum class Phase { NotStarted, Started, Complete, Incomplete };
    struct Stream {
        bool overwrite = false;
        bool resumable = false;   // overwrite whose staging survives an unfinished run
        bool has_status = false;  // a STREAM_STATUS of this stream arrived
        Phase phase = Phase::NotStarted;
    };
    Stream* find(std::string_view ns, std::string_view name);
    bool overwrite_open() const;
    void start(Stream& s);

    std::map<std::pair<std::string, std::string>, Stream, std::less<>> streams_;  // (namespace, name)
    StateLedger states_;
    uint64_t records_since_state_ = 0;
    uint64_t rejected_since_state_ = 0;
    bool statuses_seen_ = false;
    size_t open_overwrites_ = 0;  // started, not complete, not resumable
    size_t open_resumable_ = 0;   // started, not complete, resumable
    uint32_t idle_bound_ms_;
};

}  // namespace connhost::runtime
