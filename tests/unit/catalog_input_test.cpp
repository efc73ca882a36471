// protocol::normalize_catalog / catalog_stream_keys / normalize_state: what --catalog and --state become for plugins.
#include "protocol/catalog_input.hpp"
#include "protocol/json_scan.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace connhost::protocol;

namespace {

std::string error_of(std::string (*f)(std::string_view, const std::string&), const std::string& text,
                     const std::string& origin) {
    try {
        f(text, origin);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("a plain catalog becomes full_refresh + append for every stream, stream text kept") {
    const std::string plain =
        R"({"streams":[{"name":"users","json_schema":{"type":"object","properties":{"n":{"maximum":1e400}}}},)"
        R"({"name":"orders","namespace":"shop","json_schema":{}}]})";
    CHECK(
        normalize_catalog(plain, "catalog c.json") ==
        R"({"streams":[{"stream":{"name":"users","json_schema":{"type":"object","properties":{"n":{"maximum":1e400}}}},)"
        R"("sync_mode":"full_refresh","destination_sync_mode":"append"},)"
        R"({"stream":{"name":"orders","namespace":"shop","json_schema":{}},"sync_mode":"full_refresh","destination_sync_mode":"append"}]})");
}

TEST_CASE("white space around entries still gives valid JSON") {
    const std::string out = normalize_catalog("{ \"streams\" : [ {\"name\":\"a\"} ,\n {\"name\":\"b\"} ] }", "catalog");
    CHECK(is_valid_json(out));
    CHECK(catalog_stream_keys(out).size() == 2);
}

TEST_CASE("a configured catalog keeps each entry as written, unknown fields included") {
    const std::string entry =
        R"({"stream":{"name":"users","json_schema":{}},"sync_mode":"incremental","cursor_field":["updated_at"],)"
        R"("destination_sync_mode":"append_dedup","primary_key":[["id"]],"generation_id":3,"x-unknown":{"k":[1]}})";
    CHECK(normalize_catalog(R"({"streams":[)" + entry + "]}", "catalog") == R"({"streams":[)" + entry + "]}");
    CHECK(normalize_catalog(R"({"streams":[]})", "catalog") == R"({"streams":[]})");
}

TEST_CASE("bad catalogs are refused naming the file and what is wrong") {
    CHECK(error_of(normalize_catalog, R"({"stream":[]})", "catalog c.json") ==
          R"(catalog c.json: a catalog needs a "streams" array)");
    CHECK(error_of(normalize_catalog, R"([])", "catalog c.json") ==
          R"(catalog c.json: a catalog must be a JSON object with "streams")");
    CHECK(error_of(normalize_catalog, R"({"streams":[{"json_schema":{}}]})", "catalog c.json") ==
          R"(catalog c.json: streams[0] has neither "stream" (configured catalog) nor "name" (catalog))");
    const std::string syntax = error_of(normalize_catalog, "{\n\"streams\": [\n{\"name\": }]}", "catalog c.json");
    CHECK(syntax.find("catalog c.json line 3: ") == 0);
    CHECK(syntax.find("(the file must be JSON)") != std::string::npos);
}

TEST_CASE("catalog_stream_keys lists (namespace, name) of every configured stream") {
    const std::string cat = normalize_catalog(
        R"({"streams":[{"name":"users"},{"name":"orders","namespace":"shop"},{"name":"u\u0073ers","namespace":"x"}]})",
        "catalog");
    auto keys = catalog_stream_keys(cat);
    CHECK(keys.size() == 3);
    CHECK(keys.count({"", "users"}) == 1);
    CHECK(keys.count({"shop", "orders"}) == 1);
    CHECK(keys.count({"x", "users"}) == 1);
}

TEST_CASE("normalize_state: arrays kept, one message wrapped, anything else is legacy") {
    const std::string arr =
        R"([{"type":"STREAM","stream":{"stream_descriptor":{"name":"u"},"stream_state":{"c":1.10}}}])";
    CHECK(normalize_state(arr, "state") == arr);
    CHECK(normalize_state(R"({"type":"GLOBAL","global":{"shared_state":{}}})", "state") ==
          R"([{"type":"GLOBAL","global":{"shared_state":{}}}])");
    CHECK(normalize_state(R"({"type":"STREAM","stream":{}})", "state") == R"([{"type":"STREAM","stream":{}}])");
    CHECK(normalize_state(R"({"users":{"cursor":"2024-01-01"}})", "state") ==
          R"([{"type":"LEGACY","data":{"users":{"cursor":"2024-01-01"}}}])");
    CHECK(normalize_state(R"({"type":"custom"})", "state") == R"([{"type":"LEGACY","data":{"type":"custom"}}])");
    CHECK(normalize_state("", "state") == "");
    CHECK(normalize_state(" \n", "state") == "");
}

TEST_CASE("bad state files are refused naming the file") {
    CHECK(error_of(normalize_state, "42", "state s.json") ==
          "state s.json: state must be a JSON array of STATE messages or a legacy state object");
    const std::string syntax = error_of(normalize_state, "[{]", "state s.json");
    CHECK(syntax.find("state s.json line 1: ") == 0);
    CHECK(error_of(normalize_state, "{} {}", "state s.json")
              .find("state s.json line 1: unexpected text after the JSON value") == 0);
}

TEST_CASE("catalog_streams parses the modes once; an unknown mode names the stream and the value") {
    using namespace connhost::protocol;
    const auto streams = catalog_streams(
        R"({"streams":[{"stream":{"name":"a","namespace":"n"},"sync_mode":"incremental","destination_sync_mode":"append_dedup"},)"
        R"({"stream":{"name":"b"},"destination_sync_mode":"overwrite"},{"stream":{"name":"c"}}]})");
    REQUIRE(streams.size() == 3);
    CHECK(streams[0].sync_mode == SyncMode::Incremental);
    CHECK(streams[0].destination_sync_mode == DestinationSyncMode::AppendDedup);
    CHECK(streams[1].sync_mode == SyncMode::FullRefresh);
    CHECK(streams[1].destination_sync_mode == DestinationSyncMode::Overwrite);
    CHECK(streams[2].destination_sync_mode == DestinationSyncMode::Append);
    try {
        catalog_streams(
            R"({"streams":[{"stream":{"name":"a"}},{"stream":{"name":"users","namespace":"crm"},"destination_sync_mode":"upsert"}]})");
        FAIL("an unknown destination_sync_mode was accepted");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) ==
              "catalog streams[1].destination_sync_mode (stream crm.users) must be append, overwrite, append_dedup, "
              "update or "
              "soft_delete, got \"upsert\": fix the configured catalog");
    }
}
