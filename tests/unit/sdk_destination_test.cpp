// The SDK's destination write loop (connhost/sdk/destination.hpp), driven through the FakeHost of
// connhost/sdk/testing.hpp: what is committed, acknowledged, completed and closed, and in which order.
#include <connhost/sdk/testing.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace connhost::sdk;
using connhost::sdk::testing::FakeHost;

namespace {

// A destination that writes nothing and notes each hook call in the fake's journal; it can be told to fail.
class NotingDestination final : public Destination {
public:
    NotingDestination(FakeHost& fake, CommitPolicy policy = {1u << 30, 3600.0, 0.0})
        : Destination(fake.host()), fake_(fake), policy_(policy) {}

    int fail_write_at = 0;   // the n-th write_batch throws (0: none)
    int fail_commit_at = 0;  // the n-th commit throws (0: none)

    json::object spec() override { return {}; }
    void check(const json::object&) override {}
    void open(const json::object&, const ConfiguredCatalog&) override { fake_.note("open"); }
    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        if (++writes_ == fail_write_at) {
            fake_.note("write_batch threw");
            throw SystemError("disk full");
        }
        fake_.note("write_batch " + s.name + " " + std::to_string(batch.size()));
    }
    void commit() override {
        if (++commits_ == fail_commit_at) {
            fake_.note("commit threw");
            throw TransientError("lost the connection");
        }
        fake_.note("commit");
    }
    void complete_stream(const ConfiguredStream& s) override { fake_.note("complete_stream " + s.name); }
    void close(bool success) override { fake_.note(success ? "close(true)" : "close(false)"); }
    CommitPolicy commit_policy() const override { return policy_; }

private:
    FakeHost& fake_;
    CommitPolicy policy_;
    int writes_ = 0, commits_ = 0;
};

const char* const kCatalog = R"({"streams":[
  {"stream":{"name":"users","json_schema":{}},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"},
  {"stream":{"name":"orders","json_schema":{}},"sync_mode":"incremental","destination_sync_mode":"append"}]})";

// The journal without the input pulls: the hooks the loop called and the acks it sent, in order.
std::vector<std::string> calls(const FakeHost& fake) {
    std::vector<std::string> out;
    for (const auto& line : fake.journal())
        if (line.rfind("next_input", 0) != 0) out.push_back(line);
    return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("a state is acknowledged only after the commit that follows its records") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})", R"({"id":2})"});
    const uint64_t s1 = fake.push_state(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"users"}}})");
    fake.push_records("orders", {R"({"id":3})"});
    const uint64_t s2 = fake.push_state(R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"orders"}}})");
    NotingDestination dest(fake);
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_OK);
    CHECK(fake.acked() == std::vector<uint64_t>{s2});  // one commit at the end acknowledges both, through the last
    CHECK(s1 < s2);
    CHECK(calls(fake) ==
          std::vector<std::string>{"open", "write_batch users 2", "write_batch orders 1", "commit", "ack_state 2",
                                   "commit", "complete_stream users", "commit", "complete_stream orders",
                                   "close(true)"});
}

TEST_CASE("after write_batch throws nothing is committed or acknowledged, and close(false) rolls back") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    fake.push_state(R"({"type":"LEGACY","data":{}})");
    fake.push_records("users", {R"({"id":2})"});
    NotingDestination dest(fake);
    dest.fail_write_at = 2;
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_SYSTEM);
    CHECK(fake.error() == "disk full");
    CHECK(fake.acked().empty());
    CHECK(calls(fake) == std::vector<std::string>{"open", "write_batch users 1", "write_batch threw", "close(false)"});
}

TEST_CASE("after commit throws there is no second commit, no ack and no completed stream") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    fake.push_state(R"({"type":"LEGACY","data":{}})");
    NotingDestination dest(fake);
    dest.fail_commit_at = 1;
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_TRANSIENT);
    CHECK(fake.acked().empty());
    CHECK(calls(fake) == std::vector<std::string>{"open", "write_batch users 1", "commit threw", "close(false)"});
}

TEST_CASE("a record of a stream outside the catalog fails the write without a commit") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    fake.push_state(R"({"type":"LEGACY","data":{}})");
    fake.push_records("ghosts", {R"({"id":2})"}, "spooky");
    NotingDestination dest(fake);
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_CONFIG);
    CHECK(fake.error().find("\"spooky.ghosts\"") != std::string::npos);
    CHECK(!has(calls(fake), "commit"));
    CHECK(fake.acked().empty());
}

TEST_CASE("IDLE commits and acknowledges what is held before the next input") {
    FakeHost fake;
    fake.push_records("orders", {R"({"id":1})"});
    const uint64_t s1 = fake.push_state(R"({"type":"LEGACY","data":{}})");
    fake.push_idle();
    fake.push_records("orders", {R"({"id":2})"});
    NotingDestination dest(fake, CommitPolicy{1u << 30, 3600.0, 0.5});
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_OK);
    CHECK(fake.acked() == std::vector<uint64_t>{s1});
    const auto& j = fake.journal();
    const auto idle = std::find(j.begin(), j.end(), "next_input IDLE");
    REQUIRE(idle != j.end());
    CHECK(std::vector<std::string>(idle + 1, idle + 4) ==
          std::vector<std::string>{"commit", "ack_state 1", "next_input RECORDS orders 1"});
}

TEST_CASE("IDLE is not delivered to a destination that asked for no idle wake-ups") {
    FakeHost fake;
    fake.push_idle();
    NotingDestination dest(fake);  // idle_seconds 0
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_OK);
    CHECK(!has(fake.journal(), "next_input IDLE"));
}

TEST_CASE("COMPLETE swaps a stream in after a commit; the others complete at a clean end") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    fake.push_stream_status("users", "COMPLETE");
    fake.push_records("orders", {R"({"id":2})"});
    NotingDestination dest(fake);
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_OK);
    CHECK(calls(fake) ==
          std::vector<std::string>{"open", "write_batch users 1", "commit", "complete_stream users",
                                   "write_batch orders 1", "commit", "commit", "complete_stream orders",
                                   "close(true)"});
}

TEST_CASE("input that breaks commits and acknowledges what arrived, completes nothing, and closes with false") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    const uint64_t s1 = fake.push_state(R"({"type":"LEGACY","data":{}})");
    fake.push_error(CONNHOST_STATUS_CANCELLED);
    NotingDestination dest(fake);
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_CANCELLED);
    CHECK(fake.acked() == std::vector<uint64_t>{s1});
    CHECK(calls(fake) ==
          std::vector<std::string>{"open", "write_batch users 1", "commit", "ack_state 1", "close(false)"});
}

TEST_CASE("a failure after a stream completed keeps that completion and completes no other stream") {
    FakeHost fake;
    fake.push_records("users", {R"({"id":1})"});
    fake.push_stream_status("users", "COMPLETE");
    fake.push_records("orders", {R"({"id":2})"});
    NotingDestination dest(fake);
    dest.fail_write_at = 2;
    CHECK(fake.write(dest, "{}", kCatalog) == CONNHOST_STATUS_SYSTEM);
    CHECK(calls(fake) ==
          std::vector<std::string>{"open", "write_batch users 1", "commit", "complete_stream users",
                                   "write_batch threw", "close(false)"});
}
