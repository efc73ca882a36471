// @CONNECTOR@: a source connector made by `connhost new source @NAME@`.
//
// One stream, "events", of generated records: replace next_page() with calls to your API. The stream is incremental
// on the cursor updated_at: a STATE is emitted after the records it covers, and a read resumed from that state
// starts after its cursor. The config's api_key is marked airbyte_secret in the spec, so the host masks its value
// in every log line, message and record; never put it in an error message or log line yourself all the same.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <cstdio>
#include <ctime>
#include <string>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.1.0"
#endif

namespace {

using namespace connhost::sdk;

constexpr const char* kStream = "events";
constexpr int64_t kEpoch = 1704067200;  // 2024-01-01T00:00:00Z, updated_at of record 0; records are a minute apart

// `t` (seconds since 1970) as ISO 8601 UTC text, "2024-01-01T00:01:00Z".
std::string iso_time(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The seconds since 1970 of an iso_time() text; throws ConfigError naming `what` when it is not one.
int64_t parse_iso_time(const std::string& text, const std::string& what) {
    std::tm tm{};
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec) != 6)
        throw ConfigError(what + " \"" + text + "\" is not an ISO 8601 time such as 2024-01-01T00:00:00Z");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<int64_t>(timegm(&tm));
}

struct Settings {
    std::string api_key;
    int64_t count = 0;           // records the stream holds
    int64_t state_interval = 0;  // a STATE every this many records
};

Settings settings(const json::object& config) {
    ConfigView c(config);
    Settings s{c.string("api_key"), c.integer_or("count", 100, 0, 10'000'000), c.integer_or("state_interval", 10, 1)};
    if (s.api_key.empty()) throw ConfigError("config.api_key is empty: set it to your API key");
    return s;
}

// The JSON text of the record at `index`: a pure function of it, so two full refreshes give the same records. Your
// API goes here. Numbers are written as text, exactly as they should arrive (no double round trip).
std::string record_at(int64_t index) {
    const int64_t tenths = (index * 37) % 1000;
    std::string r = "{\"id\":" + std::to_string(index + 1) + ",\"name\":";
    append_json_string(r, "event " + std::to_string(index + 1));
    r += ",\"value\":" + std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
    r += ",\"updated_at\":\"" + iso_time(kEpoch + 60 * index) + "\"}";
    return r;
}

class EventsSource final : public Source {
public:
    using Source::Source;

    json::object spec() override {
        return parse_object(R"({
          "documentationUrl": "https://example.invalid/docs/@CONNECTOR@",
          "supportsIncremental": true,
          "connectionSpecification": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "@NAME@ source",
            "type": "object",
            "required": ["api_key"],
            "properties": {
              "api_key": {"type": "string", "airbyte_secret": true, "description": "key for the API"},
              "count": {"type": "integer", "minimum": 0, "default": 100, "description": "records in the stream"},
              "state_interval": {"type": "integer", "minimum": 1, "default": 10,
                                 "description": "emit a STATE every N records"}
            }
          }
        })",
                            "spec");
    }

    // A real connector calls an authenticated endpoint here and throws an Error saying what failed.
    void check(const json::object& config) override { settings(config); }

    json::array discover(const json::object& config) override {
        settings(config);
        json::object s;
        s["name"] = kStream;
        s["json_schema"] = parse_json(R"({"type": "object", "properties": {"id": {"type": "integer"},
            "name": {"type": "string"}, "value": {"type": "number"},
            "updated_at": {"type": "string", "format": "date-time"}}})",
                                      "schema");
        s["supported_sync_modes"] = json::array{"full_refresh", "incremental"};
        s["source_defined_cursor"] = true;
        s["default_cursor_field"] = json::array{"updated_at"};
        s["source_defined_primary_key"] = json::array{json::array{"id"}};
        return json::array{std::move(s)};
    }

    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) override {
        const Settings st = settings(config);
        host().info("reading with an API key of " + std::to_string(st.api_key.size()) + " characters");
        for (const auto& cs : catalog.streams()) {
            if (cs.name != kStream)
                throw ConfigError("the catalog names stream \"" + cs.name + "\"; @CONNECTOR@ has only \"events\"");
            read_events(st, cs, state);
        }
    }

private:
    // The first index after the stream's saved cursor (0 without state or in full refresh).
    static int64_t first_index(const ConfiguredStream& cs, const StateMap& state) {
        if (!cs.incremental()) return 0;
        const json::object* blob = state.stream(cs.name);
        if (!blob || !blob->contains("updated_at")) return 0;
        const json::value& cursor = blob->at("updated_at");
        if (!cursor.is_string()) throw ConfigError("state: events.updated_at must be a string");
        int64_t t = parse_iso_time(std::string(cursor.as_string()), "state: events.updated_at");
        return t < kEpoch ? 0 : (t - kEpoch) / 60 + 1;
    }

    // Emits the state covering every record up to `last_index`; the writer hands over its records first.
    void checkpoint(RecordBatchWriter& w, const ConfiguredStream& cs, int64_t last_index) {
        json::object blob;
        blob["updated_at"] = iso_time(kEpoch + 60 * last_index);
        w.emit_state(stream_state_message(cs.name, {}, blob));
    }

    void read_events(const Settings& st, const ConfiguredStream& cs, const StateMap& state) {
        const int64_t start = first_index(cs, state);
        emit_stream_status(host(), cs.name, {}, "STARTED");
        RecordBatchWriter w(host(), cs.name);
        for (int64_t i = start; i < st.count; ++i) {
            w.add(record_at(i));
            if ((i + 1 - start) % st.state_interval == 0) {
                host().throw_if_cancelled();
                checkpoint(w, cs, i);
            }
        }
        if (st.count > start) checkpoint(w, cs, st.count - 1);
        w.flush();
        host().info("stream events: " + std::to_string(w.total()) + " records from index " + std::to_string(start));
        emit_stream_status(host(), cs.name, {}, "COMPLETE");
    }
};

}  // namespace

CONNHOST_PLUGIN(EventsSource, "@CONNECTOR@", CONNECTOR_VERSION, "@NAME@ source made by connhost new")
