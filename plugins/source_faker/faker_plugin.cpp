// source_faker: deterministic generated data (users, products, purchases), full refresh and incremental.
#include "faker_streams.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <algorithm>

namespace {

using namespace connhost::sdk;

class FakerSource final : public Source {
public:
    using Source::Source;

    json::object spec() override {
        return parse_object(R"({
          "documentationUrl": "https://connhost.invalid/docs/connectors/source_faker",
          "supportsIncremental": true,
          "connectionSpecification": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Faker source",
            "type": "object",
            "properties": {
              "count": {"type": "integer", "minimum": 0, "default": 1000, "description": "records per stream"},
              "seed": {"type": "integer", "default": 0, "description": "the same seed always yields the same records"},
              "state_interval": {"type": "integer", "minimum": 1, "default": 1000,
                                 "description": "emit a STATE every N records"},
              "streams": {"type": "array", "items": {"type": "string"},
                          "description": "limit discover to these streams"}
            }
          }
        })",
                            "spec");
    }

    void check(const json::object& config) override { settings(config); }

    json::array discover(const json::object& config) override {
        settings(config);
        json::array streams;
        for (const auto& name : faker::stream_names()) {
            json::object s;
            s["name"] = name;
            s["json_schema"] = parse_json(faker::stream_schema(name), "schema");
            s["supported_sync_modes"] = json::array{"full_refresh", "incremental"};
            s["source_defined_cursor"] = true;
            s["default_cursor_field"] = json::array{"updated_at"};
            s["source_defined_primary_key"] = json::array{json::array{"id"}};
            mark_splittable(s);  // a partitioned sync gives each worker a range of record indexes
            streams.push_back(std::move(s));
        }
        return streams;
    }

    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) override {
        Settings st = settings(config);
        for (const auto& cs : catalog.streams()) {
            bool known = false;
            for (const auto& n : faker::stream_names()) known |= (n == cs.name);
            if (!known)
                throw ConfigError("catalog names stream \"" + cs.name +
                                  "\", which source_faker does not have (users, products, purchases)");
            read_stream(st, cs, state);
        }
    }

private:
    struct Settings {
        uint64_t count, seed, state_interval;
    };

    static Settings settings(const json::object& config) {
        ConfigView c(config);
        return {static_cast<uint64_t>(c.integer_or("count", 1000, 0, 1'000'000'000'000)),
                static_cast<uint64_t>(c.integer_or("seed", 0, 0)),
                static_cast<uint64_t>(c.integer_or("state_interval", 1000, 1))};
    }

    void checkpoint(RecordBatchWriter& w, const ConfiguredStream& cs, uint64_t last_index) {
        json::object blob;
        blob["updated_at"] = faker::updated_at(last_index);
        w.emit_state(stream_state_message(cs.name, {}, blob));
    }

    // Where an incremental read of `cs` resumes: after the saved updated_at; 0 without one, or (with a warning) when
    // the saved value is no date-time.
    uint64_t start_index(const ConfiguredStream& cs, const StateMap& state) {
        const json::object* blob = cs.incremental() ? state.stream(cs.name) : nullptr;
        const json::value* v = blob ? blob->if_contains("updated_at") : nullptr;
        if (!v || v->is_null()) return 0;
        const std::string text = v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
        if (auto i = faker::first_index_after(text)) return *i;
        warn_unusable_cursor(host(), cs.name, "updated_at", text, "it is no date-time like 2020-01-01T00:00:00Z");
        return 0;
    }

    // Reads records [start, end) of `cs`: its slice (the whole stream unless partitioned), from the saved cursor on.
    void read_stream(const Settings& st, const ConfiguredStream& cs, const StateMap& state) {
        const auto [first, end] = slice_of(cs).of_range(st.count);
        const uint64_t start = std::max(first, start_index(cs, state));
        emit_stream_status(host(), cs.name, {}, "STARTED");
        emit_estimate(host(), cs.name, {}, end > start ? end - start : 0);
        RecordBatchWriter w(host(), cs.name);
        std::string rec;
        const int64_t emitted = RecordBatchWriter::now_ms();
        for (uint64_t i = start; i < end; ++i) {
            rec.clear();
            faker::append_record(rec, cs.name, st.seed, i);
            w.add(rec, emitted);
            if ((i + 1 - start) % st.state_interval == 0) {
                host().throw_if_cancelled();
                checkpoint(w, cs, i);
            }
        }
        if (end > start) checkpoint(w, cs, end - 1);
        w.flush();
        host().info("stream " + cs.name + ": " + std::to_string(w.total()) + " records from index " +
                    std::to_string(start) + (end < st.count ? " to " + std::to_string(end - 1) : std::string()));
        emit_stream_status(host(), cs.name, {}, "COMPLETE");
    }
};

}  // namespace

CONNHOST_PLUGIN(FakerSource, "source_faker", "0.1.0", "Deterministic generated users, products and purchases")
