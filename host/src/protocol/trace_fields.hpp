// Reading the parts of an AirbyteTraceMessage the host acts on (stream statuses, estimates, errors), and writing
// the stream statuses the host emits for a source itself.
#pragma once
#include <cstdint>
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

// The body of a STREAM_STATUS trace for (ns, name) with `status`, emitted at `emitted_at_ms`; ns "" = none.
std::string stream_status_trace(std::string_view ns, std::string_view name, std::string_view status,
                                int64_t emitted_at_ms);
// The stream_status object text of that trace (what stream_status_of returns).
std::string stream_status_object(std::string_view ns, std::string_view name, std::string_view status);

// The row estimate of a STREAM ESTIMATE trace body.
struct TraceEstimate {
    std::string ns, name;
    uint64_t rows = 0;
};
// The estimate of an ESTIMATE trace body of type STREAM with a row_estimate, or nothing.
std::optional<TraceEstimate> trace_estimate_of(std::string_view trace_body);

// The error of an ERROR trace body.
struct TraceError {
    std::string message;       // "(no message)" when the trace has none
    std::string failure_type;  // as written; may be empty
};
// The error of an ERROR trace body, or nothing for any other trace.
std::optional<TraceError> trace_error_of(std::string_view trace_body);

}  // namespace connhost::protocol
