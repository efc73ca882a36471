// connhost/sdk/record_fields.hpp: parse_json_integer (with its copy-free fast path) and append_decimal.
#include <connhost/sdk/record_fields.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

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
