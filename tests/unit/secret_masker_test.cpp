// logging::SecretMasker and collect_secrets: config values the spec marks airbyte_secret never reach a log line.
#include "logging/secret_masker.hpp"

#include <boost/json.hpp>

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

using connhost::logging::collect_secrets;
using connhost::logging::SecretMasker;

TEST_CASE("every occurrence of every secret is masked; the longest secret first") {
    SecretMasker m;
    CHECK(m.empty());
    m.add("hunter2");
    m.add("hunter2-extended");
    m.add("x");  // too short to mask: it would blank every 'x'
    m.add("");
    CHECK_FALSE(m.empty());
    CHECK(m.mask("pw=hunter2-extended, again hunter2, hunter2") == "pw=**********, again **********, **********");
    CHECK(m.mask("xxx no secret here") == "xxx no secret here");
    CHECK(m.mask("") == "");
}

TEST_CASE("a secret is masked as written and as it stands escaped inside a JSON string") {
    SecretMasker m;
    m.add("pa\"ss\\word");
    CHECK(m.mask("raw pa\"ss\\word") == "raw **********");
    CHECK(m.mask(R"({"message":"rejected pa\"ss\\word"})") == R"({"message":"rejected **********"})");
}

TEST_CASE("a mask that contains part of a secret does not loop") {
    SecretMasker m;
    m.add("**");
    CHECK(m.mask("a**b") == "a**********b");
}

TEST_CASE("collect_secrets walks properties, nested objects, arrays and oneOf") {
    const std::string spec = R"({"connectionSpecification":{"type":"object","properties":{
        "host":{"type":"string"},
        "password":{"type":"string","airbyte_secret":true},
        "port":{"type":"integer","airbyte_secret":false},
        "pin":{"type":"integer","airbyte_secret":true},
        "tunnel":{"type":"object","properties":{"ssh_key":{"type":"string","airbyte_secret":true}}},
        "tokens":{"type":"array","items":{"type":"string","airbyte_secret":true}},
        "auth":{"oneOf":[{"properties":{"api_key":{"airbyte_secret":true}}},{"properties":{"client_secret":{"airbyte_secret":true}}}]}
    }}})";
    const std::string config = R"({"host":"db.example","password":"p4ssw0rd","port":5432,"pin":98765,
        "tunnel":{"ssh_key":"-----BEGIN KEY-----"},"tokens":["tok-one","tok-two"],"auth":{"client_secret":"cs-123"}})";
    SecretMasker m;
    collect_secrets(spec, config, m);
    const std::string line = "db.example 5432 p4ssw0rd 98765 -----BEGIN KEY----- tok-one tok-two cs-123";
    CHECK(m.mask(line) == "db.example 5432 ********** ********** ********** ********** ********** **********");
}

TEST_CASE("malformed spec or config adds nothing") {
    SecretMasker m;
    collect_secrets("not json", R"({"password":"p4ssw0rd"})", m);
    collect_secrets(R"({"connectionSpecification":{"properties":{"password":{"airbyte_secret":true}}}})", "{broken", m);
    collect_secrets(R"([1])", R"({"password":"p4ssw0rd"})", m);
    CHECK(m.empty());
}

TEST_CASE("masking is safe while secrets are added from another thread") {
    SecretMasker m;
    m.add("s3cr3t");
    std::thread adder([&] {
        for (int i = 0; i < 2000; ++i) m.add("extra-" + std::to_string(i));
    });
    bool always_masked = true;
    for (int i = 0; i < 2000; ++i) always_masked = always_masked && m.mask("say s3cr3t") == "say **********";
    adder.join();
    CHECK(always_masked);
    CHECK(m.mask("extra-1999") == "**********");
}

// ---- spellings: what encoders make of a secret that a server echoes back ------------------------------------------

namespace {

bool valid_json(std::string_view text) {
    boost::system::error_code ec;
    boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
    return !ec;
}

}  // namespace

