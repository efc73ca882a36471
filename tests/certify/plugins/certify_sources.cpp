// Test sources for `connhost test-plugin`: a small correct source (source_certify_ok) and, built from the same file
// with one BROKEN_* definition each, sources that break one rule the certification must catch:
//   BROKEN_STATE_FIRST      emits a stream's final STATE before its last two records -> incremental.state_order
//   BROKEN_OUTSIDE_CATALOG  emits records of stream "others" even when not configured -> read.only_configured
//   BROKEN_SCHEMA           emits "name" as a number where the schema says string     -> read.records_valid
//   BROKEN_LEAK_SECRET      prints its api_key to stderr with fprintf during read     -> read.no_secret
// Config: {"api_key": "<secret, required; check fails unless it starts with good>", "count": N (default 12)}.
// Streams "items" and "others": {"id": integer, "name": string}, cursor and primary key "id", a state every 5 records.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <cstdio>

namespace {

using namespace connhost::sdk;

#ifndef CERTIFY_PLUGIN_NAME
#define CERTIFY_PLUGIN_NAME "source_certify_ok"
#endif

std::string state_of(const std::string& stream, int64_t id) {
    return stream_state_message(stream, {}, json::object{{"id", id}});
}

class CertifySource final : public Source {
public:
    using Source::Source;
    json::object spec() override {
        return parse_object(R"({"connectionSpecification": {"type": "object", "required": ["api_key"],
            "properties": {"api_key": {"type": "string", "airbyte_secret": true},
                           "count": {"type": "integer", "minimum": 0}}}})",
                            "spec");
    }
    void check(const json::object& config) override {
        const std::string key = ConfigView(config).string_or("api_key", "");
        if (key.empty()) throw ConfigError("api_key is required");
        if (key.rfind("good", 0) != 0) throw ConfigError("the api_key was refused");
    }
    json::array discover(const json::object&) override {
        json::array streams;
        for (const char* name : {"items", "others"})
            streams.push_back(json::object{{"name", name},
                                           {"json_schema",
                                            parse_object(R"({"type": "object", "properties": {"id": {"type": "integer"},
                                                 "name": {"type": "string"}}})",
                                                         "schema")},
                                           {"supported_sync_modes", json::array{"full_refresh", "incremental"}},
                                           {"source_defined_cursor", true},
                                           {"default_cursor_field", json::array{"id"}},
                                           {"source_defined_primary_key", json::array{json::array{"id"}}}});
        return streams;
    }
    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) override {
        check(config);
#ifdef BROKEN_LEAK_SECRET
        std::fprintf(stderr, "debug: calling the API with key %s\n",
                     ConfigView(config).string_or("api_key", "").c_str());
#endif
        const int64_t count = ConfigView(config).integer_or("count", 12, 0);
        bool others = false;
        for (const auto& cs : catalog.streams()) {
            others |= cs.name == "others";
            read_stream(cs.name, cs.incremental() ? state.stream(cs.name) : nullptr, count);
        }
#ifdef BROKEN_OUTSIDE_CATALOG
        if (!others) read_stream("others", nullptr, count);
#endif
        (void)others;
    }

private:
    void read_stream(const std::string& name, const json::object* saved, int64_t count) {
        int64_t start = 1;
        if (saved)
            if (auto it = saved->find("id"); it != saved->end() && it->value().is_int64())
                start = it->value().as_int64() + 1;
        RecordBatchWriter w(host(), name);
        for (int64_t id = start; id <= count; ++id) {
#ifdef BROKEN_STATE_FIRST
            if (id == count - 1) w.emit_state(state_of(name, count));  // covers two records not yet emitted
#endif
#ifdef BROKEN_SCHEMA
            w.add(json::object{{"id", id}, { "name", id }});
#else
            w.add(json::object{{"id", id}, {"name", name + " " + std::to_string(id)}});
#endif
#ifdef BROKEN_STATE_FIRST
            if (id % 5 == 0 && id < count - 1) w.emit_state(state_of(name, id));
#else
            if (id % 5 == 0 || id == count) w.emit_state(state_of(name, id));
#endif
        }
        w.flush();
    }
};

}  // namespace

CONNHOST_PLUGIN(CertifySource, CERTIFY_PLUGIN_NAME, "0.0.1", "Test source for connhost test-plugin")
