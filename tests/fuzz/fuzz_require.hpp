// require(ok): a fuzz target's property check; a broken one names its line and aborts, so libFuzzer keeps the input.
#pragma once
#include <cstdio>
#include <cstdlib>

inline void fuzz_require_at(bool ok, const char* file, int line) {
    if (ok) return;
    std::fprintf(stderr, "%s:%d: property broken\n", file, line);
    std::abort();
}
#define require(ok) fuzz_require_at((ok), __FILE__, __LINE__)
