// connhost/sdk/record_fields.hpp: parse_json_integer (with its copy-free fast path), append_decimal, and record_fields
// with and without the members the host gives (input.hpp).
#include <connhost/sdk/record_fields.hpp>
#include <connhost/sdk/input.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using connhost::sdk::append_decimal;
using connhost::sdk::IntegerText;
using connhost::sdk::parse_json_integer;

namespace {

// What parse_json_integer makes of `text`: the value's decimal text, "not integer" or "too large".
std::string integer_of(const std::string& text) {
    int64_t v = 0;
    switch (parse_json_integer(text, v)) {
        case IntegerText::Ok: {
            std::string out;
            append_decimal(out, v);
            return out;
        }
        case IntegerText::TooLarge: return "too large";
        default: return "not integer";
    }
}

}  // namespace

TEST_CASE("plain digits and every other integral spelling give the same int64") {
    CHECK(integer_of("0") == "0");
    CHECK(integer_of("-0") == "0");
    CHECK(integer_of("42") == "42");
    CHECK(integer_of("-42") == "-42");
    CHECK(integer_of("007") == "7");
    CHECK(integer_of("999999999999999999") == "999999999999999999");  // 18 digits: the fast path's longest
    CHECK(integer_of("-999999999999999999") == "-999999999999999999");
    CHECK(integer_of("9223372036854775807") == "9223372036854775807");  // 19 digits: the general path
    CHECK(integer_of("-9223372036854775808") == "-9223372036854775808");
    CHECK(integer_of("9223372036854775808") == "too large");
    CHECK(integer_of("1.0") == "1");
    CHECK(integer_of("1e2") == "100");
    CHECK(integer_of("12.30e1") == "123");
    CHECK(integer_of("1.5") == "not integer");
    CHECK(integer_of("-") == "not integer");
    CHECK(integer_of("") == "not integer");
    CHECK(integer_of("1-") == "not integer");
    CHECK(integer_of("12a") == "not integer");
}

TEST_CASE("append_decimal writes the extremes of each integer type") {
    std::string out;
    append_decimal(out, std::numeric_limits<int64_t>::min());
    out += ' ';
    append_decimal(out, std::numeric_limits<uint64_t>::max());
    CHECK(out == "-9223372036854775808 18446744073709551615");
}

namespace {

connhost_field host_member(uint32_t key_offset, uint32_t key_size, uint32_t value_offset, uint32_t value_size,
                           connhost_field_kind kind, uint8_t flags = 0) {
    connhost_field f{};
    f.key_offset = key_offset, f.key_size = key_size, f.value_offset = value_offset, f.value_size = value_size;
    f.kind = kind, f.flags = flags;
    return f;
}

}  // namespace

TEST_CASE("record_fields takes the host's members as they are, without scanning the record") {
    using namespace connhost::sdk;
    // Deliberately not what a scan finds (the second member's name is cut short): the members come from the host.
    const std::string json = R"({"id":1,"n\"m":"x"})";
    const connhost_field given[] = {host_member(2, 2, 6, 1, CONNHOST_FIELD_NUMBER),
                                    host_member(9, 3, 16, 1, CONNHOST_FIELD_STRING, CONNHOST_FIELD_KEY_ESCAPED)};
    RecordView rec{json, 0, {}, given, 2};
    std::vector<Field> out;
    record_fields(rec, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].key == "id");
    CHECK(out[0].kind == FieldKind::Number);
    CHECK(out[0].value == "1");
    CHECK(out[1].key == "n\\\"");
    CHECK(out[1].key_escaped);
    CHECK(!out[1].value_escaped);
    CHECK(out[1].kind == FieldKind::String);
    CHECK(out[1].value == "x");
}

TEST_CASE("record_fields scans the record when the host gave no members, or members outside it") {
    using namespace connhost::sdk;
    const std::string json = R"({"id":1,"s":"x"})";
    std::vector<Field> out;
    record_fields(RecordView{json, 0, {}, nullptr, 0}, out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].value == "x");
    const connhost_field past_end[] = {host_member(2, 2, 6, 40, CONNHOST_FIELD_NUMBER)};
    record_fields(RecordView{json, 0, {}, past_end, 1}, out);
    CHECK(out.size() == 2);
    const connhost_field bad_kind[] = {host_member(2, 2, 6, 1, 0)};
    record_fields(RecordView{json, 0, {}, bad_kind, 1}, out);
    CHECK(out.size() == 2);
}

TEST_CASE("a BatchView hands each record its own members") {
    using namespace connhost::sdk;
    const std::string data = R"({"a":1}{}{"b":2,"c":3})";
    const uint64_t offsets[] = {0, 7, 9, 22};
    const connhost_field fields[] = {host_member(2, 1, 5, 1, CONNHOST_FIELD_NUMBER),
                                     host_member(2, 1, 5, 1, CONNHOST_FIELD_NUMBER),
                                     host_member(8, 1, 11, 1, CONNHOST_FIELD_NUMBER)};
    const uint64_t field_offsets[] = {0, 1, 1, 3};
    connhost_record_batch b{};
    b.struct_size = sizeof b;
    b.record_count = 3;
    b.stream = "s";
    b.stream_size = 1;
    b.data = data.data();
    b.data_size = data.size();
    b.offsets = offsets;
    const BatchView with(&b, fields, field_offsets), without(&b);
    CHECK(with[0].field_count == 1);
    CHECK(with[1].field_count == 0);
    CHECK(with[1].fields != nullptr);
    CHECK(with[2].field_count == 2);
    CHECK(with[2].fields == fields + 1);
    CHECK(without[2].fields == nullptr);
    std::vector<Field> out;
    record_fields(with[2], out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].key == "c");
}
