// StateLedger: the states handed to a destination, in order, until it acknowledges them.
#pragma once
#include <connhost/plugin_api.h>

#include <cstdint>
#include <deque>
#include <string>

namespace connhost::runtime {

// Single-threaded (the destination's run thread). Ids grow from 1.
class StateLedger {
public:
    struct Entry {
        uint64_t id;
        std::string json;        // the AirbyteStateMessage object
        uint64_t record_count;   // records delivered since the previous state
    };

    // Records a state delivered after `records_since_previous` records; returns its id.
    uint64_t add(std::string json, uint64_t records_since_previous) {
        pending_.push_back({++last_id_, std::move(json), records_since_previous});
        return last_id_;
    }

    // Acknowledges state `id` and all before it, calling on_acked(entry) for each in order.
    // Returns CONFIG for an id never handed out or already acknowledged.
    template <class F>
    int32_t ack(uint64_t id, F&& on_acked) {
        if (pending_.empty() || id < pending_.front().id || id > last_id_) return CONNHOST_STATUS_CONFIG;
        while (!pending_.empty() && pending_.front().id <= id) {
            on_acked(pending_.front());
            pending_.pop_front();
        }
        return CONNHOST_STATUS_OK;
    }

    size_t pending() const noexcept { return pending_.size(); }
    uint64_t acknowledged() const noexcept { return last_id_ - pending_.size(); }

private:
    std::deque<Entry> pending_;
    uint64_t last_id_ = 0;
};

}  // namespace connhost::runtime
