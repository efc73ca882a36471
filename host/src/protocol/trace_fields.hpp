// Reading the parts of an AirbyteTraceMessage the host acts on: stream statuses and errors.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace connhost::protocol {

// The stream_status object (JSON text) of a STREAM_STATUS trace body, or "" for any other trace.
std::string stream_status_of(std::string_view trace_body);

// The parts of a stream_status object ({"stream_descriptor":{"name","namespace"},"status"}).
struct StreamStatusFields {
    std::string ns, name, status;  // "" when absent
};
// Reads a stream_status object text (as stream_status_of returns); missing or mistyped parts stay "".
StreamStatusFields stream_status_fields(std::string_view stream_status_json);

// The error of an ERROR trace body.
struct TraceError {
    std::string message;       // "(no message)" when the trace has none
    std::string failure_type;  // as written; may be empty
};
// The error of an ERROR trace body, or nothing for any other trace.
std::optional<TraceError> trace_error_of(std::string_view trace_body);

}  // namespace connhost::protocol
