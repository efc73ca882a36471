#include "runtime/open_streams.hpp"

#include "protocol/trace_fields.hpp"

#include <algorithm>

namespace connhost::runtime {

void OpenStreams::on_trace(std::string_view trace_body) {
    const std::string status = protocol::stream_status_of(trace_body);
    if (status.empty()) return;
    protocol::StreamStatusFields f = protocol::stream_status_fields(status);
    auto key = std::make_pair(std::move(f.ns), std::move(f.name));
    if (f.status == "STARTED" || f.status == "RUNNING")
        started_.try_emplace(std::move(key), next_++);
    else if (f.status == "COMPLETE" || f.status == "INCOMPLETE")
        started_.erase(key);
}

std::vector<std::pair<std::string, std::string>> OpenStreams::unfinished() const {
    std::vector<std::pair<uint64_t, std::pair<std::string, std::string>>> order;
    for (const auto& [key, n] : started_) order.emplace_back(n, key);
    std::sort(order.begin(), order.end());
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [n, key] : order) out.push_back(std::move(key));
    return out;
}

}  // namespace connhost::runtime
