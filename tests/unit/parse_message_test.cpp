// protocol::parse_message: Airbyte and Singer lines split into their parts, bad lines refused with the field named.
#include "protocol/json_scan.hpp"
#include "protocol/message.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <string>

using namespace connhost::protocol;

namespace {

// Parses `line` into a message whose views stay valid: the text is kept alive for the whole test run.
ParsedMessage parse(const std::string& line) {
    static std::deque<std::string> keep;
    keep.push_back(line);
    ParsedMessage m;
    parse_message(keep.back(), m);
    return m;
}

std::string protocol_error(const std::string& line) {
    ParsedMessage m;
    try {
        parse_message(line, m);
    } catch (const ProtocolError& e) {
        return e.what();
    }
    return "(no ProtocolError)";
}

}  // namespace

TEST_CASE("an Airbyte RECORD keeps its data text exactly") {
    const std::string line =
        R"({"type":"RECORD","record":{"stream":"users","data":{"id": 1, "big": 123456789012345678901234567890.50},"emitted_at":1700000000123}})";
    ParsedMessage m = parse(line);
    CHECK(m.type == MessageType::Record);
    CHECK(m.type_name == "RECORD");
    CHECK(m.stream == "users");
    CHECK_FALSE(m.has_ns);
    CHECK(m.data == R"({"id": 1, "big": 123456789012345678901234567890.50})");
    CHECK(m.meta.empty());
    CHECK(m.emitted_at == 1700000000123);
    CHECK(m.line == line);
}

TEST_CASE("a RECORD with namespace and meta, members in any order, names unescaped") {
    ParsedMessage m = parse(
        R"({"record":{"meta":{"changes":[{"field":"x","change":"NULLED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]},)"
        R"("namespace":"pub\u006cic","data":{},"stream":"a\"b","emitted_at":1.7E12},"type":"RECORD"})");
    CHECK(m.type == MessageType::Record);
    CHECK(m.stream == "a\"b");
    CHECK(m.has_ns);
    CHECK(m.ns == "public");
    CHECK(m.data == "{}");
    CHECK(m.meta == R"({"changes":[{"field":"x","change":"NULLED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]})");
    CHECK(m.emitted_at == 1700000000000);
}

TEST_CASE("a reused ParsedMessage forgets the previous line's namespace and meta") {
    ParsedMessage m;
    parse_message(R"({"type":"RECORD","record":{"stream":"s","namespace":"n","data":{"a":1},"meta":{}}})", m);
    CHECK(m.has_ns);
    parse_message(R"({"type":"RECORD","record":{"stream":"t","data":{"b":2}}})", m);
    CHECK(m.stream == "t");
    CHECK_FALSE(m.has_ns);
    CHECK(m.ns.empty());
    CHECK(m.meta.empty());
    CHECK(m.emitted_at == 0);
}

TEST_CASE("STATE, TRACE and LOG carry their payload object as body") {
    ParsedMessage m = parse(
        R"({"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"u"},"stream_state":{"c":5}}}})");
    CHECK(m.type == MessageType::State);
    CHECK(m.body == R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"u"},"stream_state":{"c":5}}})");

    m = parse(
        R"({"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"boom","failure_type":"system_error"}}})");
    CHECK(m.type == MessageType::Trace);
    CHECK(m.body == R"({"type":"ERROR","emitted_at":1,"error":{"message":"boom","failure_type":"system_error"}})");

    m = parse(R"({"type":"LOG","log":{"level":"INFO","message":"hello"}})");
    CHECK(m.type == MessageType::Log);
    CHECK(m.body == R"({"level":"INFO","message":"hello"})");
}

TEST_CASE("missing or mistyped fields are ProtocolErrors naming the field") {
    CHECK(protocol_error(R"({"record":{"stream":"s","data":{}}})") ==
          R"(missing "type" (a message needs "type": "RECORD", "STATE", ...))");
    CHECK(protocol_error(R"({"type":"RECORD"})") == R"(RECORD without a "record" object)");
    CHECK(protocol_error(R"({"type":"RECORD","record":{"data":{}}})") ==
          R"(RECORD without "record.stream" (a string))");
    CHECK(protocol_error(R"({"type":"RECORD","record":{"stream":7,"data":{}}})") ==
          R"(RECORD without "record.stream" (a string))");
    CHECK(protocol_error(R"({"type":"RECORD","record":{"stream":"s"}})") == R"(RECORD without "record.data")");
    CHECK(protocol_error(R"({"type":"RECORD","record":{"stream":"s","data":[1]}})") ==
          R"("record.data" must be an object)");
    CHECK(protocol_error(R"({"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":1e99}})") ==
          R"("record.emitted_at" 1e99 is not a time in milliseconds since 1970)");
    CHECK(protocol_error(R"({"type":"STATE"})") == R"(missing "state")");
    CHECK(protocol_error(R"({"type":"TRACE","trace":"x"})") == R"("trace" must be an object)");
    CHECK(protocol_error(R"({"type":"LOG"})") == R"(missing "log")");
    CHECK(protocol_error(R"({"type":"BOGUS"})").find(R"(unknown message type "BOGUS")") == 0);
}

