// Slice: the part of a stream one worker of a partitioned sync reads (host extension "connhost.partition/1").
#pragma once
#include <cstdint>
#include <utility>

namespace connhost::sdk {

// Slice `index` of `count` of a stream: the `count` slices of a split stream hold every record exactly once. A
// source decides what a slice is (key hashes, record indexes), from `index`, `count` and what every worker sees alike:
// never from what may change between two workers' starts (statistics, a table's key range).
struct Slice {
    uint32_t index = 0, count = 1;

    // True when this read covers the whole stream (no partition, or a stream the host did not split).
    bool whole() const noexcept { return count <= 1; }

    // This slice of the index range [0, total): [first, end), the `count` slices being equal shares in order.
    std::pair<uint64_t, uint64_t> of_range(uint64_t total) const noexcept {
        if (whole()) return {0, total};
        // floor(total * i / count) without overflow: i <= count < 2^32, so (total % count) * i fits in 64 bits.
        const auto at = [&](uint64_t i) { return total / count * i + total % count * i / count; };
        return {at(index), at(uint64_t{index} + 1)};
    }
};

}  // namespace connhost::sdk
