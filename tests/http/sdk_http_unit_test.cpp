// Units of the SDK's HTTP helpers whose logic stands alone: exact JSON slicing, URLs and masking,
// Link headers, Retry-After, and the paginators' stop rules.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <connhost/sdk/http_pagination.hpp>
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/url.hpp>

#include <boost/json/src.hpp>

using namespace connhost::sdk;

TEST_CASE("json_find returns the exact text at a pointer") {
    std::string doc = R"({"a~b": 1, "x/y": [10, {"big": 123456789012345678901234567890.50e-3}], "s": "t\"q", "d": {"e": null}})";
    CHECK(*json_find(doc, "/x~1y/1/big") == "123456789012345678901234567890.50e-3");
    CHECK(*json_find(doc, "/a~0b") == "1");
    CHECK(*json_find(doc, "/s") == R"("t\"q")");
    CHECK(*json_find(doc, "/d/e") == "null");
    CHECK(!json_find(doc, "/nope"));
    CHECK(!json_find(doc, "/x~1y/7"));
    CHECK(*json_find(doc, "") == doc);
    CHECK(json_scalar_text(*json_find(doc, "/s")) == "t\"q");
}

TEST_CASE("json_array_elements slices elements byte for byte") {
    auto e = json_array_elements("[ {\"n\": 1.0e2}, {\"s\": \"a,]b\"} ,{}]");
    REQUIRE(e.size() == 3);
    CHECK(e[0] == "{\"n\": 1.0e2}");
    CHECK(e[1] == "{\"s\": \"a,]b\"}");
    CHECK(e[2] == "{}");
    CHECK(json_array_elements("[]").empty());
    CHECK_THROWS_AS(json_array_elements("[{\"a\": 1}, {\"b\""), std::invalid_argument);
}

TEST_CASE("append_json_compact drops whitespace outside strings only") {
    std::string out;
    append_json_compact(out, "{\n  \"a b\" : [1 ,\t2.50],\n \"c\": \"x \\\" y\"\n}");
    CHECK(out == "{\"a b\":[1,2.50],\"c\":\"x \\\" y\"}");
}

TEST_CASE("json_unescape joins surrogate pairs") {
    CHECK(json_unescape("\\u00e9\\ud83d\\ude00\\n") == "\xc3\xa9\xf0\x9f\x98\x80\n");
}

TEST_CASE("URLs: params, join, resolve, origin") {
    CHECK(url_with_params("http://h/p?x=1", {{"a b", "c&d"}}) == "http://h/p?x=1&a%20b=c%26d");
    CHECK(url_join("http://h/api/", "/items") == "http://h/api/items");
    CHECK(url_join("http://h/api", "items") == "http://h/api/items");
    CHECK(url_resolve("http://h:8/a/b?q=1", "/c?d=2") == "http://h:8/c?d=2");
    CHECK(url_resolve("http://h:8/a/b?q=1", "?page=2") == "http://h:8/a/b?page=2");
    CHECK(url_resolve("http://h:8/a/b", "c") == "http://h:8/a/c");
    CHECK(url_resolve("http://h:8/a/b", "https://o/x") == "https://o/x");
    CHECK(url_origin("HTTP://User:pw@Host:8/x") == "http://host:8");
}

TEST_CASE("mask_url hides user-info, secret params and secret strings") {
    std::string m = mask_url("http://bob:pw@h/p?api_key=k3y&page=2&token=abc", {"api_key", "token"}, {"k3y"});
    CHECK(m == "http://***@h/p?api_key=***&page=2&token=***");
    CHECK(mask_secrets("a s3cr3t b s3cr3t", {"s3cr3t"}) == "a *** b ***");
    CHECK(mask_url("http://h/p?q=a%2Fb", {}, {"a/b"}) == "http://h/p?q=***");
}

TEST_CASE("base64") {
    CHECK(base64_encode("alice:s3cret") == "YWxpY2U6czNjcmV0");
    CHECK(base64_encode("a") == "YQ==");
    CHECK(base64_encode("ab") == "YWI=");
}

TEST_CASE("link_header_target finds rel=next in any position and form") {
    const char* h = R"(<https://api.x/i?page=1>; rel="first", <https://api.x/i?page=3&a=b,c>; rel="prev next", </i?page=9>; rel=last)";
    CHECK(link_header_target(h, "next", "https://api.x/i?page=2") == "https://api.x/i?page=3&a=b,c");
    CHECK(link_header_target(h, "last", "https://api.x/i?page=2") == "https://api.x/i?page=9");
    CHECK(link_header_target("<https://a/b>; rel=\"prev\"", "next", "https://a/").empty());
    CHECK(link_header_target("<https://a/b>; foo=\"rel=next\"", "next", "https://a/").empty());
}

TEST_CASE("Retry-After: delta seconds and HTTP date") {
    CHECK(*detail::parse_retry_after(" 7 ") == 7.0);
    CHECK(*detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT") == 0.0);  // in the past: no wait
    CHECK(!detail::parse_retry_after("soon"));
}

TEST_CASE("paginators stop where they should") {
    HttpResponse r;
    PageNumberPaginator pn("page", 1, "per_page", 2);
    CHECK(pn.first().params == QueryParams{{"page", "1"}, {"per_page", "2"}});
    CHECK(pn.next({r, 2})->params[0].second == "2");
    CHECK(!pn.next({r, 1}));

    OffsetLimitPaginator ol("offset", "limit", 3);
    CHECK(ol.next({r, 3})->params[0].second == "3");
    CHECK(!ol.next({r, 2}));

    CursorPaginator cp("/meta/next", "cursor");
    r.body = R"({"meta": {"next": "abc"}})";
    CHECK(cp.next({r, 5})->params == QueryParams{{"cursor", "abc"}});
    r.body = R"({"meta": {"next": null}})";
    CHECK(!cp.next({r, 5}));
    r.url = "http://h/x";
    r.body = R"({"meta": {"next": "http://h/x?after=9"}})";
    CHECK(cp.next({r, 5})->url == "http://h/x?after=9");

    LinkHeaderPaginator lh;
    r.headers = {{"link", "</x?page=2>; rel=\"next\""}};
    CHECK(lh.next({r, 5})->url == "http://h/x?page=2");
    r.headers.clear();
    CHECK(!lh.next({r, 5}));
}
