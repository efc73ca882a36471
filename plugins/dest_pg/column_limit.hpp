// ColumnLimit: what an existing column narrower than dest_pg's own types cannot take (smallint, integer, real,
// character varying(n), character(n), numeric(p,s)), so that such a value is NULLed with a change, as a value its type
// cannot take is (copy_text.hpp), instead of failing the COPY and every re-run of it. The tables dest_pg creates have
// none of these types; a table created beforehand, by a user or another tool, may.
//
//   smallint, integer     the integer within the type's range
//   real                  a number float4 holds without overflowing, or underflowing to 0 (as float4in checks)
//   varchar(n), char(n)   at most n characters, or more whose excess is all spaces (PostgreSQL cuts those)
//   numeric(p,s)          NaN, or a number that rounds (half away from zero) at s decimals to less than 10^(p-s)
#pragma once
#include "copy_binary.hpp"

#include <connhost/sdk/record_fields.hpp>

#include <cstdint>
#include <string_view>

namespace pgdest {

struct ColumnLimit {
    enum class Kind : uint8_t { None, Int16, Int32, Float4, Chars, Numeric };
    Kind kind = Kind::None;
    uint32_t chars = 0;            // Chars: n
    int precision = 0, scale = 0;  // Numeric: p, s

    explicit operator bool() const noexcept { return kind != Kind::None; }
};

// The limit of a column of this format_type() text (Kind::None for every other type, arrays included).
ColumnLimit column_limit(std::string_view format_type);

// Whether `field`, which append_cell() wrote as `cell` in `format`, fits `limit`.
bool fits(const ColumnLimit& limit, const connhost::sdk::Field& field, std::string_view cell, CopyFormat format);

// Whether JSON number text `number` fits numeric(precision, scale).
bool numeric_fits(std::string_view number, int precision, int scale);

}  // namespace pgdest
