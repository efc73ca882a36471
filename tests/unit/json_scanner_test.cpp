// protocol::JsonScanner: strict validation (UTF-8, control characters, depth) and exact value spans.
#include "protocol/json_scan.hpp"

#include <connhost/internal/out_buffer.hpp>

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using connhost::protocol::is_valid_json;
using connhost::protocol::JsonScanner;
using connhost::protocol::JsonSyntaxError;
using connhost::protocol::unescape_json_string;

namespace {

// The error the scanner raises for `text` (validated as one value), or "" when it accepts it.
std::string error_of(const std::string& text, size_t* offset = nullptr) {
    try {
        JsonScanner s(text);
        s.skip_value();
        s.expect_end();
    } catch (const JsonSyntaxError& e) {
        if (offset) *offset = e.offset();
        return e.what();
    }
    return {};
}

std::string nested(int depth) {
    return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}

}  // namespace

TEST_CASE("valid JSON of every kind is accepted") {
    for (const char* text :
         {"{}", "[]", "0", "-0", "1.5e-3", "-12E+7", "true", "false", "null", "\"\"",
          " \t\r\n{\"a\" : [1, {\"b\": null}] } ", R"({"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"})",
          "{\"k\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}"}) {
        CAPTURE(text);
        CHECK(is_valid_json(text));
    }
}

TEST_CASE("malformed JSON is refused with a message saying what was expected") {
    size_t off = 0;
    CHECK(error_of("{\"a\":1,}", &off) == "expected a string");
    CHECK(off == 7);
    CHECK(error_of("[1 2]") == "expected ',' or ']' in an array");
    CHECK(error_of("{\"a\" 1}") == "expected ':' after a member name");
    CHECK(error_of("[1,", &off) == "expected a value, found the end of the line");
    CHECK(off == 3);
    CHECK(error_of("{\"a\":1") == "unexpected end of the line inside an object or array");
    CHECK(error_of("\"open") == "unterminated string");
    CHECK(error_of("01") == "unexpected text after the JSON value");
    CHECK(error_of("1.") == "expected a digit after '.' in a number");
    CHECK(error_of("1e") == "expected a digit in a number's exponent");
    CHECK(error_of("tru") == "expected a value (string, number, object, array, true, false or null)");
    CHECK(error_of("{} {}") == "unexpected text after the JSON value");
    CHECK(error_of("\"\\x\"") == "invalid escape \\x in a string");
    CHECK(error_of("\"\\u12G4\"") == "\\u must be followed by four hex digits");
    CHECK(error_of("") == "expected a value, found the end of the line");
}

TEST_CASE("control characters inside strings must be escaped") {
    size_t off = 0;
    CHECK(error_of(std::string("{\"a\":\"x\ty\"}"), &off) ==
          "unescaped control character in a string (write it as \\u00XX)");
    CHECK(off == 7);
    CHECK(error_of(std::string("\"a\nb\"")) == "unescaped control character in a string (write it as \\u00XX)");
    CHECK(error_of(std::string("\"nul\0\"", 6)) == "unescaped control character in a string (write it as \\u00XX)");
    CHECK(is_valid_json("\"x\\ty\\u0000\""));
}

TEST_CASE("bad UTF-8 inside strings is refused") {
    CHECK(error_of("\"\xFF\"") == "invalid UTF-8 byte in a string");
    CHECK(error_of("\"\xC0\xAF\"") == "invalid UTF-8 byte in a string");              // overlong '/'
    CHECK(error_of("\"\x80\"") == "invalid UTF-8 byte in a string");                  // lone continuation byte
    CHECK(error_of("\"\xE2\x82\"") == "invalid UTF-8 sequence in a string");          // cut short before the quote
    CHECK(error_of("\"\xE0\x80\xAF\"") == "invalid UTF-8 sequence in a string");      // overlong 3-byte form
    CHECK(error_of("\"\xED\xA0\x80\"") == "invalid UTF-8 sequence in a string");      // UTF-16 surrogate encoded
    CHECK(error_of("\"\xF4\x90\x80\x80\"") == "invalid UTF-8 sequence in a string");  // past U+10FFFF
    CHECK(error_of("\"\xF0\x9F\x98") == "truncated UTF-8 sequence in a string");      // text ends mid-sequence
}

