// OpenStreams: the streams a source said it STARTED and has not ended (COMPLETE or INCOMPLETE) yet, so that when
// the source fails, is cancelled or its isolated child dies, the host ends each of them with STREAM_STATUS
// INCOMPLETE on the source's behalf (Airbyte's rule: every started stream ends with COMPLETE or INCOMPLETE).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::runtime {

// Single-threaded: fed from the thread that receives the source's messages.
class OpenStreams {
public:
    // Notes the stream status of a TRACE body the source emitted (other traces are ignored).
    void on_trace(std::string_view trace_body);
    // The (namespace, name) of every stream started and not ended, in the order they started.
    std::vector<std::pair<std::string, std::string>> unfinished() const;
    // Forgets them (after the INCOMPLETE statuses went out).
    void clear() noexcept { started_.clear(); }

private:
    std::map<std::pair<std::string, std::string>, uint64_t> started_;  // -> start order
    uint64_t next_ = 0;
};

}  // namespace connhost::runtime
