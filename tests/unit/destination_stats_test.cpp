// protocol::with_destination_stats: the recordCount the host adds to an acknowledged STATE, without a DOM round trip.
#include "protocol/json_scan.hpp"
#include "protocol/message_writer.hpp"

#include <doctest/doctest.h>

#include <string>

using connhost::protocol::is_valid_json;
using connhost::protocol::with_destination_stats;

TEST_CASE("adds destinationStats and keeps every other member's text, numbers included") {
    const std::string state =
        R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"u"},"stream_state":{"c":1.50,"big":123456789012345678901234567890}}})";
    const std::string out = with_destination_stats(state, 42);
    CHECK(
        out ==
        R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"u"},"stream_state":{"c":1.50,"big":123456789012345678901234567890}},)"
        R"("destinationStats":{"recordCount":42}})");
    CHECK(is_valid_json(out));
}

TEST_CASE("replaces an existing destinationStats wherever it stands") {
    CHECK(with_destination_stats(R"({"destinationStats":{"recordCount":7.0},"type":"LEGACY","data":{"x":1e5}})", 3) ==
          R"({"type":"LEGACY","data":{"x":1e5},"destinationStats":{"recordCount":3}})");
    CHECK(with_destination_stats(R"({"type":"LEGACY", "destinationStats": {"recordCount": 9}, "data":{}})", 0) ==
          R"({"type":"LEGACY","data":{},"destinationStats":{"recordCount":0}})");
    CHECK(with_destination_stats(R"({"type":"LEGACY","data":{},"destinationStats":{}})", 18446744073709551615u) ==
          R"({"type":"LEGACY","data":{},"destinationStats":{"recordCount":18446744073709551615}})");
}

TEST_CASE("works on an empty object and on pretty-printed input") {
    CHECK(with_destination_stats("{}", 1) == R"({"destinationStats":{"recordCount":1}})");
    const std::string out =
        with_destination_stats("{\n  \"type\": \"GLOBAL\",\n  \"global\": {\"shared_state\": {\"a\": [1, 2]}}\n}", 5);
    CHECK(out ==
          "{\"type\": \"GLOBAL\",\"global\": {\"shared_state\": {\"a\": [1, "
          "2]}},\"destinationStats\":{\"recordCount\":5}}");
    CHECK(is_valid_json(out));
}

TEST_CASE("with a rejected count, rejectedRecordCount follows recordCount (--error-tolerance all)") {
    CHECK(with_destination_stats(R"({"type":"LEGACY","data":{},"destinationStats":{"recordCount":1}})", 3, 2) ==
          R"({"type":"LEGACY","data":{},"destinationStats":{"recordCount":3,"rejectedRecordCount":2}})");
    CHECK(with_destination_stats("{}", 0, 0) == R"({"destinationStats":{"recordCount":0,"rejectedRecordCount":0}})");
}
