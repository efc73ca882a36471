// The keep-or-drop rule of resumable overwrite staging (TablePlan::open_staging, note_state, drop_unfinished in
// connhost/sdk/table_plan.hpp; StagingTag in connhost/sdk/resumable_staging.hpp) and numbered row ids.
#include <connhost/sdk/table_plan.hpp>
#include <connhost/sdk/testing.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace connhost::sdk;

namespace {

NameRules rules() {
    NameRules r;
    r.connector = "dest_test";
    r.kind = "test table";
    r.resumes_overwrite = true;
    r.place = [](const ConfiguredStream& s) { return StreamPlace{s.ns.value_or(""), s.name}; };
    return r;
}

// A catalog of overwrite stream "t" (resumable with `resumable`, e.g. {"attempt":"a1"}) and append stream "u".
ConfiguredCatalog catalog(const std::string& resumable) {
    return ConfiguredCatalog::parse(R"({"streams":[{"stream":{"name":"t","namespace":"s"},"destination_sync_mode":)"
                                    R"("overwrite")" +
                                    (resumable.empty() ? "" : R"(,"connhost_resumable_overwrite":)" + resumable) +
                                    R"(},{"stream":{"name":"u"},"destination_sync_mode":"append"}]})");
}

std::string state(const std::string& name, const std::string& stream_state) {
    return R"({"type":"STREAM","stream":{"stream_descriptor":{"name":")" + name +
        R"(","namespace":"s"},"stream_state":)" + stream_state + "}}";
}

// A tag of attempt `attempt` with marks {"k":1} at row 10 and {"k":2} at row 20.
std::string tag(const std::string& attempt) {
    StagingTag t;
    t.attempt = attempt;
    t.mark(R"({"k":1})", 10);
    t.seal();
    t.mark(R"({"k":2})", 20);
    return t.text();
}

struct NoStore final : StagingStore {
    std::vector<std::string> dropped;
    void swap_in(StreamPlan&) override {}
    void drop_staging(StreamPlan& p) override { dropped.push_back(p.staging_name); }
};

}  // namespace

TEST_CASE("a stream without resumable_overwrite always gets a fresh staging, dropped when unfinished") {
    const auto cat = catalog("");
    TablePlan plan(cat, rules());
    StreamPlan& p = plan.at(cat.streams()[0]);
    CHECK(!p.resumable());
    CHECK(!plan.open_staging(p, tag("a1")).keep);
    NoStore store;
    testing::FakeHost fake;
    plan.drop_unfinished(store, fake.host());
    CHECK(store.dropped == std::vector<std::string>{"_connhost_tmp_t"});
}

TEST_CASE("a destination that does not implement resumable staging treats the stream as a plain overwrite") {
    const auto cat = catalog(R"({"attempt":"a1","resume_rows":true,"resume_state":{"k":1}})");
    NameRules r = rules();
    r.resumes_overwrite = false;
    TablePlan plan(cat, r);
    StreamPlan& p = plan.at(cat.streams()[0]);
    CHECK(!p.resumable());
    CHECK(!plan.open_staging(p, tag("a1")).keep);
}

TEST_CASE("a fresh attempt drops any staging and tags the new one; close(false) keeps it") {
    const auto cat = catalog(R"({"attempt":"a2","resume_rows":false})");
    TablePlan plan(cat, rules());
    StreamPlan& p = plan.at(cat.streams()[0]);
    const StagingOpening o = plan.open_staging(p, tag("a2"));  // resume_rows false: even its own staging goes
    CHECK(!o.keep);
    CHECK(p.tag.attempt == "a2");
    CHECK(p.tag.marks.empty());
    CHECK(p.tag_dirty);
    NoStore store;
    testing::FakeHost fake;
    plan.drop_unfinished(store, fake.host());
    CHECK(store.dropped.empty());
}

