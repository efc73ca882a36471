// The record size limit: how large one record (an input line, or one record a source emits) may be.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace connhost::protocol {

// The limit when none is configured (--max-record-mb, "max_record_mb").
inline constexpr size_t kDefaultMaxRecordMb = 64;
inline constexpr size_t kMaxRecordMbCeiling = 1u << 20;  // 1 TiB: far beyond any memory, still no overflow

// `bytes` for people: "64 MiB", "1.1 MiB" (tenths rounded up, so a size over a limit never prints as the limit),
// "512 bytes" under one MiB.
std::string mib_text(uint64_t bytes);

// "a record of 201 MiB is over the 64 MiB record size limit"; when the size is not known (reading stopped at the
// limit), "a record larger than the 64 MiB record size limit (reading it stopped there)".
std::string over_limit_text(uint64_t size, bool size_known, uint64_t limit);

// The limit in bytes for `mb` MiB; throws std::invalid_argument naming `origin` ("--max-record-mb") unless
// 1 <= mb <= kMaxRecordMbCeiling.
size_t max_record_bytes(int64_t mb, const std::string& origin);

}  // namespace connhost::protocol
