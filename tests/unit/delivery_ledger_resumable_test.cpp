// runtime::DeliveryLedger with a resumable overwrite (resumable_overwrites.hpp): its STREAM states are released at
// their ack while it is open (the staging they describe survives), GLOBAL and LEGACY states still wait for the swap.
#include "runtime/delivery_ledger.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace connhost;

namespace {

std::vector<protocol::CatalogStream> overwrite_streams() {
    protocol::CatalogStream a, b;
    a.ns = b.ns = "s";
    a.name = "a";
    b.name = "b";
    a.destination_sync_mode = b.destination_sync_mode = protocol::DestinationSyncMode::Overwrite;
    return {a, b};
}

const std::string kStreamA =
    R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"a","namespace":"s"},"stream_state":{"k":1}}})";
const std::string kGlobal = R"({"type":"GLOBAL","global":{"shared_state":{}}})";
const std::string kComplete = R"({"stream_descriptor":{"name":"a","namespace":"s"},"status":"COMPLETE"})";

}  // namespace

TEST_CASE("a resumable overwrite's STREAM states are released at their ack; GLOBAL states wait for its swap") {
    runtime::DeliveryLedger ledger(overwrite_streams());
    ledger.resumable_overwrite("s", "a");
    ledger.resumable_overwrite("s", "b");
    std::vector<std::string> released;
    auto collect = [&](const runtime::StateLedger::Entry& e) { released.push_back(e.json); };
    CHECK(ledger.records("s", "a", 3).empty());
    const uint64_t first = ledger.state(kStreamA);
    CHECK(ledger.ack(first, collect) == CONNHOST_STATUS_OK);
    CHECK(released == std::vector<std::string>{kStreamA});
    const uint64_t global = ledger.state(kGlobal);
    CHECK(ledger.ack(global, collect) == CONNHOST_STATUS_OK);
    CHECK(released.size() == 1);  // held: the staging it may cover is not swapped in
    ledger.status(kComplete);
    const uint64_t after = ledger.state(kStreamA);
    CHECK(ledger.ack(after, collect) == CONNHOST_STATUS_OK);
    CHECK(released == std::vector<std::string>{kStreamA, kGlobal, kStreamA});
}

TEST_CASE("without resumable streams an open overwrite holds back its STREAM states, as before") {
    runtime::DeliveryLedger ledger(overwrite_streams());
    std::vector<std::string> released;
    auto collect = [&](const runtime::StateLedger::Entry& e) { released.push_back(e.json); };
    CHECK(ledger.records("s", "a", 3).empty());
    CHECK(ledger.ack(ledger.state(kStreamA), collect) == CONNHOST_STATUS_OK);
    CHECK(released.empty());
    CHECK(ledger.states_held() == 1);
}
