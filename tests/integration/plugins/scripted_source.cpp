// Test source `source_scripted`: emits exactly what its config says, bad records included, so the host's handling
// of them can be tested through `connhost sync`.
//   config "streams":  the stream names discover lists (each full_refresh);
//   config "messages": in order, {"stream": S, "data": "<record data as JSON text, any text>"} (a record; "repeat": N
//                      sends it N times) or {"state": {...}} (an AirbyteStateMessage), each record its own batch
//                      unless "batch" is true (then it joins the batch of the record before it, same stream).
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <optional>

namespace {

using namespace connhost::sdk;

class ScriptedSource final : public Source {
public:
    using Source::Source;
    json::object spec() override { return parse_object(R"({"connectionSpecification":{"type":"object"}})", "spec"); }
    void check(const json::object&) override {}
    json::array discover(const json::object& config) override {
        json::array streams;
        for (const auto& name : config.at("streams").as_array())
            streams.push_back(json::object{{"name", name},
                                           {"json_schema", json::object{}},
                                           {"supported_sync_modes", json::array{"full_refresh"}}});
        return streams;
    }
    void read(const json::object& config, const ConfiguredCatalog&, const StateMap&) override {
        std::optional<RecordBatchWriter> out;
        std::string stream;
        for (const auto& m : config.at("messages").as_array()) {
            const json::object& o = m.as_object();
            if (const auto* st = o.if_contains("state")) {
                host().emit_state(json::serialize(*st));
                continue;
            }
            const std::string name(o.at("stream").as_string());
            const bool join = o.contains("batch") && o.at("batch").as_bool() && out && name == stream;
            if (!join) {
                if (out) out->flush();
                out.emplace(host(), name);
                stream = name;
            }
            const int64_t repeat = o.contains("repeat") ? o.at("repeat").as_int64() : 1;
            for (int64_t i = 0; i < repeat; ++i) out->add(std::string_view(o.at("data").as_string()));
        }
        if (out) out->flush();
    }
};

}  // namespace

CONNHOST_PLUGIN(ScriptedSource, "source_scripted", "0.0.1",
                "Test source that emits the records and states its config lists")
