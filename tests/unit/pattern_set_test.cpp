// logging::PatternSet: the multi-pattern search behind secret masking finds every pattern wherever it stands.
#include "logging/pattern_set.hpp"

#include <doctest/doctest.h>

#include <string>

using connhost::logging::PatternSet;

TEST_CASE("find returns the leftmost start and the longest pattern starting there") {
    PatternSet set({{"abc", true}, {"abcdef", true}, {"cde", true}, {"x", true}});
    PatternSet::Match m;
    REQUIRE(set.find("..abcdef..cde", 0, false, m));
    CHECK(m.begin == 2);
    CHECK(m.end == 8);
    REQUIRE(set.find("..abcdef..cde", 3, false, m));
    CHECK(m.begin == 4);  // "cde" inside "abcdef"
    CHECK(m.end == 7);
    CHECK_FALSE(set.find("x x x ab", 0, false, m));  // one-byte patterns are dropped
    CHECK_FALSE(PatternSet().find("anything", 0, false, m));
    CHECK_FALSE(PatternSet().occurs_in("anything", false));
}

TEST_CASE("with json, only patterns marked in_json are searched") {
    PatternSet set({{"to\"ken", false}, {"to\\\"ken", true}});
    PatternSet::Match m;
    CHECK(set.find("to\"ken", 0, false, m));
    CHECK_FALSE(set.find("to\"ken", 0, true, m));
    CHECK(set.occurs_in("a to\\\"ken", true));
    CHECK_FALSE(set.occurs_in("a to\"ken", true));
}

TEST_CASE("a pattern is found at every position, either side of the middle where occurs_in splits its scan") {
    PatternSet set({{"needle-42", true}, {"zz", true}, {"a-much-longer-pattern", true}});
    for (const std::string pattern : {"needle-42", "zz", "a-much-longer-pattern"})
        for (size_t len : {size_t(21), size_t(40), size_t(101)})
            for (size_t at = 0; at + pattern.size() <= len; ++at) {
                std::string text(len, '.');
                text.replace(at, pattern.size(), pattern);
                CAPTURE(text);
                PatternSet::Match m;
                CHECK(set.occurs_in(text, true));
                REQUIRE(set.find(text, 0, true, m));
                CHECK(m.begin == at);
                CHECK(m.end == at + pattern.size());
            }
    CHECK_FALSE(set.occurs_in(std::string(200, '.') + "needle-4" + std::string(199, '.') + "z", true));
}
