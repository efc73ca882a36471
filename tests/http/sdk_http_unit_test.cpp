// Units of the SDK's HTTP helpers whose logic stands alone: exact JSON slicing, URLs and masking,
// Link headers, Retry-After, and the paginators' stop rules.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <connhost/sdk/http_pagination.hpp>
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/url.hpp>

using namespace connhost::sdk;

TEST_CASE("json_find returns the exact text at a pointer") {
    std::string doc =
        R"({"a~b": 1, "x/y": [10, {"big": 123456789012345678901234567890.50e-3}], "s": "t\"q", "d": {"e": null}})";
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
    const char* h =
        R"(<https://api.x/i?page=1>; rel="first", <https://api.x/i?page=3&a=b,c>; rel="prev next", </i?page=9>; rel=last)";
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

TEST_CASE("url_with_params replaces same-named parameters instead of sending them twice") {
    CHECK(url_with_params("http://h/p?page=1&x=1&page=3#f", {{"page", "2"}}) == "http://h/p?x=1&page=2#f");
    CHECK(url_with_params("http://h/p?a%20b=1&c=2", {{"a b", "3"}}) == "http://h/p?c=2&a%20b=3");
    CHECK(url_with_params("http://h/p?ids=1", {{"ids", "2"}, {"ids", "3"}}) == "http://h/p?ids=2&ids=3");
    CHECK(url_with_params("http://h/p?", {{"a", "1"}}) == "http://h/p?a=1");
    PageRequest req{{{"page", "2"}, {"per_page", "5"}}, {}};
    CHECK(page_request_url("http://h/p?per_page=2&page=1&q=x", req) == "http://h/p?q=x&page=2&per_page=5");
    req.url = "http://h/next?page=3";
    CHECK(page_request_url("http://h/p?page=1", req) == "http://h/next?page=3");
}

TEST_CASE("body stop signals end every paginator's walk") {
    HttpResponse r;
    PageNumberPaginator pn("page", 1, "per_page", 2);
    pn.set_stop_signals({"/has_more", ""});
    pn.first();
    r.body = R"({"has_more": true})";
    CHECK(pn.next({r, 2}));
    r.body = R"({"has_more": false})";
    CHECK(!pn.next({r, 2}));
    CHECK(pn.take_warnings().empty());

    OffsetLimitPaginator ol("offset", "limit", 3);
    ol.set_stop_signals({"", "/total"});
    ol.first();
    r.body = R"({"total": "6"})";
    CHECK(ol.next({r, 3}));
    r.body = R"({})";  // a total given once holds for the later pages
    CHECK(!ol.next({r, 3}));
    r.body = R"({"total": -1})";
    CHECK_THROWS_AS(ol.next({r, 3}), ConfigError);

    LinkHeaderPaginator lh;
    lh.set_stop_signals({"/next", ""});
    lh.first();
    r.body = R"({"next": null})";
    r.headers = {{"Link", "</x?page=2>; rel=\"next\""}};
    CHECK(!lh.next({r, 5}));
}

TEST_CASE("a configured signal missing from the first response is warned about, once") {
    HttpResponse r;
    r.body = "{}";
    LinkHeaderPaginator lh;
    lh.first();
    CHECK(!lh.next({r, 5}));
    auto w = lh.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("no Link header") != std::string::npos);
    CHECK(lh.take_warnings().empty());

    PageNumberPaginator pn;
    pn.set_stop_signals({"", "/total"});
    pn.first();
    CHECK(pn.next({r, 5}));
    CHECK(pn.take_warnings().size() == 1);
    CHECK(pn.next({r, 5}));
    CHECK(pn.take_warnings().empty());

    CursorPaginator cp("/next");
    cp.first();
    CHECK(!cp.next({r, 5}));
    CHECK(cp.take_warnings().size() == 1);
    r.body = R"({"next": null})";
    cp.first();
    CHECK(!cp.next({r, 5}));
    CHECK(cp.take_warnings().empty());
}

TEST_CASE("RepeatedPageCheck tells a page that repeats the previous one") {
    RepeatedPageCheck c;
    CHECK(!c.repeats({"{\"id\":1}", "{\"id\":2}"}));
    CHECK(!c.repeats({"{\"id\":3}"}));
    CHECK(c.repeats({"{\"id\":3}"}));
    CHECK(!c.repeats({"{\"id\":3}", "{\"id\":3}"}));
    CHECK(!c.repeats({}));
    CHECK(!c.repeats({}));
}

TEST_CASE("config keys: unknown ones are errors naming the path and the nearest known key") {
    CHECK(edit_distance("paginatr", "paginator") == 1);
    CHECK(edit_distance("PAGE", "page") == 0);
    auto msg = [](const char* text, const char* where) {
        try {
            make_paginator(parse_object(text, "t"), where);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(msg(R"({"type": "cursor", "token_pointer": "/n", "has_more_pointr": "/m"})", "config.streams[0].paginator") ==
          "config.streams[0].paginator.has_more_pointr: unknown key for paginator type cursor; did you mean "
          "\"has_more_pointer\"?");
    CHECK(msg(R"({"type": "none", "page_size": 5})", "p") ==
          "p.page_size: unknown key for paginator type none; the known keys are: type");
    CHECK(msg(R"({"type": "offset_limit", "total_pointer": "x"})", "p").find("p.total_pointer: ") == 0);
    CHECK(msg(R"({"type": "link_header", "has_more_pointer": "/more", "total_pointer": "/total"})", "p").empty());
}
