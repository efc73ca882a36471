// for_each_line: the one walk over the '\n'-separated lines of a run's output or an input file in test-plugin.
#pragma once
#include <cstddef>
#include <string_view>

namespace connhost::certify {

// Calls fn(line_number, line) for each line of `text` (numbers from 1; the last line may lack its '\n'; the line
// excludes the '\n') while fn returns true.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
    size_t pos = 0, number = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!fn(++number, line)) return;
    }
}

}  // namespace connhost::certify
