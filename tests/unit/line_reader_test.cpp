// protocol::LineReader: lines from a real pipe or file, CRLF endings, a missing last newline, lines longer than a block.
#include "protocol/line_reader.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using connhost::protocol::LineReader;

namespace {

// Writes `text` into a pipe from another thread (so it may exceed the pipe buffer) and reads every line back.
std::vector<std::pair<uint64_t, std::string>> read_through_pipe(const std::string& text, size_t block_size, uint64_t* bytes = nullptr) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread writer([&] {
        size_t off = 0;
        while (off < text.size()) {
            // Small uneven writes, so lines arrive split across reads.
            ssize_t n = ::write(fds[1], text.data() + off, std::min<size_t>(7777, text.size() - off));
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        ::close(fds[1]);
    });
    std::vector<std::pair<uint64_t, std::string>> lines;
    LineReader reader(fds[0], "pipe", block_size);
    std::string_view line;
    while (reader.next(line)) lines.emplace_back(reader.line_number(), std::string(line));
    writer.join();
    ::close(fds[0]);
    if (bytes) *bytes = reader.bytes();
    return lines;
}

using Lines = std::vector<std::pair<uint64_t, std::string>>;

}  // namespace

TEST_CASE("LF and CRLF endings are both stripped; empty lines are lines") {
    uint64_t bytes = 0;
    CHECK(read_through_pipe("a\r\nbb\n\n\r\nccc\n", 16, &bytes) == Lines{{1, "a"}, {2, "bb"}, {3, ""}, {4, ""}, {5, "ccc"}});
    CHECK(bytes == 13);
}

TEST_CASE("the last line without a newline is still returned, with a lone CR stripped") {
    CHECK(read_through_pipe("one\ntwo", 16) == Lines{{1, "one"}, {2, "two"}});
    CHECK(read_through_pipe("one\ntwo\r", 16) == Lines{{1, "one"}, {2, "two"}});
    CHECK(read_through_pipe("", 16).empty());
}

TEST_CASE("lines much longer than the block size arrive whole") {
    const std::string long1(100000, 'x');
    std::string long2;
    for (int i = 0; i < 5000; ++i) long2 += std::to_string(i) + ",";
    const std::string text = "short\n" + long1 + "\r\n" + long2 + "\nend";
    CHECK(read_through_pipe(text, 64) == Lines{{1, "short"}, {2, long1}, {3, long2}, {4, "end"}});
}

TEST_CASE("a temp file is read the same way as a pipe") {
    char path[] = "/tmp/connhost_line_reader_XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    std::string text;
    for (int i = 1; i <= 1000; ++i) text += "{\"i\":" + std::to_string(i) + "}\n";
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
    LineReader reader(fd, path, 100);
    std::string_view line;
    int n = 0;
    bool in_order = true;
    while (reader.next(line)) {
        ++n;
        in_order = in_order && line == "{\"i\":" + std::to_string(n) + "}";
    }
    CHECK(n == 1000);
    CHECK(in_order);
    CHECK(reader.line_number() == 1000);
    CHECK(reader.bytes() == text.size());
    CHECK_FALSE(reader.next(line));  // stays at the end
    ::close(fd);
    ::unlink(path);
}

TEST_CASE("a read error names the input") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    LineReader reader(fds[1], "the-write-end", 16);  // reading a pipe's write end fails with EBADF
    std::string_view line;
    try {
        reader.next(line);
        FAIL("reading a write-only descriptor succeeded");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("cannot read the-write-end: ") == 0);
    }
    ::close(fds[0]);
    ::close(fds[1]);
}
