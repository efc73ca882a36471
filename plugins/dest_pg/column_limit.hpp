// ColumnLimit: what an existing column narrower than dest_pg's own types cannot take (smallint, integer, real,
// character varying(n), character(n), numeric(p,s)), so that such a value is NULLed with a change, as a value its type
// cannot take is (copy_text.hpp), instead of failing the COPY and every re-run of it. The tables dest_pg creates have
// none of these types; a table created beforehand, by a user or another tool, may.
//
//   smallint, integer     the integer within the type's range
//   real                  a number float4 holds without overflowing, or underflowing to 0 (as float4in checks)
//   varchar(n), char(n)   at most n characters, or more whose excess is all spaces (PostgreSQL cuts those)
//   numeric(p,s)          NaN, or a number that rounds (half away from zero) at s decimals to less than 10^(p-s)
//   uuid                  32 hex digits as uuid_in reads them: a '-' allowed after each group of four, braces around
//   an enum type          one of the type's labels, exactly
// Past the size types a value is NULLed for its size (DESTINATION_FIELD_SIZE_LIMITATION), past uuid and an enum for
// its type (DESTINATION_TYPECAST_ERROR).
#pragma once
#include "copy_binary.hpp"

#include <connhost/sdk/record_fields.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgdest {

struct ColumnLimit {
    enum class Kind : uint8_t { None, Int16, Int32, Float4, Chars, Numeric, Uuid, Enum };
    Kind kind = Kind::None;
    uint32_t chars = 0;               // Chars: n
    int precision = 0, scale = 0;     // Numeric: p, s
    std::vector<std::string> labels;  // Enum: the labels as COPY text cells

    explicit operator bool() const noexcept { return kind != Kind::None; }
};

// The limit of a column of this format_type() text (Kind::None for every other type, arrays and enums included).
ColumnLimit column_limit(std::string_view format_type);
// The limit of a column of an enum type whose labels are `labels_json`, a JSON array of strings.
ColumnLimit enum_limit(std::string_view labels_json);
// The change reason of a value NULLed for `limit`: its size, or its type (uuid, enum).
const char* limit_reason(const ColumnLimit& limit) noexcept;

// Whether `field`, which append_cell() wrote as `cell` in `format`, fits `limit`.
bool fits(const ColumnLimit& limit, const connhost::sdk::Field& field, std::string_view cell, CopyFormat format);

// Whether JSON number text `number` fits numeric(precision, scale).
bool numeric_fits(std::string_view number, int precision, int scale);

// Whether `text` is a uuid as PostgreSQL's uuid_in reads it.
bool uuid_text_valid(std::string_view text) noexcept;

}  // namespace pgdest
