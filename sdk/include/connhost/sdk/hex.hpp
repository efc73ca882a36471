// Hexadecimal digits, as JSON \u escapes, URL %XX escapes and PostgreSQL's bytea text write them.
#pragma once
#include <cstddef>
#include <string_view>

namespace connhost::sdk {

// The value of hex digit `c` (either case), or -1.
inline int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The value of the 4 hex digits at text[at..at+4), or -1 when they are not 4 hex digits.
inline int read_hex4(std::string_view text, size_t at) noexcept {
    if (at + 4 > text.size()) return -1;
    int v = 0;
    for (size_t k = at; k < at + 4; ++k) {
        const int d = hex_digit(text[k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

}  // namespace connhost::sdk
