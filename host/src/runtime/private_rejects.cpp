#include "runtime/private_rejects.hpp"

namespace connhost::runtime {

std::string private_reject_line(const RejectedRecord& r) {
    protocol::RecordReject p;
    p.line = r.line;
    p.stream = r.stream;
    p.has_ns = r.has_ns;
    p.ns = r.ns;
    p.reason = r.reason;
    p.record = r.record;
    return protocol::record_reject_line(p);
}

RejectedRecord rejected_record_of(const protocol::RecordReject& r, uint64_t position) {
    RejectedRecord out;
    out.line = position;
    out.stream = r.stream;
    out.has_ns = r.has_ns;
    out.ns = r.ns;
    out.reason = r.reason;
    out.record = r.record;
    return out;
}

}  // namespace connhost::runtime
