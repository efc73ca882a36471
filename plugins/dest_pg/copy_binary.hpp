// COPY binary format: the framing of a `COPY ... FROM STDIN WITH (FORMAT binary)` stream and the binary values of the
// column types dest_pg writes that way.
//
// Stream: a header ("PGCOPY\n\377\r\n\0", flags 0, no extension), then per row an int16 field count and per field an
// int32 length (-1: NULL) and that many bytes, then an int16 -1. Integers are big-endian. A COPY is binary only when
// every column it fills has a type listed by binary_copy_type (the cells of those types are checked exactly as in
// text, copy_text.hpp): the server then parses no text for bigint, numeric, double, timestamp, date, uuid and boolean
// cells.
#pragma once
#include <connhost/sdk/json.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pgdest {

using connhost::sdk::OutBuffer;  // the COPY buffer: rows are encoded into it, then handed to libpq

enum class CopyFormat { Text, Binary };

// Does a column of this format_type() text take binary cells from dest_pg? bigint, numeric[(p,s)], double precision,
// boolean, text, character varying[(n)], date, timestamp with / without time zone, json, jsonb.
bool binary_copy_type(std::string_view format_type);

void append_copy_binary_header(OutBuffer& out);
void append_copy_binary_trailer(OutBuffer& out);

// Big-endian integers: 2 and 4 bytes as inline push_backs (cheaper than an append call, measured), 8 bytes built on
// the stack and appended at once (cheaper than eight push_backs, measured); a binary COPY makes several per cell.
inline void append_be16(OutBuffer& out, uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v));
}
inline void append_be32(OutBuffer& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
// Writes `v` big-endian into the 8 bytes at `p`: one byte swap and store (GCC 12 compiles the byte loop as a loop of
// eight shifts and byte stores).
inline void store_be64(char* p, uint64_t v) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
    std::memcpy(p, &v, sizeof v);
#else
    for (int k = 0; k < 8; ++k) p[k] = static_cast<char>(v >> (56 - 8 * k));
#endif
}
inline void append_be64(OutBuffer& out, uint64_t v) {
    char b[8];
    store_be64(b, v);
    out.append(b, sizeof b);
}
// A field's length word (-1 for NULL).
inline void append_field_length(OutBuffer& out, int32_t len) { append_be32(out, static_cast<uint32_t>(len)); }
// Sets the length word at out[at] (appended before the field) to the length of the bytes after it.
inline void patch_field_length(OutBuffer& out, size_t at) {
    const uint32_t len = static_cast<uint32_t>(out.size() - at - 4);
    char* word = &out[at];
    for (int k = 0; k < 4; ++k) word[k] = static_cast<char>(len >> (24 - 8 * k));
}

// The binary numeric of JSON number text (finite, within numeric_problem's limits, see copy_text.cpp), or of "NaN",
// "Infinity", "-Infinity": the value and display scale numeric_in gives the same text.
void append_numeric_binary(OutBuffer& out, std::string_view number);
// The binary double precision of `v`.
void append_float8_binary(OutBuffer& out, double v);
// A whole binary cell of the 8-byte big-endian `v` (a bigint or timestamp): its length word and value, built on the
// stack and appended at once (the metadata cells of every row).
inline void append_int8_cell(OutBuffer& out, uint64_t v) {
    char cell[12] = {0, 0, 0, 8};
    store_be64(cell + 4, v);
    out.append(cell, sizeof cell);
}
// A whole binary uuid cell (its length word, then the 16 bytes whose first 8 are `hi`, last 8 `lo`), appended at once.
inline void append_uuid_cell(OutBuffer& out, uint64_t hi, uint64_t lo) {
    char cell[20] = {0, 0, 0, 16};
    store_be64(cell + 4, hi);
    store_be64(cell + 12, lo);
    out.append(cell, sizeof cell);
}

}  // namespace pgdest
