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

std::string private_reject_line(const connhost_record_batch& b, uint32_t i, uint64_t line, std::string_view reason) {
    std::string record;
    return private_reject_line(batch_reject(b, i, line, reason, record));
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
