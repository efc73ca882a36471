// OutBuffer: the byte buffer the per-record encoders write into (header-only, C++17). Internal to connhost, like
// json_scan.hpp, whose append_* functions take it or a std::string.
//
// Why not std::string: its append is an out-of-line call of about 60 instructions (capacity check, libc memcpy,
// length and terminator), and a record's encoding makes dozens of appends of a few bytes (a member name, a number,
// a quote): counted with callgrind, 14% of a PostgreSQL -> PostgreSQL sync's instructions. Here an append is a
// bounds check and a copy, inline.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#if defined(__GNUC__)
#define CONNHOST_OUT_INLINE inline __attribute__((always_inline))
#else
#define CONNHOST_OUT_INLINE inline
#endif

namespace connhost::internal {

namespace out_detail {

// Copies n bytes (sizeof(Word) <= n <= 2 * sizeof(Word)) from s to d as two overlapping words.
template <class Word>
CONNHOST_OUT_INLINE void copy_two_words(char* d, const char* s, size_t n) noexcept {
    Word a, b;
    std::memcpy(&a, s, sizeof a);
    std::memcpy(&b, s + n - sizeof b, sizeof b);
    std::memcpy(d, &a, sizeof a);
    std::memcpy(d + n - sizeof b, &b, sizeof b);
}

// Copies n bytes from s to d; up to 16 bytes with two overlapping fixed-size moves each, inline.
CONNHOST_OUT_INLINE void copy_bytes(char* d, const char* s, size_t n) noexcept {
    if (n > 16) {
        std::memcpy(d, s, n);
    } else if (n >= 8) {
        copy_two_words<uint64_t>(d, s, n);
    } else if (n >= 4) {
        copy_two_words<uint32_t>(d, s, n);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

}  // namespace out_detail

// A growable byte buffer with std::string's append, push_back, += and [] (so json_scan.hpp's templates take either);
// truncate() where std::string would shrink with resize(), extend() to grow by bytes the caller then writes;
// size() bytes from data() are valid, not NUL-terminated. Move-only.
class OutBuffer {
public:
    OutBuffer() = default;
    OutBuffer(OutBuffer&& o) noexcept : buf_(std::move(o.buf_)), end_(o.end_), cap_(o.cap_) {
        o.end_ = o.cap_ = nullptr;
    }
    OutBuffer& operator=(OutBuffer&& o) noexcept {
        buf_ = std::move(o.buf_);
        end_ = o.end_;
        cap_ = o.cap_;
        o.end_ = o.cap_ = nullptr;
        return *this;
    }

    CONNHOST_OUT_INLINE OutBuffer& append(const char* p, size_t n) {
        if (static_cast<size_t>(cap_ - end_) < n) grow(n);
        out_detail::copy_bytes(end_, p, n);
        end_ += n;
        return *this;
    }
    CONNHOST_OUT_INLINE OutBuffer& append(std::string_view s) { return append(s.data(), s.size()); }
    OutBuffer& append(size_t n, char c) {
        std::memset(extend(n), c, n);
        return *this;
    }
    CONNHOST_OUT_INLINE void push_back(char c) {
        if (end_ == cap_) grow(1);
        *end_++ = c;
    }
    CONNHOST_OUT_INLINE OutBuffer& operator+=(char c) {
        push_back(c);
        return *this;
    }
    CONNHOST_OUT_INLINE OutBuffer& operator+=(std::string_view s) {
        append(s);
        return *this;
    }

    // n more bytes, left for the caller to write: where they start (valid until the next append).
    char* extend(size_t n) {
        if (static_cast<size_t>(cap_ - end_) < n) grow(n);
        char* at = end_;
        end_ += n;
        return at;
    }
    void pop_back() noexcept { --end_; }

    char* data() noexcept { return buf_.get(); }
    const char* data() const noexcept { return buf_.get(); }
    char& operator[](size_t i) noexcept { return buf_.get()[i]; }
    char operator[](size_t i) const noexcept { return buf_.get()[i]; }
    size_t size() const noexcept { return static_cast<size_t>(end_ - buf_.get()); }
    bool empty() const noexcept { return end_ == buf_.get(); }
    std::string_view view() const noexcept { return {data(), size()}; }
    operator std::string_view() const noexcept { return view(); }  // NOLINT: as std::string converts
    char* begin() noexcept { return buf_.get(); }
    char* end() noexcept { return end_; }
    std::string str() const { return std::string(view()); }

    void clear() noexcept { end_ = buf_.get(); }
    // Drops the bytes after the first n (n <= size()): undoes appends made after size() was n.
    void truncate(size_t n) noexcept { end_ = buf_.get() + n; }

private:
    void grow(size_t n) {
        const size_t used = size(), cap = static_cast<size_t>(cap_ - buf_.get());
        size_t want = cap ? cap * 2 : 256;
        if (want < used + n) want = used + n;
        std::unique_ptr<char[]> bigger(new char[want]);
        if (used) std::memcpy(bigger.get(), buf_.get(), used);
        buf_ = std::move(bigger);
        end_ = buf_.get() + used;
        cap_ = buf_.get() + want;
    }

    std::unique_ptr<char[]> buf_;
    char* end_ = nullptr;
    char* cap_ = nullptr;
};

}  // namespace connhost::internal
