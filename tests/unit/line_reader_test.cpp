// protocol::LineReader: lines from a real pipe or file, CRLF endings, a missing last newline, lines longer than a
// block, and the line length limit (refused without reading the whole line).
#include "protocol/line_reader.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using connhost::protocol::LineReader;
using connhost::protocol::LineTooLong;

namespace {

constexpr size_t kNoLimit = SIZE_MAX;

// Writes `text` into a pipe from another thread (so it may exceed the pipe buffer) and reads every line back.
std::vector<std::pair<uint64_t, std::string>> read_through_pipe(const std::string& text, size_t block_size,
                                                                uint64_t* bytes = nullptr) {
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
    LineReader reader(fds[0], "pipe", kNoLimit, block_size);
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
    CHECK(read_through_pipe("a\r\nbb\n\n\r\nccc\n", 16, &bytes) ==
          Lines{{1, "a"}, {2, "bb"}, {3, ""}, {4, ""}, {5, "ccc"}});
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
    LineReader reader(fd, path, kNoLimit, 100);
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
    LineReader reader(fds[1], "the-write-end", kNoLimit, 16);  // reading a pipe's write end fails with EBADF
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

namespace {

// A temp file holding `text`, open for reading from its start; unlinked at once.
int file_with(const std::string& text) {
    char path[] = "/tmp/connhost_line_reader_XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::unlink(path);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

// Reads every line of `text` with `limit`; returns the lines before the refused one and sets *refused to it.
Lines read_with_limit(const std::string& text, size_t limit, size_t block, std::optional<LineTooLong>* refused) {
    int fd = file_with(text);
    LineReader reader(fd, "input.jsonl", limit, block);
    Lines lines;
    std::string_view line;
    try {
        while (reader.next(line)) lines.emplace_back(reader.line_number(), std::string(line));
    } catch (const LineTooLong& e) {
        *refused = e;
        CHECK(reader.line_number() == e.line());
        CHECK_FALSE(reader.next(line));  // the reader is at its end after refusing
    }
    ::close(fd);
    return lines;
}

}  // namespace

TEST_CASE("a line over the limit is refused, naming its number, after the lines before it") {
    std::optional<LineTooLong> refused;
    const Lines before = read_with_limit("a\nbb\n" + std::string(300, 'x') + "\nc\n", 100, 16, &refused);
    CHECK(before == Lines{{1, "a"}, {2, "bb"}});
    REQUIRE(refused);
    CHECK(refused->line() == 3);
    CHECK(refused->limit() == 100);
    CHECK_FALSE(refused->whole());  // reading stopped inside the line
    CHECK(refused->bytes_seen() > 100);
    CHECK(std::string(refused->what()) ==
          "input.jsonl line 3: a record larger than the 100 bytes record size limit (reading it stopped there)");
}

TEST_CASE("a line of exactly the limit passes, with or without CR; one byte more is refused") {
    const std::string at(100, 'y');
    std::optional<LineTooLong> refused;
    CHECK(read_with_limit(at + "\r\n" + at + "\n" + at, 100, 16, &refused) == Lines{{1, at}, {2, at}, {3, at}});
    CHECK_FALSE(refused);
    CHECK(read_with_limit("ok\n" + at + "z\r\n", 100, 16, &refused) == Lines{{1, "ok"}});
    REQUIRE(refused);
    CHECK(refused->line() == 2);
}

TEST_CASE("a whole line over the limit that arrived in one read reports its size") {
    std::optional<LineTooLong> refused;
    CHECK(read_with_limit("first\n" + std::string(150, 'z') + "\n", 100, 4096, &refused) == Lines{{1, "first"}});
    REQUIRE(refused);
    CHECK(refused->whole());
    CHECK(refused->bytes_seen() == 150);
    CHECK(std::string(refused->what()) ==
          "input.jsonl line 2: a record of 150 bytes is over the 100 bytes record size limit");
}

TEST_CASE("the last line, without a newline, is held to the limit too") {
    std::optional<LineTooLong> refused;
    CHECK(read_with_limit("first\n" + std::string(101, 'z'), 100, 4096, &refused) == Lines{{1, "first"}});
    REQUIRE(refused);
    CHECK(refused->line() == 2);
}

TEST_CASE("a line that never ends is refused after reading at most the limit and a block of it") {
    std::signal(SIGPIPE, SIG_IGN);  // the writer learns of the refusal through EPIPE
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::atomic<uint64_t> written{0};
    std::thread writer([&] {
        const std::string chunk(4096, 'x');
        for (;;) {
            ssize_t n = ::write(fds[1], chunk.data(), chunk.size());
            if (n <= 0) break;
            written += static_cast<uint64_t>(n);
        }
        ::close(fds[1]);
    });
    constexpr size_t limit = 1 << 20, block = 64 << 10;
    LineReader reader(fds[0], "pipe", limit, block);
    std::string_view line;
    std::optional<LineTooLong> refused;
    try {
        reader.next(line);
    } catch (const LineTooLong& e) {
        refused = e;
    }
    ::close(fds[0]);  // the writer's next write fails: the line is never read to an end
    writer.join();
    REQUIRE(refused);
    CHECK(refused->line() == 1);
    CHECK(refused->bytes_seen() <= limit + block);
    CHECK(written.load() < limit + block + (1 << 20));  // at most a pipe buffer more than was read
}

TEST_CASE("with skip_long_lines, a line over the limit is skipped to its end and reading goes on") {
    for (size_t block : {16, 64, 4096}) {  // the long line split over many reads, or read whole
        int fd = file_with("a\n" + std::string(300, 'x') + "\nb\n" + std::string(150, 'y') + "\r\nc");
        LineReader reader(fd, "input.jsonl", 100, block);
        reader.skip_long_lines();
        Lines lines;
        std::vector<std::pair<uint64_t, uint64_t>> skipped;  // (line, its size)
        std::string_view line;
        for (;;) {
            try {
                if (!reader.next(line)) break;
                lines.emplace_back(reader.line_number(), std::string(line));
            } catch (const LineTooLong& e) {
                CHECK(e.whole());
                skipped.emplace_back(e.line(), e.bytes_seen());
            }
        }
        ::close(fd);
        CHECK(lines == Lines{{1, "a"}, {3, "b"}, {5, "c"}});
        CHECK(skipped.size() == 2);
        CHECK(skipped[0] == std::pair<uint64_t, uint64_t>{2, 300});
        CHECK(skipped[1].first == 4);
        CHECK(skipped[1].second >= 150);  // with or without its CR
    }
}
