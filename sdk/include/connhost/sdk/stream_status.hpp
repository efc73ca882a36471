// Stream status traces: the AirbyteTraceMessage a source emits as it starts and completes each stream.
#pragma once
#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>

#include <string>
#include <string_view>

namespace connhost::sdk {

// The JSON text of a STREAM_STATUS trace for (name, ns) with `status` (STARTED, RUNNING, COMPLETE, INCOMPLETE); ns "" =
// none.
inline std::string stream_status_trace(std::string_view name, std::string_view ns, std::string_view status) {
    std::string t = R"({"type":"STREAM_STATUS","emitted_at":)" + std::to_string(RecordBatchWriter::now_ms()) +
        R"(,"stream_status":{"stream_descriptor":{"name":)" + json_string(name);
    if (!ns.empty()) t += R"(,"namespace":)" + json_string(ns);
    t += R"(},"status":)" + json_string(status) + "}}";
    return t;
}

// Emits that trace through the host. Run thread.
inline void emit_stream_status(Host host, std::string_view name, std::string_view ns, std::string_view status) {
    host.emit_message(CONNHOST_MSG_TRACE, stream_status_trace(name, ns, status));
}

}  // namespace connhost::sdk
