// StateLedger: the states handed to a destination, in order, until they are acknowledged and released.
#pragma once
#include <connhost/plugin_api.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <string>

namespace connhost::runtime {

// Single-threaded (the destination's run thread). Ids grow from 1.
//
// A state delivered while an overwrite stream is unfinished is "gated": the destination's ack only says its
// records are committed, not that the overwrite was swapped in, so the state is released (persisted, echoed)
// only once the destination acknowledges a state delivered after every such stream completed, or the write
// ended successfully. Releasing it earlier would let a resumed run skip records the failed overwrite threw away.
class StateLedger {
public:
    struct Entry {
        uint64_t id;
        std::string json;             // the AirbyteStateMessage object
        uint64_t record_count;        // records delivered since the previous state
        uint64_t gate = 0;            // 0: none; kUnresolved: an overwrite is still open; else: needs an ack past it
        uint64_t rejected_count = 0;  // records sent to the dead-letter file since the previous state
    };
    static constexpr uint64_t kUnresolved = std::numeric_limits<uint64_t>::max();

    // Records a state delivered after `records_since_previous` records (and `rejected` records sent to the
    // dead-letter file); `gated` while an overwrite is open.
    uint64_t add(std::string json, uint64_t records_since_previous, bool gated = false, uint64_t rejected = 0) {
        pending_.push_back({++last_id_, std::move(json), records_since_previous, gated ? kUnresolved : 0, rejected});
        return last_id_;
    }

    // Every overwrite stream open so far has completed: gated states wait only for an ack of a later state.
    void overwrites_completed() {
        for (auto& e : pending_)
            if (e.gate == kUnresolved) e.gate = last_id_;
    }

    // Acknowledges state `id` and all before it, calling on_release(entry) in order for each one not gated.
    // Returns CONFIG for an id never handed out or already acknowledged.
    template <class F>
    int32_t ack(uint64_t id, F&& on_release) {
        if (id <= acked_ || id > last_id_) return CONNHOST_STATUS_CONFIG;
        acked_ = id;
        release(false, on_release);
        return CONNHOST_STATUS_OK;
    }

    // The write ended successfully after a clean end of input: releases every acknowledged state.
    template <class F>
    void finish(F&& on_release) {
        release(true, on_release);
    }

    // A record counted in the records before pending state `id` was rejected after all: it moves from that state's
    // record_count to its rejected_count. False when no such state is pending.
    bool rejected_before(uint64_t id) noexcept {
        for (Entry& e : pending_) {
            if (e.id != id) continue;
            if (e.record_count) --e.record_count;
            ++e.rejected_count;
            return true;
        }
        return false;
    }

    size_t pending() const noexcept { return pending_.size(); }
    // States released so far.
    uint64_t acknowledged() const noexcept { return released_; }
    // States acknowledged by the destination but held back by a gate.
    uint64_t held() const noexcept { return acked_ - released_; }

private:
    template <class F>
    void release(bool finished, F& on_release) {
        while (!pending_.empty() && pending_.front().id <= acked_) {
            const Entry& e = pending_.front();
            if (!finished && e.gate != 0 && (e.gate == kUnresolved || acked_ <= e.gate)) break;
            on_release(e);
            ++released_;
            pending_.pop_front();
        }
    }

    std::deque<Entry> pending_;  // delivered, not yet released
    uint64_t last_id_ = 0, acked_ = 0, released_ = 0;
};

}  // namespace connhost::runtime
