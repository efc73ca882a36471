// Spelling suggestions for unknown names, shared by the host (config validation) and the SDK (reject_unknown_keys).
#pragma once
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string_view>
#include <vector>

namespace connhost::internal {

// The number of single-character insertions, deletions and substitutions (ASCII case ignored) that turn `a` into `b`.
inline size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                std::tolower(static_cast<unsigned char>(b[j - 1]));
            size_t next = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
            diag = row[j];
            row[j] = next;
        }
    }
    return row[b.size()];
}

// The name of `known` nearest to `key` within two edits (and under half its length), or "" when none is.
template <class Names>
std::string_view nearest_name(std::string_view key, const Names& known) {
    std::string_view near;
    size_t best = 3;
    for (std::string_view k : known) {
        size_t d = edit_distance(key, k);
        if (d < best && d < std::max<size_t>(k.size() / 2, 1)) {
            best = d;
            near = k;
        }
    }
    return near;
}

}  // namespace connhost::internal
