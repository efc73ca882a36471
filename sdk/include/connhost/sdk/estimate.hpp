// Estimate traces: how many records (and bytes) a source expects a stream to emit in this read, so the host can show
// a percentage and an ETA. Emit one when a stream starts (again whenever the estimate changes); it is a hint, never
// checked against what arrives.
#pragma once
#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::sdk {

// The JSON text of an ESTIMATE trace (type STREAM) for (name, ns) with `rows` and, when known, `bytes`; ns "" = none.
inline std::string estimate_trace(std::string_view name, std::string_view ns, uint64_t rows,
                                  std::optional<uint64_t> bytes = std::nullopt) {
    std::string t = R"({"type":"ESTIMATE","emitted_at":)" + std::to_string(RecordBatchWriter::now_ms()) +
        R"(,"estimate":{"name":)" + json_string(name);
    if (!ns.empty()) t += R"(,"namespace":)" + json_string(ns);
    t += R"(,"type":"STREAM","row_estimate":)" + std::to_string(rows);
    if (bytes) t += R"(,"byte_estimate":)" + std::to_string(*bytes);
    return t + "}}";
}

// Emits that trace through the host. Run thread.
inline void emit_estimate(Host host, std::string_view name, std::string_view ns, uint64_t rows,
                          std::optional<uint64_t> bytes = std::nullopt) {
    host.emit_message(CONNHOST_MSG_TRACE, estimate_trace(name, ns, rows, bytes));
}

}  // namespace connhost::sdk
