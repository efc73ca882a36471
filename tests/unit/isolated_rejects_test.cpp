// The parts that carry a destination child's rejects to its parent: the private record_reject line, the map from the
// child's stdin lines back to the parent's record positions, and the late move of a record into a state's rejected
// count.
#include "protocol/message.hpp"
#include "protocol/private_message.hpp"
#include "runtime/child_line_map.hpp"
#include "runtime/state_ledger.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using connhost::protocol::RecordReject;
using connhost::runtime::ChildLineMap;
using connhost::runtime::StateLedger;
namespace protocol = connhost::protocol;

TEST_CASE("a record_reject line round-trips, the record's number text exact") {
    RecordReject r;
    r.line = 42;
    r.stream = "us\"ers";
    r.has_ns = true;
    r.ns = "shop";
    r.reason = "field \"x\": too many columns";
    r.record = R"({"type":"RECORD","record":{"stream":"us\"ers","data":{"n":1.000000000000000000000000001}}})";
    const std::string line = protocol::record_reject_line(r);
    CHECK(line.find('\n') == std::string::npos);
    REQUIRE(protocol::is_private_message(line));
    const protocol::PrivateMessage m = protocol::parse_private_message(line);
    CHECK(m.kind == "record_reject");
    const RecordReject back = protocol::record_reject_of(m);
    CHECK(back.line == 42);
    CHECK(back.stream == r.stream);
    CHECK(back.has_ns);
    CHECK(back.ns == "shop");
    CHECK(back.reason == r.reason);
    CHECK(back.record == r.record);
}

TEST_CASE("unknown stream, no namespace and no record travel as null") {
    RecordReject r;
    r.line = 3;
    r.reason = "over the limit";
    const RecordReject back =
        protocol::record_reject_of(protocol::parse_private_message(protocol::record_reject_line(r)));
    CHECK(back.stream.empty());
    CHECK_FALSE(back.has_ns);
    CHECK(back.record.empty());
    CHECK(back.reason == "over the limit");
}

TEST_CASE("Airbyte lines are not private messages, and a broken private one is a ProtocolError") {
    CHECK_FALSE(protocol::is_private_message(R"({"type":"STATE","state":{}})"));
    CHECK_FALSE(protocol::is_private_message(R"({"type":"CONNHOST_PRIVATE"})"));
    CHECK_THROWS_AS(protocol::parse_private_message(R"({"type":"CONNHOST_PRIVATE","connhost_private":{"kind":)"),
                    protocol::ProtocolError);
    const protocol::PrivateMessage m = protocol::parse_private_message(
        R"({"type":"CONNHOST_PRIVATE","connhost_private":{"kind":"record_reject","line":"x","reason":"r"}})");
    CHECK_THROWS_AS(protocol::record_reject_of(m), protocol::ProtocolError);
}

TEST_CASE("child lines map back to the positions their records came from") {
    ChildLineMap map;
    map.record(1);  // child line 1: input line 1
    map.record(2);
    map.other(1);   // line 3: a state (input line 3)
    map.record(5);  // line 4: input line 5 (input line 4 was a LOG the child never saw)
    map.record(6);
    map.record(0);  // line 6: position not known
    map.record(9);  // line 7
    CHECK(map.next_line() == 8);
    CHECK(map.position(1) == 1);
    CHECK(map.position(2) == 2);
    CHECK(map.position(4) == 5);
    CHECK(map.position(5) == 6);
    CHECK(map.position(6) == 0);
    CHECK(map.position(7) == 9);
    CHECK(map.position(8) == 0);  // not written yet
    CHECK(map.position(0) == 0);
    map.forget_before(3);  // the state on line 3 was acknowledged
    CHECK(map.position(4) == 5);
    CHECK(map.position(7) == 9);
}

TEST_CASE("a reject reported late moves one record of a pending state into its rejected count") {
    StateLedger ledger;
    ledger.add("{\"s\":1}", 3, false, 1);
    ledger.add("{\"s\":2}", 2);
    CHECK(ledger.rejected_before(1));
    CHECK_FALSE(ledger.rejected_before(7));
    std::vector<std::pair<uint64_t, uint64_t>> counts;
    ledger.ack(2, [&](const StateLedger::Entry& e) { counts.emplace_back(e.record_count, e.rejected_count); });
    CHECK(counts == std::vector<std::pair<uint64_t, uint64_t>>{{2, 2}, {2, 0}});
}
