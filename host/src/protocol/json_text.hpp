// Writing JSON text in the host: the shared string encoder (the SDK's too), so there is one escaper.
#pragma once
#include <connhost/internal/json_scan.hpp>

namespace connhost::protocol {

using internal::append_decimal;      // appends the decimal text of an integer (a JSON number)
using internal::append_json_string;  // appends a string as a quoted, escaped JSON string
using internal::json_string;         // a string as a quoted, escaped JSON string

}  // namespace connhost::protocol
