// ConfiguredCatalog::parse (connhost/sdk/catalog.hpp): sync modes become enums when the catalog is parsed.
#include <connhost/sdk/catalog.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace connhost::sdk;

namespace {
std::string error_of(const std::string& text) {
    try {
        ConfiguredCatalog::parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("sync modes are parsed into enums; absent or null modes keep Airbyte's defaults") {
    const auto cat = ConfiguredCatalog::parse(R"({"streams":[
      {"stream":{"name":"a"},"sync_mode":"incremental","destination_sync_mode":"append_dedup","primary_key":[["id"]]},
      {"stream":{"name":"b"},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"},
      {"stream":{"name":"c"}},
      {"stream":{"name":"d"},"sync_mode":null,"destination_sync_mode":null}]})");
    REQUIRE(cat.streams().size() == 4);
    CHECK(cat.streams()[0].sync_mode == SyncMode::Incremental);
    CHECK(cat.streams()[0].incremental());
    CHECK(cat.streams()[0].destination_sync_mode == DestinationSyncMode::AppendDedup);
    CHECK(cat.streams()[1].destination_sync_mode == DestinationSyncMode::Overwrite);
    for (size_t i : {2u, 3u}) {
        CHECK(cat.streams()[i].sync_mode == SyncMode::FullRefresh);
        CHECK(cat.streams()[i].destination_sync_mode == DestinationSyncMode::Append);
    }
    CHECK(std::string(to_string(DestinationSyncMode::AppendDedup)) == "append_dedup");
    CHECK(std::string(to_string(SyncMode::Incremental)) == "incremental");
}

TEST_CASE("an unknown mode is a config error naming the field, the stream, the value and the choices") {
    CHECK(
        error_of(
            R"({"streams":[{"stream":{"name":"x"}},{"stream":{"name":"users","namespace":"crm"},"destination_sync_mode":"upsert"}]})") ==
        "catalog.streams[1].destination_sync_mode (stream crm.users) must be append, overwrite or append_dedup, got "
        "\"upsert\": "
        "fix the configured catalog");
    CHECK(error_of(R"({"streams":[{"stream":{"name":"users"},"sync_mode":"Incremental"}]})") ==
          "catalog.streams[0].sync_mode (stream users) must be full_refresh or incremental, got \"Incremental\": fix "
          "the configured catalog");
    CHECK(error_of(R"({"streams":[{"stream":{"name":"users"},"sync_mode":1}]})").find("got 1:") != std::string::npos);
}
