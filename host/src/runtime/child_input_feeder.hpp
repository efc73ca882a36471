// feed_child_input: a destination's input, written as protocol lines to the stdin of its child `connhost run write`.
#pragma once
#include "runtime/child_stdout_pump.hpp"
#include "runtime/connector.hpp"

#include <cstdint>
#include <deque>

namespace connhost::runtime {

// Applies the child's acknowledgements: each state it echoed (taken from `report`) acknowledges the oldest of `sent`.
class ChildAcks {
public:
    explicit ChildAcks(ChildReport& report) : report_(report) {}
    // Remembers that state `id` went to the child, after every one before it.
    void sent(uint64_t id) { sent_.push_back(id); }
    // Calls ev.ack_state for each state the child echoed since the last call. Run thread only.
    void apply(ConnectorEvents& ev);

private:
    ChildReport& report_;
    std::deque<uint64_t> sent_;  // state ids in the order they went to the child
};

// Writes ev.next_input() to `fd` until the input ends, applying acknowledgements in between. Returns the status
// that ended the input: OK at its end, else the failed input's status (the child is told with a TRACE ERROR, so it
// completes no stream). A child that stops reading ends the feed quietly: its exit status says why.
int32_t feed_child_input(ConnectorEvents& ev, int fd, ChildAcks& acks);

}  // namespace connhost::runtime
