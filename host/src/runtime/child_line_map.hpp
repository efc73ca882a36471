// ChildLineMap: which record each stdin line of a destination child carries, as the parent's dead letter names it.
#pragma once
#include <cstdint>
#include <map>

namespace connhost::runtime {

// The parent writes a destination child's input one line at a time; a reject the child reports names the child's
// stdin line, and this gives back the record's position in the parent (run write: its input line; sync: its number
// in the source's output). Memory is one entry per run of lines whose positions step with the line numbers, kept
// only until the state after them is acknowledged. Run thread only.
class ChildLineMap {
public:
    // The next child line is a record from `position` (0: not known).
    void record(uint64_t position);
    // The next `count` child lines are not records (a state, a stream status).
    void other(uint64_t count) noexcept { next_line_ += count; }
    // The child line to be written next.
    uint64_t next_line() const noexcept { return next_line_; }
    // The position of the record on child line `line`; 0 when not known.
    uint64_t position(uint64_t line) const;
    // No line before `line` is asked about again (a state on that line was acknowledged).
    void forget_before(uint64_t line);

private:
    std::map<uint64_t, int64_t> runs_;  // first child line of a run -> position minus line along it
    int64_t last_delta_ = 0;
    bool unknown_ = true;  // the run last started maps to no position
    uint64_t next_line_ = 1;
};

}  // namespace connhost::runtime
