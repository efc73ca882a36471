// PatternSet: finds any of many byte strings in a text in one pass, fast when none occurs (the common case).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::logging {

// An immutable set of patterns searched with Wu-Manber's algorithm: a table indexed by (a hash of) two text bytes says
// how far the window may skip, so a text with no pattern costs about one lookup per (shortest pattern length - 1)
// bytes. Thread-safe once built.
class PatternSet {
public:
    struct Pattern {
        std::string text;      // at least 2 bytes
        bool in_json = false;  // also searched by find(..., json = true)
    };
    struct Match {
        size_t begin = 0, end = 0;
    };

    PatternSet() = default;
    // Takes the patterns; those shorter than 2 bytes are dropped.
    explicit PatternSet(std::vector<Pattern> patterns);

    bool empty() const noexcept { return patterns_.empty(); }
    // The first position >= `from` where a pattern starts (with json, a pattern marked in_json), with the longest
    // pattern starting there; false when there is none.
    bool find(std::string_view text, size_t from, bool json, Match& m) const noexcept;

    // True when a pattern (with json, one marked in_json) occurs in `text`: find() for a yes or no, about twice as
    // fast.
    bool occurs_in(std::string_view text, bool json) const noexcept;

private:
    // One step of the scan of window start `s`: true when the longest pattern there is `len` bytes (s unchanged), else
    // moves s on by the skip the table allows.
    bool step(std::string_view text, size_t& s, bool json, size_t& len) const noexcept;
    static constexpr size_t kBlockBits = 16;
    // The hash of the two bytes at p: the index into shift_; different blocks may share one (their skip is the
    // smaller).
    static uint16_t block(const char* p) noexcept {
        return static_cast<uint16_t>(
            (static_cast<unsigned char>(p[0]) << (kBlockBits - 8) ^ static_cast<unsigned char>(p[1])) &
            ((1u << kBlockBits) - 1));
    }
    // The longest pattern of the bucket of `b` that starts at text[at], or 0.
    size_t longest_at(std::string_view text, size_t at, uint16_t b, bool json) const noexcept;

    std::vector<Pattern> patterns_;
    std::vector<std::pair<uint16_t, uint32_t>>
        bucket_;                  // (block hash at [m-2, m) of a pattern, index into patterns_), sorted
    std::vector<uint8_t> shift_;  // per block hash: safe skip for a window ending in such a block
    size_t m_ = 0;                // length of the shortest pattern
};

}  // namespace connhost::logging
