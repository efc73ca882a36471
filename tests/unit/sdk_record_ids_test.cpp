// UuidGenerator's random ids (connhost/sdk/record_meta.hpp): version 4 and RFC 4122's variant, never repeated, every
// random bit fair, and each generator seeded on its own.
#include <connhost/sdk/record_meta.hpp>

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <unordered_set>

using connhost::sdk::UuidGenerator;

TEST_CASE("random ids are version 4 UUIDs, all different, their 122 random bits each fair") {
    constexpr int kIds = 200000;
    UuidGenerator g;
    std::unordered_set<std::string> seen;
    std::array<int, 128> ones{};
    for (int n = 0; n < kIds; ++n) {
        uint64_t hi = 0, lo = 0;
        g.next(hi, lo);
        CHECK((hi & 0xF000) == 0x4000);
        CHECK((lo >> 62) == 2);
        for (int b = 0; b < 64; ++b) {
            ones[b] += int(hi >> b & 1);
            ones[64 + b] += int(lo >> b & 1);
        }
        char text[36];
        connhost::sdk::format_uuid(hi, lo, text);
        seen.emplace(text, 36);
    }
    CHECK(seen.size() == size_t(kIds));
    for (int b = 0; b < 128; ++b) {
        if ((b >= 12 && b < 16) || b >= 126) continue;  // the version and variant bits
        INFO("bit " << b);
        CHECK(ones[b] > kIds * 0.49);  // 4.5 standard deviations either side of a half
        CHECK(ones[b] < kIds * 0.51);
    }
}

TEST_CASE("two generators give different ids") {
    UuidGenerator a, b;
    char x[36], y[36];
    a.next(x);
    b.next(y);
    CHECK(std::string(x, 36) != std::string(y, 36));
}