TEST_CASE("nesting is limited to kMaxDepth levels without recursion") {
    CHECK(is_valid_json(nested(JsonScanner::kMaxDepth)));
    CHECK(error_of(nested(JsonScanner::kMaxDepth + 1)) == "JSON nested deeper than 512 levels");
    // Far past the limit: refused, not a stack overflow.
    CHECK(error_of(std::string(100000, '[')) == "JSON nested deeper than 512 levels");
    std::string objects;
    for (int i = 0; i < 600; ++i) objects += "{\"a\":";
    objects += "1" + std::string(600, '}');
    CHECK(error_of(objects) == "JSON nested deeper than 512 levels");
}

TEST_CASE("a 500-digit number keeps its exact text") {
    std::string digits(500, '7');
    digits.front() = '1';
    digits.back() = '3';
    const std::string number = "-" + digits + ".000000000000000000001e+400";
    const std::string text = "{\"n\": " + number + " }";
    JsonScanner s(text);
    s.expect('{', "'{'");
    std::string key;
    s.read_string(&key);
    CHECK(key == "n");
    s.expect(':', "':'");
    CHECK(s.read_number() == number);
    s.expect('}', "'}'");
    s.expect_end();

    JsonScanner whole(text);
    CHECK(whole.skip_value() == text.substr(0, text.size()));
}

TEST_CASE("skip_value returns the exact span of each member, white space inside kept") {
    const std::string text = R"({"a": [1, 2 ,{"x":"y"}], "b" :{ "c" : 1.50 }})";
    JsonScanner s(text);
    s.expect('{', "'{'");
    std::string seen;
    s.members([&](std::string_view key) { seen += std::string(key) + "=" + std::string(s.skip_value()) + ";"; });
    s.expect_end();
    CHECK(seen == R"(a=[1, 2 ,{"x":"y"}];b={ "c" : 1.50 };)");
}

TEST_CASE("strings are unescaped to UTF-8, surrogate pairs joined, lone surrogates replaced") {
    CHECK(unescape_json_string(R"(a\"b\\c\/d\n)") == "a\"b\\c/d\n");
    CHECK(unescape_json_string(R"(\u00e9\u20ac)") == "\xC3\xA9\xE2\x82\xAC");
    CHECK(unescape_json_string(R"(\ud83d\ude00)") == "\xF0\x9F\x98\x80");
    CHECK(unescape_json_string(R"(\ud83dx)") == "\xEF\xBF\xBDx");
    CHECK(unescape_json_string(R"(\ude00)") == "\xEF\xBF\xBD");

    std::string out;
    JsonScanner s(R"("tab\there")");
    CHECK(s.read_string(&out) == R"(tab\there)");
    CHECK(out == "tab\there");
}

// Strings are scanned and encoded eight bytes at a time: a byte that needs attention must be found at every offset
// within and across those words.
TEST_CASE("a byte that needs escaping or checking is found at every position of a long string") {
    const std::string plain(40, 'a');
    for (size_t at = 0; at < plain.size(); ++at) {
        for (const char* odd : {"\x01", "\x1f", "\"", "\\", "\xc3\xa9", "\x7f"}) {
            std::string s = plain;
            s.replace(at, 1, odd);
            std::string expected = "\"";  // the byte-by-byte encoding
            for (unsigned char c : s) {
                if (c == '"' || c == '\\')
                    expected += std::string("\\") + static_cast<char>(c);
                else if (c < 0x20)
                    expected += c == 0x01 ? "\\u0001" : "\\u001f";
                else
                    expected += static_cast<char>(c);
            }
            expected += '"';
            CHECK(connhost::internal::json_string(s) == expected);
            CHECK(is_valid_json(expected));
            const bool control = static_cast<unsigned char>(odd[0]) < 0x20;
            CHECK(error_of('"' + s + '"').empty() == (!control && odd[0] != '"' && odd[0] != '\\'));
        }
        std::string bad = plain;
        bad[at] = '\xff';  // never valid UTF-8
        CHECK(error_of('"' + bad + '"').find("UTF-8") != std::string::npos);
    }
}

