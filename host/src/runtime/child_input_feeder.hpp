// feed_child_input: a destination's input, written as protocol lines to the stdin of its child `connhost run write`.
#pragma once
#include "runtime/child_line_map.hpp"
#include "runtime/child_stdout_pump.hpp"
#include "runtime/connector.hpp"

#include <cstdint>
#include <deque>
#include <string>

namespace connhost::runtime {

// Applies what the child said, in its order: each state it echoed (taken from `report`) acknowledges the oldest of
// those sent; each record it rejected goes to ev.reject_reported, named as the events named it when it was sent.
class ChildAcks {
public:
    // `map_lines`: the child reports rejects (ev.takes_rejects()), so where each record line came from is kept.
    ChildAcks(ChildReport& report, bool map_lines) : report_(report), map_lines_(map_lines) {}
    // Notes the item about to be written to the child (ev's RECORDS batch delivered last, for `records`).
    void sending(const ConnectorEvents& ev, const connhost_input& item);
    // Applies the notes the child sent since the last call. Run thread.
    void apply(ConnectorEvents& ev);
    // Why a reject the child reported could not be taken (its states must then not be acknowledged), or "".
    const std::string& failure() const noexcept { return failure_; }

private:
    struct Sent {
        uint64_t id;    // the state's id
        uint64_t line;  // its line on the child's stdin
    };
    void take_reject(ConnectorEvents& ev, const protocol::RecordReject& r);

    ChildReport& report_;
    const bool map_lines_;
    std::deque<Sent> sent_;  // states in the order they went to the child, not yet acknowledged
    ChildLineMap lines_;
    std::string failure_;
};

// Writes ev.next_input() to `fd` until the input ends, applying acknowledgements in between. Returns the status
// that ended the input: OK at its end, else the failed input's status (the child is told with a TRACE ERROR, so it
// completes no stream); SYSTEM when a reject it reported could not be taken (acks.failure()). A child that stops
// reading ends the feed quietly: its exit status says why.
int32_t feed_child_input(ConnectorEvents& ev, int fd, ChildAcks& acks);

}  // namespace connhost::runtime
