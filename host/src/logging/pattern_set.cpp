#include "logging/pattern_set.hpp"

#include <algorithm>
#include <cstring>

namespace connhost::logging {

PatternSet::PatternSet(std::vector<Pattern> patterns) : patterns_(std::move(patterns)) {
    std::erase_if(patterns_, [](const Pattern& p) { return p.text.size() < 2; });
    if (patterns_.empty()) return;
    m_ = std::min_element(patterns_.begin(), patterns_.end(), [](const Pattern& a, const Pattern& b) {
             return a.text.size() < b.text.size();
         })->text.size();
    // A window [s, s + m) ends in the block text[s+m-2, s+m). Where that block stands at j-1, j of a pattern's first m
    // bytes, the pattern can start m-1-j bytes further on; nowhere in them: m-1 bytes further at the earliest.
    shift_.assign(size_t(1) << kBlockBits, static_cast<uint8_t>(std::min<size_t>(m_ - 1, 255)));
    for (const Pattern& p : patterns_)
        for (size_t j = 1; j < m_; ++j) {
            uint8_t& s = shift_[block(p.text.data() + j - 1)];
            s = std::min<uint8_t>(s, static_cast<uint8_t>(std::min<size_t>(m_ - 1 - j, 255)));
        }
    for (uint32_t i = 0; i < patterns_.size(); ++i) bucket_.emplace_back(block(patterns_[i].text.data() + m_ - 2), i);
    std::sort(bucket_.begin(), bucket_.end());
}

size_t PatternSet::longest_at(std::string_view text, size_t at, uint16_t b, bool json) const noexcept {
    size_t best = 0;
    auto it = std::lower_bound(bucket_.begin(), bucket_.end(), std::pair<uint16_t, uint32_t>(b, 0));
    for (; it != bucket_.end() && it->first == b; ++it) {
        const Pattern& p = patterns_[it->second];
        if (json && !p.in_json) continue;
        if (p.text.size() > best && p.text.size() <= text.size() - at &&
            std::memcmp(text.data() + at, p.text.data(), p.text.size()) == 0)
            best = p.text.size();
    }
    return best;
}

bool PatternSet::step(std::string_view text, size_t& s, bool json, size_t& len) const noexcept {
    const uint16_t b = block(text.data() + s + m_ - 2);
    if (const uint8_t skip = shift_[b]) {
        s += skip;
        return false;
    }
    if ((len = longest_at(text, s, b, json))) return true;
    ++s;
    return false;
}

bool PatternSet::find(std::string_view text, size_t from, bool json, Match& m) const noexcept {
    if (m_ == 0) return false;
    size_t len = 0;
    for (size_t s = from; s + m_ <= text.size();)
        if (step(text, s, json, len)) {
            m = {s, s + len};
            return true;
        }
    return false;
}

bool PatternSet::occurs_in(std::string_view text, bool json) const noexcept {
    if (m_ == 0 || text.size() < m_) return false;
    // Two scans, of the window starts before and after the middle, in step: each step waits for its table lookup,
    // and the processor overlaps the lookups of the two.
    const size_t starts = text.size() - m_ + 1, middle = starts / 2;
    size_t a = 0, b = middle, len = 0;
    while (a < middle && b < starts)
        if (step(text, a, json, len) || step(text, b, json, len)) return true;
    while (a < middle)
        if (step(text, a, json, len)) return true;
    while (b < starts)
        if (step(text, b, json, len)) return true;
    return false;
}

}  // namespace connhost::logging
