// Rejected records between an --isolate child and its parent: the child's RejectedRecord as a private record_reject
// line, and that line's content back as the RejectedRecord the parent dead-letters.
#pragma once
#include "protocol/private_message.hpp"
#include "runtime/dead_letter.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace connhost::runtime {

// The private record_reject line (no newline) of `r`, `r.line` being the child's stdin line.
std::string private_reject_line(const RejectedRecord& r);
// The RejectedRecord of a reported reject, numbered `position` (what the parent's dead letter names it by); views
// into `r`.
RejectedRecord rejected_record_of(const protocol::RecordReject& r, uint64_t position);

}  // namespace connhost::runtime
