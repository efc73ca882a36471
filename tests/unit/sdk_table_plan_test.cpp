// TablePlan (connhost/sdk/table_plan.hpp): the staging names, reserved prefix, collision check, swap and drop
// that dest_sqlite, dest_pg and dest_jsonl share.
#include <connhost/sdk/column_types.hpp>
#include <connhost/sdk/destination_spec.hpp>
#include <connhost/sdk/table_plan.hpp>
#include <connhost/sdk/testing.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace connhost::sdk;

namespace {

NameRules rules(bool fold_case) {
    NameRules r;
    r.connector = "dest_test";
    r.kind = "test table";
    r.fold_case = fold_case;
    r.place = [](const ConfiguredStream& s) { return StreamPlace{s.ns.value_or(""), s.name}; };
    return r;
}

std::string catalog(const std::string& streams) { return R"({"streams":[)" + streams + "]}"; }
std::string stream(const std::string& name, const char* mode, const std::string& ns = "") {
    return R"({"stream":{"name":")" + name + "\"" + (ns.empty() ? "" : R"(,"namespace":")" + ns + "\"") +
        R"(},"destination_sync_mode":")" + mode + "\"}";
}

std::string plan_error(const std::string& cat, bool fold_case) {
    try {
        TablePlan(ConfiguredCatalog::parse(cat), rules(fold_case));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

// Records the storage calls; can fail the swap.
struct RecordingStore final : StagingStore {
    std::vector<std::string> calls;
    bool fail_swap = false;
    void swap_in(StreamPlan& p) override {
        calls.push_back("swap " + p.staging_name + " -> " + p.final_name);
        if (fail_swap) throw SystemError("rename failed");
    }
    void drop_staging(StreamPlan& p) override { calls.push_back("drop " + p.staging_name); }
    void delete_older_generations(StreamPlan& p) override {
        calls.push_back("generations below " + std::to_string(p.stream->minimum_generation_id) + " of " + p.final_name);
    }
};

std::string generations(const char* mode, int gen, int min) {
    return R"({"stream":{"name":"g"},"destination_sync_mode":")" + std::string(mode) + R"(","generation_id":)" +
        std::to_string(gen) + R"(,"minimum_generation_id":)" + std::to_string(min) + "}";
}

}  // namespace

TEST_CASE("overwrite streams are staged as _connhost_tmp_<name>; other modes write the final name") {
    const auto cat = ConfiguredCatalog::parse(
        catalog(stream("users", "overwrite") + "," + stream("orders", "append_dedup", "shop")));
    TablePlan plan(cat, rules(false));
    const StreamPlan& users = plan.at(cat.streams()[0]);
    CHECK(users.staged);
    CHECK(users.final_name == "users");
    CHECK(users.staging_name == "_connhost_tmp_users");
    CHECK(users.target() == "_connhost_tmp_users");
    const StreamPlan& orders = plan.at(cat.streams()[1]);
    CHECK(!orders.staged);
    CHECK(orders.container == "shop");
    CHECK(orders.target() == "orders");
    CHECK(orders.mode == DestinationSyncMode::AppendDedup);
}

TEST_CASE("names are fitted, staging names too") {
    NameRules r = rules(false);
    r.fit = [](std::string_view n) { return std::string(n.substr(0, 16)); };
    const auto cat = ConfiguredCatalog::parse(catalog(stream("a_very_long_stream_name", "overwrite")));
    TablePlan plan(cat, r);
    CHECK(plan.at(cat.streams()[0]).final_name == "a_very_long_stre");
    CHECK(plan.at(cat.streams()[0]).staging_name == "_connhost_tmp_a_");
}

TEST_CASE("reserved names and two streams on one name are refused, naming the streams") {
    CHECK(plan_error(catalog(stream("_connhost_x", "append")), false) ==
          "stream _connhost_x maps to test table \"_connhost_x\": names starting with _connhost_ are reserved by "
          "dest_test: "
          "rename the stream or give it a namespace");
    CHECK(plan_error(catalog(stream("_Connhost_x", "append")), true).find("reserved by dest_test") !=
          std::string::npos);
    CHECK(plan_error(catalog(stream("_Connhost_x", "append")), false).empty());
    CHECK(plan_error(catalog(stream("Users", "append") + "," + stream("users", "overwrite")), true) ==
          "streams Users and users map to the same test table \"users\" (names differing only in ASCII case are one "
          "name here): "
          "rename one or give them different namespaces");
    CHECK(plan_error(catalog(stream("Users", "append") + "," + stream("users", "overwrite")), false).empty());
    CHECK(plan_error(catalog(stream("u", "append", "a") + "," + stream("u", "append", "b")), false).empty());
}

TEST_CASE("complete swaps staging in once; drop_unfinished drops only what was not swapped in") {
    const auto cat = ConfiguredCatalog::parse(
        catalog(stream("a", "overwrite") + "," + stream("b", "overwrite") + "," + stream("c", "append")));
    TablePlan plan(cat, rules(false));
    RecordingStore store;
    plan.complete(cat.streams()[0], store);
    plan.complete(cat.streams()[0], store);
    plan.complete(cat.streams()[2], store);
    CHECK(plan.at(cat.streams()[0]).target() == "a");
    testing::FakeHost fake;
    plan.drop_unfinished(store, fake.host());
    CHECK(store.calls == std::vector<std::string>{"swap _connhost_tmp_a -> a", "drop _connhost_tmp_b"});
}

TEST_CASE("a failed swap leaves the stream staged, so close(false) drops its staging") {
    const auto cat = ConfiguredCatalog::parse(catalog(stream("a", "overwrite")));
    TablePlan plan(cat, rules(false));
    RecordingStore store;
    store.fail_swap = true;
    CHECK_THROWS_AS(plan.complete(cat.streams()[0], store), SystemError);
    CHECK(plan.at(cat.streams()[0]).staged);
    testing::FakeHost fake;
    plan.drop_unfinished(store, fake.host());
    CHECK(store.calls.back() == "drop _connhost_tmp_a");
}

TEST_CASE("the spec lists the modes the SDK implements") {
    const json::object spec = destination_spec("dest_test", "Test", R"({"p":{"type":"string"}})", R"(["p"])");
    CHECK(json::serialize(spec.at("supported_destination_sync_modes")) == R"(["append","overwrite","append_dedup"])");
    CHECK(spec.at("documentationUrl") == "https://connhost.invalid/docs/connectors/dest_test");
    CHECK(spec.at("connectionSpecification").at("required").as_array().size() == 1);
}

TEST_CASE("a truncate refresh deletes older generations once, at completion, only where rows carry a generation") {
    const auto cat =
        ConfiguredCatalog::parse(catalog(generations("append", 3, 3) + "," + stream("plain", "append") + "," +
                                         R"({"stream":{"name":"o"},"destination_sync_mode":"overwrite",)" +
                                         R"("generation_id":2,"minimum_generation_id":2})"));
    NameRules r = rules(false);
    r.generations = true;
    TablePlan plan(cat, r);
    RecordingStore store;
    CHECK(plan.at(cat.streams()[0]).drop_older_generations);
    CHECK_FALSE(plan.at(cat.streams()[1]).drop_older_generations);
    CHECK_FALSE(plan.at(cat.streams()[2]).drop_older_generations);  // the swap replaces every row
    for (int i = 0; i < 2; ++i)
        for (const auto& s : cat.streams()) plan.complete(s, store);
    CHECK(store.calls == std::vector<std::string>{"generations below 3 of g", "swap _connhost_tmp_o -> o"});
    CHECK(plan_error(catalog(generations("append", 3, 3)), false).find("stores no generation") != std::string::npos);
    CHECK(plan_error(catalog(generations("overwrite", 3, 3)), false).empty());
    CHECK(plan_error(catalog(generations("append", 2, 3)), false).find("generation_id 2 is below") !=
          std::string::npos);
}

TEST_CASE("column widening: keep what holds, widen along the chains, refuse across them") {
    using T = ColumnType;
    using A = ColumnWidening::Action;
    CHECK(column_widening(T::Integer, T::Number).action == A::Widen);
    CHECK(column_widening(T::Number, T::String).type == T::String);
    CHECK(column_widening(T::Date, T::DateTime).action == A::Widen);
    CHECK(column_widening(T::Boolean, T::Json).type == T::Json);
    CHECK(column_widening(T::Number, T::Integer).action == A::Keep);
    CHECK(column_widening(T::String, T::Json).action == A::Keep);
    CHECK(column_widening(T::Json, T::Integer).action == A::Keep);
    CHECK(column_widening(T::Integer, T::Boolean).action == A::Incompatible);
    CHECK(column_widening(T::Date, T::Number).type == T::Date);
}
