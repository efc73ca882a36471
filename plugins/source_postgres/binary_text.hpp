// The server's text of binary COPY values: what PostgreSQL's output functions write for them in the session
// source_postgres opens (TimeZone UTC, DateStyle ISO), so a binary read gives the records a text read gives.
#pragma once
#include <connhost/sdk/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgsource {

// The big-endian unsigned integer of the `n` (at most 8) bytes at `p`, as binary COPY sends integers.
inline uint64_t big_endian_unsigned(const char* p, size_t n) noexcept {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(p[k]);
    return v;
}
// The same bytes read as a two's-complement signed integer.
inline int64_t big_endian_signed(const char* p, size_t n) noexcept {
    uint64_t v = big_endian_unsigned(p, n);
    const unsigned bits = static_cast<unsigned>(n * 8);
    if (bits < 64 && (v >> (bits - 1)) != 0) v |= ~uint64_t{0} << bits;  // sign-extend
    return static_cast<int64_t>(v);
}

// Each appends to `out` the text of the binary value `v` and returns false when `v` is not a value of that type.
// numeric_out: "-12.340" (the display scale's digits), "NaN", "Infinity", "-Infinity".
bool append_numeric_text(connhost::sdk::OutBuffer& out, std::string_view v);
// date_out: "2024-01-31", "0044-03-15 BC", "infinity", "-infinity".
bool append_date_text(connhost::sdk::OutBuffer& out, std::string_view v);
// timestamp_out / timestamptz_out: "2024-01-31 13:45:00.25" (+ "+00" when `zoned`), then " BC" before year 1.
bool append_timestamp_text(connhost::sdk::OutBuffer& out, std::string_view v, bool zoned);
// uuid_out: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".
bool append_uuid_text(connhost::sdk::OutBuffer& out, std::string_view v);

}  // namespace pgsource