// plain_run tests sixteen bytes at a time with SSE2, else eight: each byte kind must stop it at every offset of a
// block and of the tail after the last whole block, in both its strict and its quote-and-backslash-only form.
TEST_CASE("a plain run stops at the first byte of its kind at every offset") {
    using connhost::internal::json_detail::plain_run;
    const unsigned char kinds[] = {0x00, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xc3, 0xff};
    for (size_t len = 1; len <= 50; ++len) {
        for (size_t at = 0; at < len; ++at) {
            for (unsigned char k : kinds) {
                std::string s(len, 'a');
                s[at] = static_cast<char>(k);
                const bool strict_stop = k < 0x20 || k >= 0x80 || k == '"' || k == '\\';
                const bool loose_stop = k == '"' || k == '\\';
                CHECK(plain_run<true>(s.data(), s.data() + len) == (strict_stop ? at : len));
                CHECK(plain_run<false>(s.data(), s.data() + len) == (loose_stop ? at : len));
            }
        }
    }
}

TEST_CASE("unescaping copies the runs between escapes and keeps a trailing lone backslash") {
    CHECK(unescape_json_string(R"(a"b\nc)") == "a\"b\nc");  // a bare quote (malformed) is kept as it is
    CHECK(unescape_json_string(R"({\"plan\": \"pro\", \"tags\": [\"a\"]})") == R"({"plan": "pro", "tags": ["a"]})");
    CHECK(unescape_json_string("plain text, no escape") == "plain text, no escape");
    CHECK(unescape_json_string(R"(ends with\)") == R"(ends with\)");
    CHECK(unescape_json_string(R"(\\)") == R"(\)");
    CHECK(unescape_json_string(R"(a\tb\\\nc)") == "a\tb\\\nc");
}

TEST_CASE("the trusted scanner finds a string's closing quote and escapes at every position") {
    for (size_t at = 0; at < 40; ++at) {
        std::string body(40, 'x');
        body.replace(at, 1, "\\\"");  // an escaped quote at `at`
        const std::string text = "[\"" + body + "\",1]";
        connhost::internal::TrustedJsonScanner s(text);
        s.expect('[', "an array");
        std::string unescaped;
        CHECK(s.read_string(&unescaped) == body);
        CHECK(unescaped.size() == 40);
        CHECK(unescaped[at] == '"');
    }
}

// Strings are escaped, scanned and unescaped a sixteen-byte block at a time, each block's escapes taken from one
// mask (JSON text in a string escapes every few bytes): random strings dense in escapes and UTF-8, at every offset
// of the blocks and tails, against the byte-by-byte rules.
TEST_CASE("dense escapes across block edges: escaping, both scans and unescaping agree with the byte-by-byte rules") {
    std::mt19937 rng(20261204);
    const std::string odd[] = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "/", "u", " "};
    auto reference = [](const std::string& s) {  // the escape of s, byte by byte
        std::string e = "\"";
        for (unsigned char c : s) {
            if (c == '"' || c == '\\')
                e += std::string("\\") + static_cast<char>(c);
            else if (c == '\n')
                e += "\\n";
            else if (c < 0x20)
                e += c == 0x01 ? "\\u0001" : "\\u001f";
            else
                e += static_cast<char>(c);
        }
        return e + "\"";
    };
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        for (size_t n = rng() % 90; n-- > 0;)
            s += rng() % 3 ? std::string(1, static_cast<char>('a' + rng() % 26)) : odd[rng() % 11];
        const std::string prefix(rng() % 4, 'p'), escaped = reference(s);
        std::string out = prefix;
        connhost::internal::append_json_string(out, s);
        REQUIRE(out == prefix + escaped);
        connhost::internal::OutBuffer buffer;  // the encoders' other output: the same bytes
        buffer.append(prefix);
        connhost::internal::append_json_string(buffer, s);
        REQUIRE(buffer.view() == out);
        buffer.truncate(prefix.size());
        connhost::internal::append_unescaped_json_string(buffer, escaped.substr(1, escaped.size() - 2));
        REQUIRE(buffer.view() == prefix + s);
        const std::string line = escaped + std::string(rng() % 20, ' ');  // the string's end anywhere in a block
        JsonScanner strict(line);
        REQUIRE(strict.read_string() == escaped.substr(1, escaped.size() - 2));
        strict.expect_end();
        connhost::internal::TrustedJsonScanner trusted(line);
        std::string unescaped;
        REQUIRE(trusted.read_string(&unescaped) == escaped.substr(1, escaped.size() - 2));
        REQUIRE(unescaped == s);
    }
}

