// Test connectors that crash (abort) mid-operation: `source_crash` after `crash_after` records,
// `dest_crash` after writing `crash_after` records (refusing records that hold the text `refuse`). Used to show that
// --isolate turns a crash into an error, and keeps the rejects reported before it.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <cstdlib>

namespace {

using namespace connhost::sdk;

json::object empty_spec() { return parse_object(R"({"connectionSpecification":{"type":"object"}})", "spec"); }

#if defined(CRASH_SOURCE)
class CrashSource final : public Source {
public:
    using Source::Source;
    json::object spec() override { return empty_spec(); }
    void check(const json::object&) override {}
    json::array discover(const json::object&) override {
        return json::array{json::object{{"name", "numbers"},
                                        {"json_schema", json::object{}},
                                        {"supported_sync_modes", json::array{"full_refresh"}}}};
    }
    void read(const json::object& config, const ConfiguredCatalog&, const StateMap&) override {
        const int64_t crash_after = ConfigView(config).integer_or("crash_after", 100);
        emit_stream_status(host(), "numbers", {}, "STARTED");  // the host ends it INCOMPLETE when the crash comes
        RecordBatchWriter out(host(), "numbers");
        for (int64_t i = 1;; ++i) {
            out.add("{\"n\":" + std::to_string(i) + "}");
            if (i % 10 == 0) {
                out.flush();
                host().emit_state(
                    R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"numbers"},"stream_state":{"n":)" +
                    std::to_string(i) + "}}}");
            }
            if (i == crash_after) std::abort();
        }
    }
};
CONNHOST_PLUGIN(CrashSource, "source_crash", "0.0.1", "Test source that aborts after crash_after records")
#else
class CrashDestination final : public Destination {
public:
    using Destination::Destination;
    json::object spec() override { return empty_spec(); }
    void check(const json::object&) override {}
    void open(const json::object& config, const ConfiguredCatalog&) override {
        crash_after_ = ConfigView(config).integer_or("crash_after", 100);
        refuse_ = ConfigView(config).string_or("refuse", "");
    }
    // A record whose data holds the text `refuse` is refused through the SDK's write_each_record (set aside under
    // --error-tolerance all); the crash comes at the crash_after-th record written.
    void write_batch(const ConfiguredStream&, const BatchView& batch) override {
        write_each_record(host(), batch, [this](const RecordView& r) {
            if (!refuse_.empty() && r.json.find(refuse_) != std::string_view::npos)
                throw RecordRefused("the record holds \"" + refuse_ + "\", which this destination refuses");
            if (++written_ >= crash_after_) std::abort();
        });
    }
    void commit() override {}
    void complete_stream(const ConfiguredStream&) override {}
    void close(bool) override {}
    CommitPolicy commit_policy() const override { return {0, 0.0}; }

private:
    int64_t crash_after_ = 100, written_ = 0;
    std::string refuse_;
};
CONNHOST_PLUGIN(CrashDestination, "dest_crash", "0.0.1", "Test destination that aborts after crash_after records")
#endif

}  // namespace
