// Hexadecimal digits, as JSON \u escapes, URL %XX escapes and PostgreSQL's bytea text write them.
#pragma once
#include <connhost/internal/json_scan.hpp>

#include <cstddef>
#include <string_view>

namespace connhost::sdk {

using internal::hex_digit;  // the value of a hex digit (either case), or -1
using internal::read_hex4;  // the value of the 4 hex digits at text[at..at+4), or -1 when they are not 4 hex digits

}  // namespace connhost::sdk
