// logging::SecretMasker and collect_secrets: config values the spec marks airbyte_secret never reach a log line.
#include "logging/secret_masker.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
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
