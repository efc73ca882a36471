#include "record_meta.hpp"

#include "record_scanner.hpp"

#include <connhost/sdk/json.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <cstdio>

namespace sqlitedest {

UuidGenerator::UuidGenerator() {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    rng_.seed(seq);
}

void UuidGenerator::next(char out[36]) {
    static const char hex[] = "0123456789abcdef";
    uint64_t hi = rng_(), lo = rng_();
    hi = (hi & ~0xF000ull) | 0x4000ull;                       // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
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

std::string iso8601_utc_ms(int64_t ms) {
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    // Howard Hinnant's civil_from_days.
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600000),
                  static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                  static_cast<long long>(rem % 1000));
    return buf;
}

namespace {
void append_changes(std::string& out, const std::vector<Change>& changes, bool comma) {
    for (const Change& c : changes) {
        if (comma) out.push_back(',');
        comma = true;
        out += "{\"field\":";
        connhost::sdk::append_json_string(out, c.field);
        out += ",\"change\":\"";
        out += c.change;
        out += "\",\"reason\":\"";
        out += c.reason;
        out += "\"}";
    }
}
}  // namespace

void build_meta(std::string& out, std::string_view record_meta, const std::vector<Change>& changes) {
    out.clear();
    std::vector<Member> members;
    bool is_object = false;
    if (!record_meta.empty()) {
        try {
            scan_object(record_meta, members);
            is_object = true;
        } catch (const std::invalid_argument&) {
            is_object = false;  // not an object: recorded under "source_meta" below
        }
    }
    out.push_back('{');
    bool had_changes = false, first = true;
    if (is_object) {
        for (const Member& m : members) {
            if (!first) out.push_back(',');
            first = false;
            out.push_back('"');
            out.append(m.key);
            out += "\":";
            const bool is_changes = !m.key_escaped && m.key == "changes";
            if (is_changes) {  // a "changes" that is not an array is replaced by ours
                had_changes = true;
                out.push_back('[');
                bool comma = false;
                if (m.kind == JsonKind::Array)
                    for (auto e : array_elements(m.value)) {
                        if (comma) out.push_back(',');
                        comma = true;
                        connhost::sdk::append_json_compact(out, e);
                    }
                append_changes(out, changes, comma);
                out.push_back(']');
            } else if (m.kind == JsonKind::String) {
                out.push_back('"');
                out.append(m.value);
                out.push_back('"');
            } else {
                connhost::sdk::append_json_compact(out, m.value);
            }
        }
    } else if (!record_meta.empty()) {
        out += "\"source_meta\":";
        connhost::sdk::append_json_string(out, record_meta);
        first = false;
    }
    if (!had_changes) {
        if (!first) out.push_back(',');
        out += "\"changes\":[";
        append_changes(out, changes, false);
        out.push_back(']');
    }
    out.push_back('}');
}

}  // namespace sqlitedest