TEST_CASE("resuming keeps the staging of the same attempt, trimmed to the mark of the saved state") {
    const auto cat = catalog(R"({"attempt":"a1","resume_rows":true,"resume_state":{"k": 1}})");
    TablePlan plan(cat, rules());
    StreamPlan& p = plan.at(cat.streams()[0]);
    const StagingOpening o = plan.open_staging(p, tag("a1"));
    CHECK(o.keep);
    CHECK(o.keep_through == 10);  // the rows after {"k":1} (11..20 and any uncommitted) go
    CHECK(p.tag.marks.size() == 1);
    CHECK(plan.at(cat.streams()[0]).tag.text() == R"({"connhost_attempt":"a1","marks":[[{"k":1},10]]})");
}

TEST_CASE("resuming refuses a stale, foreign or missing staging, naming the stream and what to do") {
    auto error = [](const std::string& resumable, const std::optional<std::string>& found) {
        const auto cat = catalog(resumable);
        TablePlan plan(cat, rules());
        try {
            plan.open_staging(plan.at(cat.streams()[0]), found);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    const std::string resume = R"({"attempt":"a1","resume_rows":true,"resume_state":{"k":2}})";
    CHECK(error(resume, tag("a1")).empty());
    CHECK(error(resume, tag("a0")).find("belongs to attempt a0") != std::string::npos);
    CHECK(error(resume, std::string("a comment of someone else")).find("belongs to no attempt") != std::string::npos);
    CHECK(error(resume, std::nullopt).find("the staging is gone") != std::string::npos);
    const std::string e = error(R"({"attempt":"a1","resume_rows":true,"resume_state":{"k":3}})", tag("a1"));
    CHECK(e.find("stream s.t: cannot resume its interrupted overwrite (attempt a1)") == 0);
    CHECK(e.find("no mark of the saved state {\"k\":3}") != std::string::npos);
    CHECK(e.find("--reset-state") != std::string::npos);
}

TEST_CASE("states of the resumable stream mark it with the last row number; one mark per commit is kept") {
    const auto cat = catalog(R"({"attempt":"a1"})");
    TablePlan plan(cat, rules());
    StreamPlan& p = plan.at(cat.streams()[0]);
    plan.open_staging(p, std::nullopt);
    uint64_t rows = 5;
    auto last = [&](const StreamPlan&) { return rows; };
    plan.note_state(state("u", R"({"k":9})"), last);  // another stream: no mark
    plan.note_state(R"({"type":"GLOBAL","global":{}})", last);
    CHECK(p.tag.marks.empty());
    plan.note_state(state("t", R"({"k":1})"), last);
    rows = 7;
    plan.note_state(state("t", R"({"k":2})"), last);
    CHECK(p.tag.marks.size() == 1);  // not committed yet: the later mark replaces the earlier
    p.tag.seal();
    rows = 9;
    plan.note_state(state("t", R"({"k":3})"), last);
    CHECK(p.tag.text() == R"({"connhost_attempt":"a1","marks":[[{"k":2},7],[{"k":3},9]]})");
    for (int i = 0; i < 40; ++i) {
        p.tag.seal();
        plan.note_state(state("t", std::to_string(i)), last);
    }
    CHECK(p.tag.marks.size() == StagingTag::kMaxMarks);
    CHECK(StagingTag::parse(p.tag.text())->marks.back().state == "39");
}

TEST_CASE("numbered row ids sort in write order, as uuid bytes and as text, above the floor of their number") {
    UuidGenerator g;
    g.sequence_from(41);
    char a[37] = {}, b[37] = {};
    g.next(a);
    g.next(b);
    CHECK(g.last_sequence() == 42);
    CHECK(std::string(a) < std::string(b));
    CHECK(std::string(a).substr(0, 13) == "00000000-0029");
    CHECK(std::string(a)[14] == '8');  // version 8
    CHECK(UuidGenerator::sequence_floor(42) == "00000000-002a-0000-0000-000000000000");
    CHECK(std::string(a) < UuidGenerator::sequence_floor(42));
    CHECK(std::string(b) >= UuidGenerator::sequence_floor(42));
}
