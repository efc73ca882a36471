// Setting single records aside: a destination writes a batch record by record, and a record its target refuses while
// others still fit goes to the host's dead-letter file (connhost.record_reject/1) instead of failing the batch.
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/input.hpp>
#include <connhost/sdk/status.hpp>

#include <cstddef>
#include <cstdint>

namespace connhost::sdk {

// Thrown by a destination's per-record write for a record its target cannot store in any form (a row the database
// refuses, a new field past its column limit), the message naming the field and why; nothing of the record may be
// written by then.
struct RecordRefused : SystemError {
    using SystemError::SystemError;
};

// Calls write_one(batch[i]) for each record of `batch` in order; a record whose write throws RecordRefused is handed
// to the host (Host::reject_record): under --error-tolerance all it goes to the dead-letter file and the loop goes
// on, else the RecordRefused propagates and fails the batch as without this helper. Run thread (from write_batch).
template <class WriteOne>
void write_each_record(const Host& host, const BatchView& batch, WriteOne&& write_one) {
    for (size_t i = 0; i < batch.size(); ++i) {
        try {
            write_one(batch[i]);
        } catch (const RecordRefused& e) {
            if (!host.reject_record(static_cast<uint32_t>(i), e.what())) throw;
        }
    }
}

}  // namespace connhost::sdk
