// dest_null: consumes and counts records, acknowledges every state. For benchmarks and pipelines tests.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

namespace {

using namespace connhost::sdk;

class NullDestination final : public Destination {
public:
    using Destination::Destination;

    json::object spec() override {
        return parse_object(R"({"documentationUrl":"https://connhost.invalid/docs/connectors/dest_null",
            "supported_destination_sync_modes":["append","overwrite","append_dedup"],
            "connectionSpecification":{"type":"object","properties":{}}})",
                            "spec");
    }
    void check(const json::object&) override {}
    void open(const json::object&, const ConfiguredCatalog&) override {}
    void write_batch(const ConfiguredStream&, const BatchView& batch) override {
        records_ += batch.size();
        bytes_ += batch.bytes();
    }
    void commit() override {}
    void complete_stream(const ConfiguredStream&) override {}
    void close(bool) override {
        host().info("consumed " + std::to_string(records_) + " records, " + std::to_string(bytes_) + " bytes");
    }
    // Nothing to make durable, so acknowledge states as soon as they arrive.
    CommitPolicy commit_policy() const override { return {0, 0.0}; }

private:
    uint64_t records_ = 0, bytes_ = 0;
};

}  // namespace

CONNHOST_PLUGIN(NullDestination, "dest_null", "0.1.0", "Consumes and counts records; acknowledges every state")
