// ChildProcessConnector: a spawn that fails part-way closes every fd it opened (memfds and pipes).
#include "runtime/child_process_connector.hpp"
#include "runtime/message_capture.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <sys/resource.h>

using namespace connhost;

namespace {

// The fds open now (the directory stream used to list them is closed again by then).
std::set<int> open_fd_set() {
    std::set<int> listed;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        listed.insert(std::stoi(e.path().filename()));
    std::set<int> open;
    for (int fd : listed)
        if (::fcntl(fd, F_GETFD) != -1) open.insert(fd);
    return open;
}

size_t open_fds() { return open_fd_set().size(); }

// Lowers the soft fd limit so that exactly `room` more fds fit; restores it when it goes.
struct FdRoom {
    rlimit saved{};
    explicit FdRoom(size_t room) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
        const std::set<int> open = open_fd_set();
        int limit = 0;
        for (size_t free = 0;; ++limit) {
            if (open.count(limit)) continue;
            if (free == room) break;
            ++free;
        }
        rlimit lower = saved;
        lower.rlim_cur = static_cast<rlim_t>(limit);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lower) == 0);
    }
    ~FdRoom() { ::setrlimit(RLIMIT_NOFILE, &saved); }
};

runtime::Outcome write_with_fd_room(size_t room) {
    loader::PluginInfo info;
    info.name = "dest_test";
    info.path = "/nonexistent/libdest_test.so";
    runtime::ChildProcessConnector conn(info, "info", 1 << 20);
    runtime::MessageCapture events(CONNHOST_MSG_SPEC, info.name);
    FdRoom limit(room);
    return conn.write(events, "{}", R"({"streams":[]})");
}

}  // namespace

TEST_CASE("a spawn that runs out of fds leaks none of the fds it opened") {
#ifdef CONNHOST_SANITIZED_BUILD
    MESSAGE("skipped in the sanitizer build: its runtimes need the descriptors this test takes away");
    return;
#endif
    // Were a spawn to succeed, its child would be this test binary: it must not spawn again.
    if (std::getenv("CONNHOST_SPAWN_TEST_CHILD")) return;
    ::setenv("CONNHOST_SPAWN_TEST_CHILD", "1", 1);
    // write opens two memfds (config, catalog), the stdout pipe and the stdin pipe: 6 fds.
    for (size_t room : {1, 2, 3, 4, 5}) {
        CAPTURE(room);
        const size_t before = open_fds();
        runtime::Outcome out = write_with_fd_room(room);
        CHECK(out.status == CONNHOST_STATUS_SYSTEM);
        CHECK(out.message.find("dest_test") != std::string::npos);
        CHECK(open_fds() == before);
    }
}
