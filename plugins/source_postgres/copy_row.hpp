// CopyRow: one row of `COPY ... TO STDOUT`, in text or binary format, split into its fields.
//
// Text: the server writes a row as its fields' texts separated by tabs and ended by a newline, NULL as \N, and escapes
// a backslash, tab, newline, carriage return, backspace, form feed and vertical tab in a text as \\ \t \n \r \b \f \v.
// parse() undoes that, so each field is the column's text exactly as the server's output function wrote it (what
// PQgetvalue gives for the same value in a query's result).
// Binary (only for the column types of BinaryCell): parse_binary() turns each field into that same text: integers in
// decimal, booleans as t / f, character types and json as their bytes, jsonb after its version byte, and numeric,
// date, timestamps and uuid as their output functions write them (binary_text.hpp).
#pragma once
#include <connhost/sdk/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsource {

// A column type whose binary COPY field source_postgres reads: smallint, integer, bigint, boolean, text, varchar[(n)],
// character[(n)], numeric[(p,s)], date, timestamp[(n)] with or without time zone, json, jsonb and uuid (format_type
// names).
enum class BinaryCell { Int2, Int4, Int8, Bool, Text, Numeric, Date, Timestamp, TimestampTz, Json, Jsonb, Uuid };

// The binary cell of a column of format_type `sql_type`, or nothing when its rows must be read as text.
std::optional<BinaryCell> binary_cell(std::string_view sql_type);

// Cuts the binary COPY file header (signature, flags, header extension) off the start of the first message `data`;
// false when `data` does not start with one.
bool cut_binary_copy_header(std::string_view& data);
// Whether `data` is the binary COPY trailer (a field count of -1).
inline bool is_binary_copy_trailer(std::string_view data) { return data == std::string_view("\xff\xff", 2); }

class CopyRow {
public:
    // Splits `line` (one row as the server sent it, its newline included) into fields; false when it does not hold
    // exactly `fields` of them. The views stay valid until the next parse() and while `line` lives.
    bool parse(std::string_view line, size_t fields);
    // Splits one binary tuple (`tuple`: its field count and fields, the COPY header or trailer cut off) of the
    // columns `cells` into their texts; false when it does not hold exactly one field of each or a field does not
    // have its type's size. The views stay valid until the next parse and while `tuple` lives.
    bool parse_binary(std::string_view tuple, const std::vector<BinaryCell>& cells);
    bool is_null(size_t i) const noexcept { return nulls_[i] != 0; }
    std::string_view view(size_t i) const noexcept { return views_[i]; }

private:
    // Sets field `i` from its raw text.
    void set_field(size_t i, std::string_view raw);
    // Sets field `i` from its binary value `v` of type `cell`; false when `v` has not that type's size.
    bool set_binary_field(size_t i, BinaryCell cell, std::string_view v);
    void fit(size_t fields);

    std::vector<std::string_view> views_;
    std::vector<char> nulls_;
    std::vector<connhost::sdk::OutBuffer> decoded_;  // the decoded text of fields that held escapes, reused across rows
};

}  // namespace pgsource
