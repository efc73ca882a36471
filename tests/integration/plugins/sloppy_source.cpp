// Test source `source_sloppy`: uses the SDK the careless way, to show the SDK and host keep records and states safe.
//   mode "unflushed":          adds 10 records to a RecordBatchWriter and returns without flushing it;
//   mode "state_before_flush": adds 10 records, then emits a state through the host without flushing first;
//   mode "bad_state":          emits {"type":"STREAM","stream":{}}, a state no later run could resume from.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

namespace {

using namespace connhost::sdk;

class SloppySource final : public Source {
public:
    using Source::Source;
    json::object spec() override {
        return parse_object(R"({"connectionSpecification":{"type":"object","properties":{"mode":{"type":"string"}}}})",
                            "spec");
    }
    void check(const json::object&) override {}
    json::array discover(const json::object&) override {
        return json::array{json::object{{"name", "numbers"},
                                        {"json_schema", json::object{}},
                                        {"supported_sync_modes", json::array{"full_refresh"}}}};
    }
    void read(const json::object& config, const ConfiguredCatalog&, const StateMap&) override {
        const std::string mode = ConfigView(config).string_or("mode", "unflushed");
        if (mode == "bad_state") {
            host().emit_state(R"({"type":"STREAM","stream":{}})");
            return;
        }
        RecordBatchWriter out(host(), "numbers");
        for (int i = 1; i <= 10; ++i) out.add("{\"n\":" + std::to_string(i) + "}");
        if (mode == "state_before_flush")
            host().emit_state(
                R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"numbers"},"stream_state":{"n":10}}})");
    }
};

}  // namespace

CONNHOST_PLUGIN(SloppySource, "source_sloppy", "0.0.1", "Test source that forgets to flush and emits broken states")
