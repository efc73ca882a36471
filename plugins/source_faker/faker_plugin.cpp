// source_faker: deterministic generated data (users, products, purchases), full refresh and incremental.
#include "faker_streams.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <algorithm>
#include <memory>
#include <vector>

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
                          "description": "limit discover to these streams"},
              "interleave": {"type": "boolean", "default": false,
                             "description": "read the streams in turns, state_interval records of each at a time"}
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
        std::vector<Cursor> cursors;
        for (const auto& cs : catalog.streams()) {
            bool known = false;
            for (const auto& n : faker::stream_names()) known |= (n == cs.name);
            if (!known)
                throw ConfigError("catalog names stream \"" + cs.name +
                                  "\", which source_faker does not have (users, products, purchases)");
            if (!st.interleave) {  // one stream after another
                Cursor c = begin_stream(st, cs, state);
                step(st, c, UINT64_MAX);
                end_stream(st, c);
            } else {
                cursors.push_back(begin_stream(st, cs, state));
            }
        }
        for (bool left = !cursors.empty(); left;) {  // interleaved: state_interval records of each stream in turn
            left = false;
            for (Cursor& c : cursors) {
                if (c.done) continue;
                step(st, c, st.state_interval);
                if (c.next >= c.end) end_stream(st, c);
                left = left || !c.done;
            }
        }
    }

private:
    struct Settings {
        uint64_t count, seed, state_interval;
        bool interleave;
    };
    // A stream being read: its writer and the index of its next record.
    struct Cursor {
        const ConfiguredStream* cs;
        uint64_t start, next, end;  // records [start, end) of its slice are read
        std::unique_ptr<RecordBatchWriter> w;
        int64_t emitted;
        bool done = false;
    };

    static Settings settings(const json::object& config) {
        ConfigView c(config);
        return {static_cast<uint64_t>(c.integer_or("count", 1000, 0, 1'000'000'000'000)),
                static_cast<uint64_t>(c.integer_or("seed", 0, 0)),
                static_cast<uint64_t>(c.integer_or("state_interval", 1000, 1)), c.boolean_or("interleave", false)};
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

    Cursor begin_stream(const Settings& st, const ConfiguredStream& cs, const StateMap& state) {
        const auto [first, end] = slice_of(cs).of_range(st.count);  // the whole stream unless partitioned
        const uint64_t start = std::max(first, start_index(cs, state));
        emit_stream_status(host(), cs.name, {}, "STARTED");
        emit_estimate(host(), cs.name, {}, end > start ? end - start : 0);
        return {
            &cs, start, start, end, std::make_unique<RecordBatchWriter>(host(), cs.name), RecordBatchWriter::now_ms()};
    }

    // Emits up to `n` more records of `c`, with a STATE every state_interval records from its start.
    void step(const Settings& st, Cursor& c, uint64_t n) {
        std::string rec;
        for (uint64_t k = 0; k < n && c.next < c.end; ++k, ++c.next) {
            rec.clear();
            faker::append_record(rec, c.cs->name, st.seed, c.next);
            c.w->add(rec, c.emitted);
            if ((c.next + 1 - c.start) % st.state_interval == 0) {
                host().throw_if_cancelled();
                checkpoint(*c.w, *c.cs, c.next);
            }
        }
    }

    void end_stream(const Settings& st, Cursor& c) {
        if (c.end > c.start) checkpoint(*c.w, *c.cs, c.end - 1);
        c.w->flush();
        host().info("stream " + c.cs->name + ": " + std::to_string(c.w->total()) + " records from index " +
                    std::to_string(c.start) + (c.end < st.count ? " to " + std::to_string(c.end - 1) : std::string()));
        emit_stream_status(host(), c.cs->name, {}, "COMPLETE");
        c.done = true;
    }
};

}  // namespace

CONNHOST_PLUGIN(FakerSource, "source_faker", "0.1.0", "Deterministic generated users, products and purchases")
