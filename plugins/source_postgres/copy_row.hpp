// CopyRow: one row of `COPY ... TO STDOUT` in text format, split into its fields.
//
// The server writes a row as its fields' texts separated by tabs and ended by a newline, NULL as \N, and escapes a
// backslash, tab, newline, carriage return, backspace, form feed and vertical tab in a text as \\ \t \n \r \b \f \v.
// parse() undoes that, so each field is the column's text exactly as the server's output function wrote it (what
// PQgetvalue gives for the same value in a query's result).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgsource {

class CopyRow {
public:
    // Splits `line` (one row as the server sent it, its newline included) into fields; false when it does not hold
    // exactly `fields` of them. The views stay valid until the next parse() and while `line` lives.
    bool parse(std::string_view line, size_t fields);
    bool is_null(size_t i) const noexcept { return nulls_[i] != 0; }
    std::string_view view(size_t i) const noexcept { return views_[i]; }

private:
    // Sets field `i` from its raw text.
    void set_field(size_t i, std::string_view raw);

    std::vector<std::string_view> views_;
    std::vector<char> nulls_;
    std::vector<std::string> decoded_;  // the decoded text of fields that held escapes, reused across rows
};

}  // namespace pgsource