TEST_CASE("blocks that are all escapes: the longest escaped and unescaped blocks fit the room made for them") {
    // Sixteen control bytes escape to 96 bytes, the most a block can take; sixteen \u0001 decode to 16.
    for (size_t n : {16u, 17u, 31u, 32u, 33u, 48u, 64u}) {
        const std::string s(n, '\x01');
        std::string expected = "\"";
        for (size_t i = 0; i < n; ++i) expected += "\\u0001";
        expected += "\"";
        std::string out = "p";
        connhost::internal::append_json_string(out, s);
        REQUIRE(out == "p" + expected);
        REQUIRE(unescape_json_string(expected.substr(1, expected.size() - 2)) == s);
        const std::string quotes(n, '"');
        std::string escaped;
        connhost::internal::append_json_string(escaped, quotes);
        REQUIRE(unescape_json_string(escaped.substr(1, escaped.size() - 2)) == quotes);
    }
    // One escape at every offset of a block: a two-byte one (the block's last run copied after it) and a surrogate
    // pair (12 bytes, read past the block's end).
    for (size_t k = 0; k < 40; ++k) {
        const std::string a(k, 'a'), b(20, 'b');
        REQUIRE(unescape_json_string(a + R"(\n)" + b) == a + "\n" + b);
        REQUIRE(unescape_json_string(a + R"(\ud83d\ude00)" + b) == a + "\xF0\x9F\x98\x80" + b);
    }
}

TEST_CASE("malformed escapes and bare quotes decode as the byte-by-byte decoder keeps them") {
    CHECK(unescape_json_string(std::string(30, 'a') + "\\u12") == std::string(30, 'a') + "\\u12");  // in the tail
    CHECK(unescape_json_string(std::string(14, 'a') + "\\ud83d\\ude00" + std::string(30, 'b')) ==
          std::string(14, 'a') + "\xf0\x9f\x98\x80" + std::string(30, 'b'));  // a pair across the block edge
    CHECK(unescape_json_string(std::string(15, 'a') + "\\ud800x" + std::string(30, 'b')) ==
          std::string(15, 'a') + "\xef\xbf\xbdx" + std::string(30, 'b'));  // a lone surrogate: U+FFFD
    CHECK(unescape_json_string(std::string(31, 'a') + "\\") == std::string(31, 'a') + "\\");
    CHECK(unescape_json_string(std::string(40, '"')) == std::string(40, '"'));
    CHECK(error_of('"' + std::string(15, 'a') + "\\x" + std::string(30, 'b') + '"').find("invalid escape") !=
          std::string::npos);
    CHECK(error_of('"' + std::string(13, 'a') + "\\u12G4" + std::string(30, 'b') + '"').find("four hex") !=
          std::string::npos);
}

// A string that ends in the last sixteen bytes of a text is tested as the block that ends the text, its bytes before
// the string's scan position cut from the block's mask: the quotes, escapes and control bytes there (the name, the
// previous members, the string's own start) must not stop it, and its own bytes must.
TEST_CASE("a string ending in the text's last block: bytes before the scan position do not count") {
    const std::string tails[] = {"", "x", "\\\"", "a\\nb", "\xc3\xa9", "\\u00e9z", "0123456789abcdef0"};
    for (size_t pad = 0; pad < 24; ++pad) {
        for (const std::string& tail : tails) {
            const std::string value = std::string(pad % 5, 'v') + tail;
            const std::string text = "{\"" + std::string(pad, 'k') + "\":\"q\\\\\\\"\",\"z\":\"" + value + "\"}";
            std::vector<std::string> values;
            JsonScanner s(text);
            s.object_members([&](std::string_view, bool, char, std::string_view v, bool) { values.emplace_back(v); });
            s.expect_end();
            REQUIRE(values.size() == 2);
            CHECK(values[0] == "q\\\\\\\"");
            CHECK(values[1] == value);
            for (size_t at = 0; at < value.size(); ++at) {  // a control byte anywhere in the last string is refused
                std::string bad = text;
                bad[text.size() - 2 - value.size() + at] = '\x01';
                CHECK_FALSE(error_of(bad).empty());  // (in an escape or a UTF-8 sequence it is refused as their part)
            }
            CHECK(error_of(text.substr(0, text.size() - 2)).find("unterminated") != std::string::npos);
        }
    }
}
