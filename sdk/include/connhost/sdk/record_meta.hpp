// Record metadata for table destinations: random row ids, extraction times, and the meta JSON that
// carries a record's own meta plus the changes the destination made to its values.
#pragma once
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/record_fields.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// Writes the 36-character text ("8-4-4-4-12" lowercase hex) of the UUID whose first 8 bytes are `hi`, last 8 `lo`.
inline void format_uuid(uint64_t hi, uint64_t lo, char out[36]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
    int o = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
}

// A proleptic Gregorian calendar date.
struct CivilDate {
    int64_t year;  // 0 is 1 BC
    unsigned month, day;
};

// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days, exact over the whole int64 range of eras).
inline CivilDate civil_from_days(int64_t days) {
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2), month, static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1)};
}

// The metadata columns every table destination writes, in this order, before the field columns:
// a random UUID v4 per row, the record's emitted_at, the stream's generation_id, the meta JSON, and the stream's
// sync_id. A table written before a column existed gets it added (its older rows hold NULL there).
enum MetaColumn : int {
    kRawIdColumn = 0,
    kExtractedAtColumn,
    kGenerationIdColumn,
    kMetaJsonColumn,
    kSyncIdColumn,
    kMetaColumnCount
};
inline constexpr const char* kMetaColumns[kMetaColumnCount] = {
    "_connhost_raw_id", "_connhost_extracted_at", "_connhost_generation_id", "_connhost_meta", "_connhost_sync_id"};

namespace detail {

// xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period 2^256 - 1, passes BigCrush; a few instructions
// a number where std::mt19937_64 had cost 2.5% of connhost's CPU in a default-table sync. Not for secrets.
class Xoshiro256 {
public:
    // Seeds the four words from `seq`; an all-zero state (the one it never leaves) becomes another.
    void seed(std::seed_seq& seq) {
        uint32_t w[8];
        seq.generate(w, w + 8);
        for (int i = 0; i < 4; ++i) s_[i] = uint64_t(w[2 * i]) << 32 | w[2 * i + 1];
        if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 0x9E3779B97F4A7C15ull;
    }
    uint64_t operator()() noexcept {
        const uint64_t out = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return out;
    }

private:
    static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4] = {};
};

}  // namespace detail

// Random (version 4) UUIDs from a per-instance generator seeded by the OS, or numbered ones (sequence_from).
// Not thread-safe.
class UuidGenerator {
public:
    UuidGenerator() {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        rng_.seed(seq);
    }
    // Writes 36 characters ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") into `out`.
    void next(char out[36]) {
        uint64_t hi, lo;
        next(hi, lo);
        format_uuid(hi, lo, out);
    }
    // The next id as its first 8 bytes `hi` and last 8 `lo` (big-endian), for binary COPY and the like.
    void next(uint64_t& hi, uint64_t& lo) {
        hi = rng_();
        lo = rng_();
        if (sequenced_)
            hi = (next_seq_++ << 16) | (hi & 0x0FFFull) | 0x8000ull;  // version 8: the number, then random
        else
            hi = (hi & ~0xF000ull) | 0x4000ull;                     // version 4
        lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
    }

    // From now on every id starts with a 48-bit number counting up from `first` (then random bits), so the ids of a
    // resumable overwrite's staging sort in write order (as uuid and as lowercase text) and can be trimmed by number.
    void sequence_from(uint64_t first) noexcept {
        sequenced_ = true;
        next_seq_ = first;
    }
    // The number of the latest sequenced id (first - 1 before any).
    uint64_t last_sequence() const noexcept { return next_seq_ - 1; }
    // The next number of the sequence (sequence_from) without an id: a table that needs no UUID stores the number.
    uint64_t next_number() noexcept { return next_seq_++; }
    // The smallest id numbered `seq` (sequence_from): every id numbered `seq` or more sorts at or after it.
    static std::string sequence_floor(uint64_t seq) {
        std::string out(36, '0');
        format_uuid(seq << 16, 0, &out[0]);
        return out;
    }

private:
    detail::Xoshiro256 rng_;
    bool sequenced_ = false;
    uint64_t next_seq_ = 1;
};

