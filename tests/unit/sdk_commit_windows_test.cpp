// The recovery rule of commit windows over several connections (connhost/sdk/commit_windows.hpp): which lanes'
// last transactions belong to a window that not every lane committed.
#include <connhost/sdk/commit_windows.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace connhost::sdk;

namespace {

LaneWindow lane(uint32_t index, uint64_t window, uint32_t lanes = 3) {
    LaneWindow w;
    w.lane = index;
    w.lanes = lanes;
    w.window = window;
    w.transaction = 1000 + index;
    w.targets = {"t" + std::to_string(index)};
    return w;
}

}  // namespace

TEST_CASE("every lane committed the window: nothing to trim") {
    const std::vector<LaneWindow> run = {lane(0, 7), lane(1, 7), lane(2, 7)};
    CHECK(complete_window(run) == 7);
    CHECK(partial_windows(run).empty());
}

TEST_CASE("killed between two lanes' commits: the lanes ahead are trimmed") {
    const std::vector<LaneWindow> run = {lane(0, 8), lane(1, 8), lane(2, 7)};
    CHECK(complete_window(run) == 7);
    const std::vector<LaneWindow> trim = partial_windows(run);
    REQUIRE(trim.size() == 2);
    CHECK(trim[0].lane == 0);
    CHECK(trim[1].lane == 1);
    CHECK(trim[1].transaction == 1001);
}

TEST_CASE("a lane that never committed counts as window 0") {
    const std::vector<LaneWindow> run = {lane(0, 1), lane(2, 1)};
    CHECK(complete_window(run) == 0);
    CHECK(partial_windows(run).size() == 2);
}

TEST_CASE("no rows: nothing to trim") { CHECK(partial_windows({}).empty()); }
