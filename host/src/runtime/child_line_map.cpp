#include "runtime/child_line_map.hpp"

namespace connhost::runtime {

void ChildLineMap::record(uint64_t position) {
    const int64_t delta = static_cast<int64_t>(position) - static_cast<int64_t>(next_line_);
    const bool unknown = position == 0;
    if (runs_.empty() || unknown != unknown_ || (!unknown && delta != last_delta_)) {
        runs_[next_line_] = unknown ? INT64_MIN : delta;
        last_delta_ = delta;
        unknown_ = unknown;
    }
    ++next_line_;
}

uint64_t ChildLineMap::position(uint64_t line) const {
    auto it = runs_.upper_bound(line);
    if (it == runs_.begin() || line >= next_line_) return 0;
    --it;
    if (it->second == INT64_MIN) return 0;
    const int64_t pos = static_cast<int64_t>(line) + it->second;
    return pos > 0 ? static_cast<uint64_t>(pos) : 0;
}

void ChildLineMap::forget_before(uint64_t line) {
    auto it = runs_.upper_bound(line);
    if (it == runs_.begin()) return;
    --it;  // the run holding `line` stays
    runs_.erase(runs_.begin(), it);
}

}  // namespace connhost::runtime
