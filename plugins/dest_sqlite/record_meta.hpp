// The metadata columns of each row: a random UUID, the extraction time as text, and the record's
// meta JSON with the changes this destination made.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace sqlitedest {

// Random (version 4) UUIDs from a per-instance generator seeded by the OS. Not thread-safe.
class UuidGenerator {
public:
    UuidGenerator();
    // Writes 36 characters ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") into `out`.
    void next(char out[36]);

private:
    std::mt19937_64 rng_;
};

// Milliseconds since the Unix epoch as ISO 8601 UTC with milliseconds: "2020-10-14T01:06:29.100Z".
std::string iso8601_utc_ms(int64_t ms);

// One change this destination made to a record's value (Airbyte's AirbyteRecordMessageMetaChange).
struct Change {
    std::string field;
    const char* change;  // "NULLED"
    const char* reason;  // "DESTINATION_TYPECAST_ERROR", "DESTINATION_FIELD_SIZE_LIMITATION"
};

// The _connhost_meta JSON: the record's own meta object (`record_meta`, may be empty) with
// `changes` appended to its "changes" array; {"changes":[]} when there is neither.
// Other members of the record's meta are kept; whitespace is dropped.
void build_meta(std::string& out, std::string_view record_meta, const std::vector<Change>& changes);

}  // namespace sqlitedest