TEST_CASE(
    "an api key with reserved characters is masked percent-encoded, in upper and lower hex and as a form writes it") {
    SecretMasker m;
    m.add("Kq+/Zm9v==Xyz 77");
    CHECK(m.mask("GET /items?api_key=Kq%2B%2FZm9v%3D%3DXyz%2077 HTTP/1.1") == "GET /items?api_key=********** HTTP/1.1");
    CHECK(m.mask("api_key=Kq%2b%2fZm9v%3d%3dXyz%2077&x=1") == "api_key=**********&x=1");
    CHECK(m.mask("api_key=Kq%2B%2FZm9v%3D%3DXyz+77") == "api_key=**********");
}

TEST_CASE("a secret is masked in base64 and base64url, with and without padding") {
    SecretMasker m;
    m.add("Pw?>Zm9v==:ab_99~");  // '?>' and '~' make '/' and '+' in base64, '_' and '-' in base64url
    for (std::string encoded : {"UHc/PlptOXY9PTphYl85OX4=", "UHc/PlptOXY9PTphYl85OX4",
                                "UHc_PlptOXY9PTphYl85OX4=", "UHc_PlptOXY9PTphYl85OX4"}) {
        CAPTURE(encoded);
        CHECK(m.mask("token " + encoded + " end") == "token ********** end");
    }
}

TEST_CASE("a password is masked inside the base64 of user:password (a basic Authorization header), whatever the user") {
    SecretMasker m;
    m.add("Pw+/Zm9v==:ab_99");
    // base64 of user ":" password for users that put the password at each of the three byte alignments
    const std::vector<std::pair<std::string, std::string>> basic = {
        {"ab", "YWI6UHcrL1ptOXY9PTphYl85OQ=="},
        {"echo-user", "ZWNoby11c2VyOlB3Ky9abTl2PT06YWJfOTk="},
        {"u", "dTpQdysvWm05dj09OmFiXzk5"},
        {"longer-user-name", "bG9uZ2VyLXVzZXItbmFtZTpQdysvWm05dj09OmFiXzk5"}};
    for (const auto& [user, encoded] : basic) {
        CAPTURE(user);
        const std::string masked = m.mask("Authorization: Basic " + encoded);
        const size_t at = masked.find(SecretMasker::kMask);
        REQUIRE(at != std::string::npos);
        // Before the mask: the characters carrying bits of user ":" only; after it: one mixed character and padding at
        // most.
        CHECK(at <= std::string("Authorization: Basic ").size() + (8 * (user.size() + 1) + 5) / 6);
        CHECK(masked.size() - at - SecretMasker::kMask.size() <= 3);
    }
}

TEST_CASE("short secrets get no base64 fragments that would mask chance text") {
    SecretMasker m;
    m.add("ab");
    CHECK(m.mask("YWJj and YWI= and ab") == "YWJj and ********** and **********");
}

// ---- URL user-info
// ---------------------------------------------------------------------------------------------------

