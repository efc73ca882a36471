// runtime::MaskingEvents: records, states and messages a connector emits reach the run's events with secrets masked.
#include "runtime/masking_events.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using connhost::logging::SecretMasker;
using connhost::runtime::BatchBuffer;
using connhost::runtime::MaskingEvents;
using connhost::runtime::record_data;
using connhost::runtime::record_meta;

namespace {

// Keeps what reaches it.
struct Sink final : connhost::runtime::ConnectorEvents {
    std::vector<std::string> records, metas, states, messages;
    const connhost_record_batch* last_batch = nullptr;
    std::vector<int64_t> emitted;

    void on_log(int32_t, std::string_view) override {}
    int32_t on_records(const connhost_record_batch& b) override {
        last_batch = &b;
        for (uint32_t i = 0; i < b.record_count; ++i) {
            records.emplace_back(record_data(b, i));
            metas.emplace_back(record_meta(b, i));
            emitted.push_back(b.emitted_at[i]);
        }
        return CONNHOST_STATUS_OK;
    }
    int32_t on_state(std::string_view s) override {
        states.emplace_back(s);
        return CONNHOST_STATUS_OK;
    }
    int32_t on_message(int32_t, std::string_view p) override {
        messages.emplace_back(p);
        return CONNHOST_STATUS_OK;
    }
    bool cancelled() const override { return false; }
};

}  // namespace

TEST_CASE("a batch without secrets passes as it is; one with a secret arrives as a masked copy, order and times kept") {
    SecretMasker masker;
    Sink sink;
    MaskingEvents ev(sink, masker);
    BatchBuffer batch;
    batch.reset("items", false, {});
    batch.add(R"({"id":1,"auth":"Bearer tok-SECRET-1"})", 11);
    batch.add(R"({"id":2})", 22, R"({"changes":[{"field":"x","reason":"tok-SECRET-1"}]})");
    batch.add(R"({"id":3,"q":"api_key=tok-SECRET-1"})", 33);
    const connhost_record_batch& view = batch.view();

    REQUIRE(ev.on_records(view) == CONNHOST_STATUS_OK);  // no secret registered yet
    CHECK(sink.last_batch == &view);

    masker.add("tok-SECRET-1");
    sink.records.clear();
    sink.metas.clear();
    REQUIRE(ev.on_records(view) == CONNHOST_STATUS_OK);
    CHECK(sink.last_batch != &view);
    CHECK(sink.records ==
          std::vector<std::string>{R"({"id":1,"auth":"Bearer **********"})", R"({"id":2})",
                                   R"({"id":3,"q":"api_key=**********"})"});
    CHECK(sink.metas[1] == R"({"changes":[{"field":"x","reason":"**********"}]})");
    CHECK(sink.emitted == std::vector<int64_t>{11, 22, 33, 11, 22, 33});

    BatchBuffer clean;
    clean.reset("items", false, {});
    clean.add(R"({"id":4})", 44);
    const connhost_record_batch& clean_view = clean.view();
    REQUIRE(ev.on_records(clean_view) == CONNHOST_STATUS_OK);
    CHECK(sink.last_batch == &clean_view);
}

TEST_CASE("states are masked like records; messages also lose URL user-info") {
    SecretMasker masker;
    Sink sink;
    MaskingEvents ev(sink, masker);
    ev.on_state(R"({"type":"STREAM","cursor":"s3cr3t-tok"})");
    masker.add("s3cr3t-tok");
    ev.on_state(R"({"type":"STREAM","cursor":"s3cr3t-tok"})");
    ev.on_message(CONNHOST_MSG_CONNECTION_STATUS,
                  R"({"status":"FAILED","message":"http://u:pw@h/ refused s3cr3t-tok"})");
    CHECK(sink.states ==
          std::vector<std::string>{R"({"type":"STREAM","cursor":"s3cr3t-tok"})",
                                   R"({"type":"STREAM","cursor":"**********"})"});
    CHECK(sink.messages ==
          std::vector<std::string>{R"({"status":"FAILED","message":"http://**********@h/ refused **********"})"});
}
