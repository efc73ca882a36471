// runtime::StateLedger: states handed to a destination, acknowledged in order with their record counts.
#include "runtime/state_ledger.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using connhost::runtime::StateLedger;

TEST_CASE("ids grow from 1 and an ack releases that state and every earlier one, in order") {
    StateLedger ledger;
    CHECK(ledger.add("{\"s\":1}", 10) == 1);
    CHECK(ledger.add("{\"s\":2}", 0) == 2);
    CHECK(ledger.add("{\"s\":3}", 5) == 3);
    CHECK(ledger.pending() == 3);
    CHECK(ledger.acknowledged() == 0);

    std::vector<std::string> acked;
    std::vector<uint64_t> counts;
    auto collect = [&](const StateLedger::Entry& e) {
        acked.push_back(e.json);
        counts.push_back(e.record_count);
    };
    CHECK(ledger.ack(2, collect) == CONNHOST_STATUS_OK);
    CHECK(acked == std::vector<std::string>{"{\"s\":1}", "{\"s\":2}"});
    CHECK(counts == std::vector<uint64_t>{10, 0});
    CHECK(ledger.pending() == 1);
    CHECK(ledger.acknowledged() == 2);

    CHECK(ledger.ack(3, collect) == CONNHOST_STATUS_OK);
    CHECK(acked.back() == "{\"s\":3}");
    CHECK(ledger.pending() == 0);
    CHECK(ledger.acknowledged() == 3);
}

TEST_CASE("unknown and already acknowledged ids are CONFIG and change nothing") {
    StateLedger ledger;
    int calls = 0;
    auto count = [&](const StateLedger::Entry&) { ++calls; };
    CHECK(ledger.ack(1, count) == CONNHOST_STATUS_CONFIG);  // nothing handed out yet
    ledger.add("{}", 1);
    ledger.add("{}", 1);
    CHECK(ledger.ack(3, count) == CONNHOST_STATUS_CONFIG);  // never handed out
    CHECK(ledger.ack(0, count) == CONNHOST_STATUS_CONFIG);
    CHECK(calls == 0);
    CHECK(ledger.ack(1, count) == CONNHOST_STATUS_OK);
    CHECK(ledger.ack(1, count) == CONNHOST_STATUS_CONFIG);  // already acknowledged
    CHECK(calls == 1);
    CHECK(ledger.pending() == 1);
    CHECK(ledger.ack(2, count) == CONNHOST_STATUS_OK);
    CHECK(ledger.ack(2, count) == CONNHOST_STATUS_CONFIG);
    CHECK(calls == 2);
    ledger.add("{}", 0);
    CHECK(ledger.ack(2, count) == CONNHOST_STATUS_CONFIG);  // older than the oldest pending
    CHECK(ledger.ack(3, count) == CONNHOST_STATUS_OK);
}
