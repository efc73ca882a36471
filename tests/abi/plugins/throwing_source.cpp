// throwing_source: an SDK source whose read throws std::runtime_error; the SDK's trampoline must turn it into a status.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <stdexcept>

namespace {

using namespace connhost::sdk;

class ThrowingSource final : public Source {
public:
    using Source::Source;

    json::object spec() override { return parse_object(R"({"connectionSpecification":{"type":"object"}})", "spec"); }
    void check(const json::object&) override {}
    json::array discover(const json::object&) override { return {}; }
    void read(const json::object&, const ConfiguredCatalog&, const StateMap&) override {
        RecordBatchWriter w(host(), "before_the_throw");
        w.add(R"({"id":1})");
        w.flush();
        throw std::runtime_error("simulated bug: the cursor column vanished mid-read");
    }
};

}  // namespace

CONNHOST_PLUGIN(ThrowingSource, "throwing_source", "0.0.1", "An SDK source whose read throws (ABI test)")
