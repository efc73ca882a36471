// connhost::internal::OutBuffer (json-scan/include/connhost/internal/out_buffer.hpp): the encoders' byte buffer,
// checked against std::string doing the same appends.
#include <connhost/internal/out_buffer.hpp>

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <utility>

using connhost::internal::OutBuffer;

TEST_CASE("appends of every length up to 40 at every fill give std::string's bytes, across growth") {
    std::mt19937 rng(20261205);
    std::string source(64, '\0');
    for (char& c : source) c = static_cast<char>(rng());
    for (size_t fill = 0; fill < 300; fill += 7) {  // around the first capacity (256) and its doubling
        for (size_t n = 0; n <= 40; ++n) {
            OutBuffer b;
            std::string s;
            for (size_t i = 0; i < fill; ++i) {
                b.push_back(static_cast<char>(i));
                s.push_back(static_cast<char>(i));
            }
            b.append(source.data() + 3, n);
            s.append(source.data() + 3, n);
            b += std::string_view("tail");
            s += "tail";
            REQUIRE(b.size() == s.size());
            REQUIRE(b.view() == s);
        }
    }
}

TEST_CASE("truncate, extend, fill appends, pop_back and moves keep the bytes before them") {
    OutBuffer b;
    b.append(std::string(1000, 'x'));  // past several doublings at once
    CHECK(b.size() == 1000);
    b.truncate(10);
    CHECK(b.view() == std::string(10, 'x'));
    b.append(3, 'y');
    CHECK(b.view() == std::string(10, 'x') + "yyy");
    b.truncate(11);
    b.pop_back();
    CHECK(b.view() == std::string(10, 'x'));
    char* at = b.extend(4);
    at[0] = 'a', at[1] = 'b', at[2] = 'c', at[3] = 'd';
    CHECK(b.view() == std::string(10, 'x') + "abcd");
    b.append(3, 'z');
    b[0] = 'X';
    CHECK(std::string_view(b) == "X" + std::string(9, 'x') + "abcdzzz");
    OutBuffer moved(std::move(b));
    CHECK(moved.str() == "X" + std::string(9, 'x') + "abcdzzz");
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty and usable
    b.append("again", 5);
    CHECK(b.view() == "again");
    moved = std::move(b);
    CHECK(moved.view() == "again");
    moved.clear();
    CHECK(moved.empty());
}
