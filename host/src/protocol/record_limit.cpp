#include "protocol/record_limit.hpp"

#include <stdexcept>

namespace connhost::protocol {

std::string mib_text(uint64_t bytes) {
    constexpr uint64_t mib = 1u << 20;
    if (bytes < mib) return std::to_string(bytes) + " bytes";
    const uint64_t tenths = bytes / mib * 10 + ((bytes % mib) * 10 + mib - 1) / mib;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : std::string()) + " MiB";
}

std::string over_limit_text(uint64_t size, bool size_known, uint64_t limit) {
    if (!size_known)
        return "a record larger than the " + mib_text(limit) + " record size limit (reading it stopped there)";
    return "a record of " + mib_text(size) + " is over the " + mib_text(limit) + " record size limit";
}

size_t max_record_bytes(int64_t mb, const std::string& origin) {
    if (mb < 1 || static_cast<uint64_t>(mb) > kMaxRecordMbCeiling)
        throw std::invalid_argument(origin + " must be a whole number of MiB from 1 to " +
                                    std::to_string(kMaxRecordMbCeiling));
    return static_cast<size_t>(mb) << 20;
}

}  // namespace connhost::protocol