TEST_CASE("a Singer record may hold any emitted_at: it is data, not the envelope") {
    ParsedMessage m = parse(R"({"type":"RECORD","stream":"s","record":{"emitted_at":1e99}})");
    CHECK(m.type == MessageType::SingerRecord);
    CHECK(m.data == R"({"emitted_at":1e99})");
}

TEST_CASE("lines that are not one JSON object are syntax errors with an offset") {
    ParsedMessage m;
    CHECK_THROWS_AS(parse_message("[1,2]", m), JsonSyntaxError);
    CHECK_THROWS_AS(parse_message("", m), JsonSyntaxError);
    CHECK_THROWS_AS(parse_message(R"({"type":"LOG","log":{}} trailing)", m), JsonSyntaxError);
    try {
        parse_message(R"({"type":"RECORD","record":{"stream":"s","data":{"a":}}})", m);
        FAIL("a broken data object was accepted");
    } catch (const JsonSyntaxError& e) {
        CHECK(e.offset() == 52);  // the '}' where the value of "a" should be
    }
}

TEST_CASE("Singer lines are classified by their top-level stream") {
    ParsedMessage m = parse(R"({"type":"SCHEMA","stream":"users","schema":{"type":"object"},"key_properties":["id"]})");
    CHECK(m.type == MessageType::SingerSchema);
    CHECK(m.stream == "users");
    CHECK(m.body == R"({"type":"object"})");

    m = parse(
        R"({"type":"RECORD","stream":"users","record":{"id":1,"n":1.000},"time_extracted":"2024-01-01T00:00:00Z"})");
    CHECK(m.type == MessageType::SingerRecord);
    CHECK(m.stream == "users");
    CHECK(m.data == R"({"id":1,"n":1.000})");
    CHECK_FALSE(m.has_ns);

    m = parse(R"({"type":"STATE","value":{"bookmarks":{"users":{"id":9}}}})");
    CHECK(m.type == MessageType::SingerState);
    CHECK(m.body == R"({"bookmarks":{"users":{"id":9}}})");

    m = parse(R"({"type":"ACTIVATE_VERSION","stream":"users","version":3})");
    CHECK(m.type == MessageType::SingerActivateVersion);
    CHECK(m.stream == "users");

    CHECK(protocol_error(R"({"type":"SCHEMA","schema":{}})") == R"(SCHEMA without "stream")");
    CHECK(protocol_error(R"({"type":"RECORD","stream":"users"})") == R"(missing "record")");
}

TEST_CASE("type_name gives the protocol name of each kind") {
    CHECK(std::string(type_name(MessageType::Record)) == "RECORD");
    CHECK(std::string(type_name(MessageType::SingerRecord)) == "RECORD");
    CHECK(std::string(type_name(MessageType::ConnectionStatus)) == "CONNECTION_STATUS");
    CHECK(std::string(type_name(MessageType::SingerSchema)) == "SCHEMA");
    CHECK(std::string(type_name(MessageType::Unknown)) == "UNKNOWN");
}

TEST_CASE("an Airbyte RECORD's data members are kept, counted from the data's first byte") {
    ParsedMessage m = parse(
        R"({"type":"RECORD","record":{"data": {"id" : 7, "n\"m":"a\tb", "o":{"x":[1]}},"stream":"s","data_note":1}})");
    REQUIRE(m.has_fields);
    REQUIRE(m.fields.size() == 3);
    CHECK(m.data.substr(m.fields[0].key_offset, m.fields[0].key_size) == "id");
    CHECK(m.data.substr(m.fields[0].value_offset, m.fields[0].value_size) == "7");
    CHECK(m.data.substr(m.fields[1].key_offset, m.fields[1].key_size) == R"(n\"m)");
    CHECK(m.fields[1].flags == (CONNHOST_FIELD_KEY_ESCAPED | CONNHOST_FIELD_VALUE_ESCAPED));
    CHECK(m.data.substr(m.fields[2].value_offset, m.fields[2].value_size) == R"({"x":[1]})");
    CHECK(m.fields[2].kind == CONNHOST_FIELD_OBJECT);
}

TEST_CASE("the members are the last data object's; none for a Singer record, a non-object data or another message") {
    ParsedMessage m = parse(R"({"type":"RECORD","record":{"stream":"s","data":{"a":1,"b":2},"data":{"c":3}}})");
    REQUIRE(m.has_fields);
    REQUIRE(m.fields.size() == 1);
    CHECK(m.data.substr(m.fields[0].key_offset, m.fields[0].key_size) == "c");
    m = parse(R"({"type":"RECORD","stream":"s","record":{"data":{"a":1},"b":2}})");
    CHECK(m.type == MessageType::SingerRecord);
    CHECK(!m.has_fields);
    CHECK(!parse(R"({"type":"STATE","state":{"data":{"a":1}},"record":{"data":{"a":1}}})").has_fields);
    ParsedMessage reused;
    parse_message(R"({"type":"RECORD","record":{"stream":"s","data":{"a":1}}})", reused);
    CHECK(reused.has_fields);
    CHECK_THROWS_AS(parse_message(R"({"type":"RECORD","record":{"stream":"s","data":{"a":1},"data":[1]}})", reused),
                    RecordDataNotObject);
    CHECK(!reused.has_fields);
}