// Appends milliseconds since the Unix epoch as ISO 8601 UTC with milliseconds: "2020-10-14T01:06:29.100Z", to `out`
// (a std::string or an OutBuffer).
template <class Out>
inline void append_iso8601_utc_ms(Out& out, int64_t ms) {
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                                static_cast<long long>(date.year), date.month, date.day,
                                static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
    out.append(buf, static_cast<size_t>(n));
}

// One change a destination made to a record's value (Airbyte's AirbyteRecordMessageMetaChange).
struct ValueChange {
    std::string field;
    const char* change;  // "NULLED" | "TRUNCATED"
    const char*
        reason;  // "DESTINATION_TYPECAST_ERROR", "DESTINATION_FIELD_SIZE_LIMITATION", "DESTINATION_SERIALIZATION_ERROR"
};

// Counts the changes a destination made to values, per change and reason, for its end-of-run warning.
class ChangeTally {
public:
    void add(const std::vector<ValueChange>& changes) {
        for (const ValueChange& c : changes) ++counts_[std::string(c.change) + " (" + c.reason + ")"];
        total_ += changes.size();
    }
    uint64_t total() const noexcept { return total_; }
    // "stream s: 3 values changed to fit their columns: NULLED (DESTINATION_TYPECAST_ERROR) 3; ..."; `where_listed`
    // replaces the closing "each row's _connhost_meta.changes names its fields" (a destination without that column).
    std::string describe(std::string_view stream, const char* where_listed = nullptr) const {
        std::string out = "stream " + std::string(stream) + ": " + std::to_string(total_) +
            (total_ == 1 ? " value" : " values") + " changed to fit their columns:";
        const char* sep = " ";
        for (const auto& [what, n] : counts_) {
            out += sep + what + " " + std::to_string(n);
            sep = ", ";
        }
        return out + "; " + (where_listed ? where_listed : "each row's _connhost_meta.changes names its fields");
    }

private:
    std::map<std::string, uint64_t> counts_;
    uint64_t total_ = 0;
};

namespace detail {
inline void append_changes(std::string& out, const std::vector<ValueChange>& changes, bool comma) {
    for (const ValueChange& c : changes) {
        if (comma) out.push_back(',');
        comma = true;
        out += "{\"field\":";
        append_json_string(out, c.field);
        out += ",\"change\":\"";
        out += c.change;
        out += "\",\"reason\":\"";
        out += c.reason;
        out += "\"}";
    }
}
}  // namespace detail

// Replaces `out` with the meta JSON: the record's meta object (`record_meta`, may be empty) with
// `changes` appended to its "changes" array; {"changes":[]} when there is neither. Other members are
// kept; a meta that is not an object is kept as the string "source_meta". Whitespace is dropped.
inline void build_record_meta(std::string& out, std::string_view record_meta, const std::vector<ValueChange>& changes) {
    out.clear();
    if (record_meta.empty() && changes.empty()) {
        out = "{\"changes\":[]}";
        return;
    }
    std::vector<Field> members;
    bool is_object = false;
    if (!record_meta.empty()) {
        try {
            scan_fields(record_meta, members);
            is_object = true;
        } catch (const std::invalid_argument&) {}
    }
    out.push_back('{');
    bool had_changes = false, first = true;
    if (is_object) {
        for (const Field& m : members) {
            if (!first) out.push_back(',');
            first = false;
            out.push_back('"');
            out.append(m.key);
            out += "\":";
            if (!m.key_escaped && m.key == "changes") {  // a "changes" that is not an array is replaced by ours
                had_changes = true;
                out.push_back('[');
                bool comma = false;
                if (m.kind == FieldKind::Array)
                    for (auto e : json_array_elements(m.value)) {
                        if (comma) out.push_back(',');
                        comma = true;
                        append_json_compact(out, e);
                    }
                detail::append_changes(out, changes, comma);
                out.push_back(']');
            } else if (m.kind == FieldKind::String) {
                out.push_back('"');
                out.append(m.value);
                out.push_back('"');
            } else {
                append_json_compact(out, m.value);
            }
        }
    } else if (!record_meta.empty()) {
        out += "\"source_meta\":";
        append_json_string(out, record_meta);
        first = false;
    }
    if (!had_changes) {
        if (!first) out.push_back(',');
        out += "\"changes\":[";
        detail::append_changes(out, changes, false);
        out.push_back(']');
    }
    out.push_back('}');
}

}  // namespace connhost::sdk
