// protocol::record_object_problem and read_record_fields: a record's data checked as one JSON object, its top-level
// members collected on the way as the plugin ABI's connhost_field (extension "connhost.record_fields/1").
#include "protocol/record_fields.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using connhost::protocol::record_object_problem;

namespace {

std::string_view key_of(std::string_view text, const connhost_field& f) {
    return text.substr(f.key_offset, f.key_size);
}
std::string_view value_of(std::string_view text, const connhost_field& f) {
    return text.substr(f.value_offset, f.value_size);
}

}  // namespace

TEST_CASE("every member's name, value, kind and escapes, offsets counted from the record's first byte") {
    const std::string text =
        R"(  { "id" : 1, "na\"me":"x\ny", "o":{"a":[1,"}"]}, "arr":[], "t":true, "f":false, "z":null, "s":"plain" } )";
    std::vector<connhost_field> out;
    bool has = false;
    REQUIRE(record_object_problem(text, out, has) == "");
    REQUIRE(has);
    REQUIRE(out.size() == 8);
    CHECK(key_of(text, out[0]) == "id");
    CHECK(value_of(text, out[0]) == "1");
    CHECK(out[0].kind == CONNHOST_FIELD_NUMBER);
    CHECK(out[0].flags == 0);
    CHECK(key_of(text, out[1]) == R"(na\"me)");
    CHECK(value_of(text, out[1]) == R"(x\ny)");
    CHECK(out[1].kind == CONNHOST_FIELD_STRING);
    CHECK(out[1].flags == (CONNHOST_FIELD_KEY_ESCAPED | CONNHOST_FIELD_VALUE_ESCAPED));
    CHECK(value_of(text, out[2]) == R"({"a":[1,"}"]})");
    CHECK(out[2].kind == CONNHOST_FIELD_OBJECT);
    CHECK(value_of(text, out[3]) == "[]");
    CHECK(out[3].kind == CONNHOST_FIELD_ARRAY);
    CHECK(out[4].kind == CONNHOST_FIELD_TRUE);
    CHECK(out[5].kind == CONNHOST_FIELD_FALSE);
    CHECK(out[6].kind == CONNHOST_FIELD_NULL);
    CHECK(value_of(text, out[6]) == "null");
    CHECK(value_of(text, out[7]) == "plain");
    CHECK(out[7].flags == 0);
    CHECK(out[7].reserved0 == 0);
}

TEST_CASE("members are appended in input order, duplicates kept; an empty object adds none") {
    std::vector<connhost_field> out;
    bool has = false;
    REQUIRE(record_object_problem(R"({"a":1,"a":"two"})", out, has) == "");
    REQUIRE(out.size() == 2);
    CHECK(out[1].kind == CONNHOST_FIELD_STRING);
    REQUIRE(record_object_problem("{}", out, has) == "");
    CHECK(has);
    CHECK(out.size() == 2);
    REQUIRE(record_object_problem(R"({"b":[true]})", out, has) == "");
    REQUIRE(out.size() == 3);
    CHECK(out[2].key_offset == 2);
    CHECK(out[2].value_offset == 5);
}

TEST_CASE("a text that is no object says why as the host always did, and adds no member") {
    std::vector<connhost_field> out(1);
    bool has = true;
    CHECK(record_object_problem("[1,2]", out, has) == "not a JSON object");
    CHECK(!has);
    CHECK(record_object_problem(R"("s")", out, has) == "not a JSON object");
    CHECK(record_object_problem(R"({"a":1)", out, has) ==
          "unexpected end of the line inside an object or array at byte 6");
    CHECK(record_object_problem(R"({"a":1,})", out, has) == "expected a string at byte 7");
    CHECK(record_object_problem(R"({"a":1 "b":2})", out, has) == "expected ',' or '}' in an object at byte 7");
    CHECK(record_object_problem(R"({"a":1,"b":2} x)", out, has) == "unexpected text after the JSON value at byte 14");
    CHECK(record_object_problem("{\"a\":\"\x01\"}", out, has) ==
          "unescaped control character in a string (write it as \\u00XX) at byte 6");
    CHECK(record_object_problem("{\"\xff\":1}", out, has) == "invalid UTF-8 byte in a string at byte 2");
    CHECK(record_object_problem("", out, has) == "expected a value, found the end of the line at byte 0");
    CHECK(!has);
    CHECK(out.size() == 1);  // what the caller had stays
}

TEST_CASE("a record of many members keeps every one in order, and a flaw after them adds none") {
    std::string text = "{";
    for (int i = 0; i < 100; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i * 7);
    text += "}";
    std::vector<connhost_field> out(3);  // members of earlier records stay before this one's
    bool has = false;
    REQUIRE(record_object_problem(text, out, has) == "");
    REQUIRE(out.size() == 103);
    for (int i = 0; i < 100; ++i) {
        CHECK(key_of(text, out[3 + i]) == "k" + std::to_string(i));
        CHECK(value_of(text, out[3 + i]) == std::to_string(i * 7));
    }
    text.back() = ',';  // {"k0":0,...,"k99":693, : broken after 100 members
    CHECK(record_object_problem(text, out, has) != "");
    CHECK(!has);
    CHECK(out.size() == 103);
}
