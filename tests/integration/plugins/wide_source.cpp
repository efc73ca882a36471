// Test source `source_wide`: one stream "blobs" whose records have the data sizes given in config "sizes" (bytes),
// each followed by a STATE {"n": its 1-based number}. Used to show the record size limit refusing a large record.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

namespace {

using namespace connhost::sdk;

class WideSource final : public Source {
public:
    using Source::Source;
    json::object spec() override { return parse_object(R"({"connectionSpecification":{"type":"object"}})", "spec"); }
    void check(const json::object&) override {}
    json::array discover(const json::object&) override {
        return json::array{json::object{
            {"name", "blobs"}, {"json_schema", json::object{}}, {"supported_sync_modes", json::array{"full_refresh"}}}};
    }
    void read(const json::object& config, const ConfiguredCatalog&, const StateMap&) override {
        auto sizes = config.find("sizes");
        if (sizes == config.end() || !sizes->value().is_array())
            throw ConfigError("config.sizes must be an array of byte counts");
        RecordBatchWriter out(host(), "blobs");
        int64_t n = 0;
        for (const auto& size : sizes->value().as_array()) {
            const std::string head = "{\"n\":" + std::to_string(++n) + ",\"pad\":\"", tail = "\"}";
            const size_t want = static_cast<size_t>(size.to_number<int64_t>());
            if (want < head.size() + tail.size())
                throw ConfigError("config.sizes: each record needs at least 20 bytes");
            out.add(head + std::string(want - head.size() - tail.size(), 'x') + tail);
            out.flush();
            host().emit_state(
                R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"blobs"},"stream_state":{"n":)" +
                std::to_string(n) + "}}}");
        }
    }
};

}  // namespace

CONNHOST_PLUGIN(WideSource, "source_wide", "0.0.1", "Test source whose records have the sizes its config gives")