TEST_CASE("the user-info of any URL is masked in texts and messages, not in data") {
    SecretMasker m;
    CHECK(m.mask("GET http://user:pw@host:8080/x?y=1 failed") == "GET http://**********@host:8080/x?y=1 failed");
    CHECK(m.mask("see https://tok@example.com and ftp://a:b@c/d") ==
          "see https://**********@example.com and ftp://**********@c/d");
    CHECK(m.mask("no user-info: http://host/a@b and mailto:x@y") == "no user-info: http://host/a@b and mailto:x@y");
    CHECK(m.mask_json(R"({"url":"http:\/\/u:p@h\/x"})") == R"({"url":"http:\/\/**********@h\/x"})");
    m.add("unrelated");
    std::string out = "untouched";
    CHECK_FALSE(m.mask_data(R"({"url":"http://u:p@h/x"})", out));
    CHECK(out == "untouched");
}

TEST_CASE(
    "URL credentials are registered: the password and user:password, as written and decoded, also as basic auth") {
    SecretMasker m;
    m.add_url_credentials("http://url-user:p%40ss%2B%2FZm9v@127.0.0.1:99/api and http://git@github.com/x");
    const std::string basic = "dXJsLXVzZXI6cEBzcysvWm05dg==";  // base64 of url-user:p@ss+/Zm9v
    CHECK(m.mask("Authorization: Basic " + basic) == "Authorization: Basic **********");
    CHECK(m.mask("pw p@ss+/Zm9v and p%40ss%2B%2FZm9v") == "pw ********** and **********");
    std::string out;
    CHECK(m.mask_data(R"({"h":"Basic )" + basic + R"("})", out));
    CHECK(out == R"({"h":"Basic **********"})");
    CHECK(m.mask("git is no secret") == "git is no secret");
}

TEST_CASE("collect_secrets registers the credentials of URLs in any config string") {
    SecretMasker m;
    collect_secrets(R"({"connectionSpecification":{"properties":{"base_url":{"type":"string"}}}})",
                    R"({"base_url":"https://me:s3cret-pw@api.example/v1","streams":[{"path":"http://a:other-pw@b/"}]})",
                    m);
    CHECK(m.mask("s3cret-pw other-pw") == "********** **********");
}

// ---- JSON texts stay valid
// ---------------------------------------------------------------------------------------------

TEST_CASE("masking a JSON text never breaks an escape sequence") {
    SecretMasker m;
    m.add("nabcdef");  // stands right after a backslash: "\nabcdef"
    m.add("00e9xyz");  // starts inside a \u escape
    m.add("tail\\");   // ends with a backslash: its raw spelling cannot stand in JSON
    m.add("x\\\\yz");  // starts with an escaped backslash
    const std::string json = R"({"a":"line\nabcdef","b":"caf\u00e9xyz","c":"tail\\","d":"x\\\\yz","e":"\\\\x\\\\yzw"})";
    const std::string masked = m.mask_json(json);
    CHECK(valid_json(masked));
    CHECK(masked.find("abcdef") == std::string::npos);
    CHECK(masked.find("e9xyz") == std::string::npos);
    std::string data;
    REQUIRE(m.mask_data(json, data));
    CHECK(valid_json(data));
    CHECK(data == masked);
}

TEST_CASE("a quote in a secret: its raw spelling is searched in texts, only its escaped spelling in JSON") {
    SecretMasker m;
    m.add(R"(to"ken)");
    CHECK(m.mask(R"(raw to"ken)") == "raw **********");
    CHECK(m.mask_json(R"({"a":"to\"ken","b":"to"})") == R"({"a":"**********","b":"to"})");
    CHECK(m.mask_json(R"({"a":"to","b":"ken"})") == R"({"a":"to","b":"ken"})");
}

TEST_CASE("mask_data reports whether anything was masked and leaves the output alone otherwise") {
    SecretMasker m;
    m.add("s3cr3t-value");
    std::string out = "before";
    CHECK_FALSE(m.occurs_in_data(R"({"id":1,"name":"plain"})"));
    CHECK_FALSE(m.mask_data(R"({"id":1,"name":"plain"})", out));
    CHECK(out == "before");
    CHECK(m.occurs_in_data(R"({"echo":"Bearer s3cr3t-value"})"));
    CHECK(m.mask_data(R"({"echo":"Bearer s3cr3t-value"})", out));
    CHECK(out == R"({"echo":"Bearer **********"})");
}

TEST_CASE("many secrets: every one is found in one pass, overlapping finds become one mask") {
    SecretMasker m;
    std::string text, expected;
    for (int i = 0; i < 300; ++i) {
        const std::string s = "secret-" + std::to_string(i * 7919) + "-x";
        m.add(s);
        text += "<" + s + ">";
        expected += "<**********>";
    }
    CHECK(m.mask(text) == expected);
    m.add("cret-0-x<sec");  // overlaps the first two
    CHECK(m.mask("<secret-0-x<secret-7919-x>").compare("<**********>") == 0);
}
