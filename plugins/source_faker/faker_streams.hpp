// The faker's deterministic data: record i of a stream is a pure function of (seed, stream, i).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faker {

// The streams the faker knows, in discover order.
const std::vector<std::string>& stream_names();

// The JSON schema of `stream` (a JSON object text).
std::string stream_schema(std::string_view stream);

// Appends the JSON text of record `index` (0-based) of `stream` for `seed`. Its id is index + 1.
void append_record(std::string& out, std::string_view stream, uint64_t seed, uint64_t index);

// The updated_at cursor of record `index`, ISO 8601 UTC ("2020-01-01T00:00:07Z"): one second per index.
std::string updated_at(uint64_t index);

// The index of the first record whose updated_at is after `cursor`; nothing when `cursor` is no
// "YYYY-MM-DDTHH:MM:SS" date-time.
std::optional<uint64_t> first_index_after(std::string_view cursor);

}  // namespace faker
