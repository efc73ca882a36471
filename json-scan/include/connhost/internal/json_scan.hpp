// JSON scanning and string encoding without a DOM, shared by the connhost host and its SDK (header-only, C++17).
// Internal to connhost: connectors reach it through the SDK's functions, never directly; it may change at any release.
//
// BasicJsonScanner validates JSON text in one pass and reports the spans of values as the exact bytes they came in
// (number text is never converted). JsonScanner checks everything (RFC 8259, UTF-8, depth); TrustedJsonScanner is
// for text already checked by the host: the grammar is still enforced, but strings are scanned for their closing
// quote and escapes only (their UTF-8 and control characters are not checked again).
#pragma once
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace connhost::internal {

// A JSON syntax error at byte `offset` of the scanned text.
class JsonSyntaxError : public std::runtime_error {
public:
    JsonSyntaxError(size_t offset, const std::string& what) : std::runtime_error(what), offset_(offset) {}
    size_t offset() const noexcept { return offset_; }  // 0-based byte offset into the scanned text

private:
    size_t offset_;
};

// The value of hex digit `c` (either case), or -1.
inline int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The value of the 4 hex digits at text[at..at+4), or -1 when they are not 4 hex digits.
inline int read_hex4(std::string_view text, size_t at) noexcept {
    if (at + 4 > text.size()) return -1;
    int v = 0;
    for (size_t k = at; k < at + 4; ++k) {
        const int d = hex_digit(text[k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

// The JSON type of a value, numbered as the plugin ABI's CONNHOST_FIELD_* kinds.
enum class ValueKind : uint8_t { String = 1, Number, True, False, Null, Object, Array };

// The type of the (valid) value whose first byte is `first`.
inline ValueKind value_kind(char first) noexcept {
    switch (first) {
        case '"': return ValueKind::String;
        case '{': return ValueKind::Object;
        case '[': return ValueKind::Array;
        case 't': return ValueKind::True;
        case 'f': return ValueKind::False;
        case 'n': return ValueKind::Null;
        default: return ValueKind::Number;
    }
}

namespace json_detail {

// true for bytes a string may hold without inspection: printable ASCII except '"' and '\\'.
struct PlainTable {
    bool t[256];
    constexpr PlainTable() : t() {
        for (int c = 0x20; c < 0x80; ++c) t[c] = (c != '"' && c != '\\');
    }
};
inline constexpr PlainTable kPlain;

// The mask of the bytes of the sixteen at p that stop a string's scan: '"' and '\\', and when `Strict` the bytes a
// string may not hold as they are (< 0x20) or that start a UTF-8 sequence to check (>= 0x80).
template <bool Strict>
inline unsigned stop_mask(const char* p) noexcept {
#if defined(__SSE2__)
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i flagged = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    // A signed compare: bytes < 0x20 and bytes >= 0x80 (negative as signed chars) both test less than 0x20.
    if constexpr (Strict) flagged = _mm_or_si128(flagged, _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    return static_cast<unsigned>(_mm_movemask_epi8(flagged));
#else
    unsigned mask = 0;
    for (unsigned k = 0; k < 16; ++k) {
        const auto c = static_cast<unsigned char>(p[k]);
        mask |= unsigned{c == '"' || c == '\\' || (Strict && (c < 0x20 || c >= 0x80))} << k;
    }
    return mask;
#endif
}

// The mask of the bytes of the sixteen at p that a JSON string literal escapes: '"', '\\' and bytes < 0x20.
inline unsigned escape_mask(const char* p) noexcept {
#if defined(__SSE2__)
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i quote_or_backslash =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    // Control bytes: below 0x20 as signed chars, and not negative (bytes >= 0x80 pass as they are).
    const __m128i control =
        _mm_andnot_si128(_mm_cmplt_epi8(x, _mm_setzero_si128()), _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(quote_or_backslash, control)));
#else
    unsigned mask = 0;
    for (unsigned k = 0; k < 16; ++k) {
        const auto c = static_cast<unsigned char>(p[k]);
        mask |= unsigned{c == '"' || c == '\\' || c < 0x20} << k;
    }
    return mask;
#endif
}

// The number of leading bytes of [p, end) that kPlain accepts (`Strict`), or that are neither '"' nor '\\' (not
// `Strict`: text already checked), counted eight at a time, then byte by byte: a string's runs of plain text cost one
// word test per eight bytes instead of a branch per byte.
template <bool Strict = true>
inline size_t plain_run(const char* p, const char* end) noexcept {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const char* const start = p;
#if defined(__SSE2__)
    // Sixteen bytes at a time where the CPU has SSE2 (every x86-64): the first flagged byte of a block is found by
    // its mask bit, so a short run between escapes costs one block test instead of a byte loop.
    while (end - p >= 16) {
        const unsigned mask = stop_mask<Strict>(p);
        if (mask) return static_cast<size_t>(p - start) + static_cast<size_t>(__builtin_ctz(mask));
        p += 16;
    }
#endif
    while (end - p >= 8) {
        uint64_t x;
        std::memcpy(&x, p, 8);
        const uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        // A high bit is set for a quote or backslash (the exact "has a zero byte" test) and, when `Strict`, a byte
        // < 0x20 (the lowest such byte borrows exactly) or >= 0x80.
        uint64_t flagged = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
        if constexpr (Strict) flagged |= (x - ones * 0x20) | x;
        if (flagged & highs) break;
        p += 8;
    }
    if constexpr (Strict)
        while (p < end && kPlain.t[static_cast<unsigned char>(*p)]) ++p;
    else
        while (p < end && *p != '"' && *p != '\\') ++p;
    return static_cast<size_t>(p - start);
}

// The letter of byte `c`'s two-character JSON escape (\" \\ \n \r \t \b \f), or 0 when it has none.
inline char escape_letter(unsigned char c) noexcept {
    switch (c) {
        case '"': return '"';
        case '\\': return '\\';
        case '\n': return 'n';
        case '\r': return 'r';
        case '\t': return 't';
        case '\b': return 'b';
        case '\f': return 'f';
        default: return 0;
    }
}

}  // namespace json_detail

inline std::string unescape_json_string(std::string_view raw);  // defined below

// A scanner over one buffer; `Trusted` as described at the top. Not thread-safe; cheap to create.
template <bool Trusted>
class BasicJsonScanner {
public:
    static constexpr int kMaxDepth = 512;

    explicit BasicJsonScanner(std::string_view text, size_t pos = 0) noexcept
        : begin_(text.data()), p_(text.data() + pos), end_(text.data() + text.size()) {}

    // Skips white space; returns the next byte or 0 at the end.
    char peek() {
        skip_ws();
        return p_ < end_ ? *p_ : 0;
    }
    // Consumes `c` after white space or throws naming what was expected.
    void expect(char c, const char* what) {
        skip_ws();
        if (p_ >= end_ || *p_ != c)
            fail(std::string("expected ") + what + (p_ >= end_ ? ", found the end of the line" : ""));
        ++p_;
    }
    // True (and consumes it) when the next non-space byte is `c`.
    bool consume(char c) {
        skip_ws();
        if (p_ < end_ && *p_ == c) {
            ++p_;
            return true;
        }
        return false;
    }
    // Validates one value of any type; returns its exact text.
    std::string_view skip_value();
    // Reads a string; returns its raw text between the quotes and sets *unescaped when given.
    [[gnu::always_inline]] inline std::string_view read_string(std::string* unescaped = nullptr);
    // Whether the last string read held an escape (a backslash).
    bool last_string_escaped() const noexcept { return escaped_; }
    // Validates a number; returns its exact text.
    [[gnu::always_inline]] inline std::string_view read_number();
    // Throws unless only white space remains.
    void expect_end() {
        skip_ws();
        if (p_ != end_) fail("unexpected text after the JSON value");
    }
    // Byte offset of the cursor.
    size_t offset() const noexcept { return static_cast<size_t>(p_ - begin_); }
    // The byte at the cursor (in the scanned text).
    const char* position() const noexcept { return p_; }
    // Throws JsonSyntaxError at the cursor.
    [[noreturn]] void fail(const std::string& what) const { throw JsonSyntaxError(offset(), what); }

    // Iterates the members of an object: call after '{' is consumed; `on_member(key_unescaped)` must consume the value.
    template <class F>
    void members(F&& on_member) {
        if (consume('}')) return;
        std::string decoded;  // a name with escapes, decoded; other names are passed as the text they came in
        for (;;) {
            if (peek() != '"') fail("expected a member name in quotes");
            std::string_view key = read_string();
            if (escaped_) key = decoded = unescape_json_string(key);
            expect(':', "':' after a member name");
            on_member(key);
            if (consume(',')) continue;
            expect('}', "',' or '}' in an object");
            return;
        }
    }

    // Reads the object at the cursor member by member, checking it as skip_value does:
    // on_member(key, key_escaped, first, value, value_escaped) for each, in input order (duplicates kept), `key` the
    // raw text between the name's quotes, `first` the value's first byte, `value` a string's raw text between its
    // quotes or any other value's exact text, the flags whether that text holds a backslash.
    template <class F>
    void object_members(F&& on_member);

    // Increments nesting depth for a value that the caller scans by hand; throws past kMaxDepth.
    void enter() {
        if (++depth_ > kMaxDepth) fail("JSON nested deeper than 512 levels");
    }
    void leave() noexcept { --depth_; }

private:
    // One test when the next byte is no space (compact JSON: every call), the loop otherwise.
    void skip_ws() noexcept {
        if (p_ < end_ && static_cast<unsigned char>(*p_) <= ' ') skip_spaces();
    }
    void skip_spaces() noexcept {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    void skip_literal(std::string_view lit) {
        if (static_cast<size_t>(end_ - p_) < lit.size() || std::memcmp(p_, lit.data(), lit.size()) != 0)
            fail("expected a value (string, number, object, array, true, false or null)");
        p_ += lit.size();
    }
    void skip_scalar(char c);
    void skip_container();
    bool after_value(int base);
    [[gnu::always_inline]] inline void skip_string_body();
    void skip_string_stop();
    void skip_escape();
    void check_utf8_sequence(unsigned char lead);
    void skip_digits() noexcept {
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }

    const char* begin_;
    const char* p_;
    const char* end_;
    int depth_ = 0;
    bool escaped_ = false;
    char open_[kMaxDepth + 1];  // the bracket opened at each depth (written before read: not cleared per scanner)
};

// Checks everything: the host's scanner for input it has not seen before.
using JsonScanner = BasicJsonScanner<false>;
// For text the host already checked (record data handed to a destination, pages parsed by Boost.JSON).
using TrustedJsonScanner = BasicJsonScanner<true>;

namespace json_detail {

// Writes code point `cp` (<= 0x10FFFF) at w as UTF-8; returns the end of what it wrote.
inline char* write_utf8(char* w, uint32_t cp) noexcept {
    if (cp < 0x80) {
        *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
        *w++ = static_cast<char>(0xC0 | (cp >> 6));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = static_cast<char>(0xE0 | (cp >> 12));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        *w++ = static_cast<char>(0xF0 | (cp >> 18));
        *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return w;
}

}  // namespace json_detail

// The append_* functions below write to `out`, a std::string or an OutBuffer (out_buffer.hpp): anything with
// append(const char*, size_t) and push_back(char).

// Appends code point `cp` (<= 0x10FFFF) to `out` as UTF-8.
template <class Out>
inline void append_utf8(Out& out, uint32_t cp) {
    char buf[4];  // byte by byte: an append of a length the compiler cannot bound warned of reading past buf
    const char* const end = json_detail::write_utf8(buf, cp);
    for (const char* b = buf; b != end; ++b) out.push_back(*b);
}

// The code point of the \u escape whose 'u' is raw[i] (a following \u low surrogate joined, a lone
// surrogate U+FFFD), moving i to its last hex digit; -1 (i unchanged) when 4 hex digits do not follow.
inline int json_unicode_escape(std::string_view raw, size_t& i) noexcept {
    int cp = read_hex4(raw, i + 1);
    if (cp < 0) return -1;
    i += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
        const int lo = read_hex4(raw, i + 3);
        if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        }
    }
    if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate is not UTF-8
    return cp;
}

namespace json_detail {

// Writes what the bytes at q (a backslash or a bare quote) up to `end` decode to at w, never more bytes than it
// reads: \" \\ \/ \b \f \n \r \t and \u escapes resolved, anything else kept as it is. Returns the byte after them.
inline const char* write_unescaped(const char* q, const char* end, char*& w) noexcept {
    if (*q == '"' || end - q < 2) {  // a bare quote (not a string body's text), or a trailing lone backslash, stays
        *w++ = *q;
        return q + 1;
    }
    size_t i = 1;
    switch (q[1]) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'r': *w++ = '\r'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'u': {
            const int cp = json_unicode_escape(std::string_view(q, static_cast<size_t>(end - q)), i);
            if (cp < 0)
                *w++ = '\\', *w++ = 'u';
            else
                w = write_utf8(w, static_cast<uint32_t>(cp));
            break;
        }
        default: *w++ = q[1];  // \" \\ \/
    }
    return q + i + 1;
}

// Decodes the bytes from p to the end of its sixteen (or to `end`), 32 readable at p, whose stops (stop_mask) are
// `mask` (not 0), into `out`: the runs between escapes copied sixteen bytes at a time into room made beforehand.
// Returns where it stopped (an escape may end past the block).
template <class Out>
inline const char* append_unescaped_block(Out& out, const char* p, const char* end, unsigned mask) {
    // Decoded on the stack, appended once: what is read (at most 27 bytes) is never shorter than what it decodes
    // to, +16 per store. (Room made in `out` by resize would be zero-filled by a call first, twice per block.)
    char buf[48];
    char* w = buf;
    const char* q = p;  // the next byte to copy
    while (mask) {
        const char* const stop = p + __builtin_ctz(mask);
        std::memcpy(w, q, 16);  // the run [q, stop), and bytes the next writes replace
        w += stop - q;
        q = write_unescaped(stop, end, w);
        const auto next = static_cast<size_t>(q - p);
        mask = next < 16 ? mask & (~0u << next) : 0;
    }
    const char* const block_end = p + std::min<ptrdiff_t>(end - p, 16);
    if (q < block_end) {
        std::memcpy(w, q, 16);
        w += block_end - q;
        q = block_end;
    }
    out.append(buf, static_cast<size_t>(w - buf));
    return q;
}

}  // namespace json_detail

// Appends the raw text between a string literal's quotes to `out`, decoded into UTF-8 (escapes resolved, \u
// surrogates joined, lone ones U+FFFD). Malformed escapes are kept as they are; it never reads out of bounds.
template <class Out>
inline void append_unescaped_json_string(Out& out, std::string_view raw) {
    // Sixteen bytes at a time, each block's escapes from one mask (JSON text in a string escapes every few bytes);
    // the runs without one are appended whole.
    const char* p = raw.data();
    const char* const end = p + raw.size();
    const char* run = p;  // the bytes from run to p have no escape
    while (end - p >= 32) {
        const unsigned mask = json_detail::stop_mask<false>(p);
        if (!mask) {
            p += 16;
            continue;
        }
        out.append(run, static_cast<size_t>(p - run));
        run = p = json_detail::append_unescaped_block(out, p, end, mask);
    }
    if (p + json_detail::plain_run<false>(p, end) == end) {  // no escape in the last bytes
        out.append(run, static_cast<size_t>(end - run));
        return;
    }
    out.append(run, static_cast<size_t>(p - run));
    char tail[64] = {};  // the last bytes from a copy with 32 readable past each block
    const auto left = static_cast<size_t>(end - p);
    std::memcpy(tail, p, left);
    for (const char* t = tail; t < tail + left;) {
        const auto n = static_cast<unsigned>(std::min<ptrdiff_t>(tail + left - t, 16));
        if (const unsigned mask = json_detail::stop_mask<false>(t) & ((1u << n) - 1)) {
            t = json_detail::append_unescaped_block(out, t, tail + left, mask);
        } else {
            out.append(t, n);
            t += n;
        }
    }
}

// The raw text between a string literal's quotes decoded, as append_unescaped_json_string appends it.
inline std::string unescape_json_string(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    append_unescaped_json_string(out, raw);
    return out;
}

namespace json_detail {

// Writes the escape of byte c (one escape_letter has, else \u00XX) at w; returns the end of what it wrote.
inline char* write_escape(char* w, unsigned char c) noexcept {
    static const char hex[] = "0123456789abcdef";
    w[0] = '\\';
    if (const char letter = escape_letter(c)) {
        w[1] = letter;
        return w + 2;
    }
    w[1] = 'u', w[2] = '0', w[3] = '0', w[4] = hex[c >> 4], w[5] = hex[c & 15];
    return w + 6;
}

// Appends the n <= 16 bytes at p (32 readable), whose escapes (escape_mask) are `mask` (not 0), JSON-escaped: the
// runs between escapes copied sixteen bytes at a time into room made beforehand.
template <class Out>
inline void append_escaped_block(Out& out, const char* p, unsigned n, unsigned mask) {
    // Escaped on the stack, appended once. Room for sixteen \u00XX escapes and the last copy's sixteen bytes (a count
    // of the escapes would be a libgcc call: the build targets every x86-64, which may lack POPCNT).
    char buf[16 * 6 + 16];
    char* w = buf;
    unsigned from = 0;
    for (; mask; mask &= mask - 1) {
        const auto k = static_cast<unsigned>(__builtin_ctz(mask));
        std::memcpy(w, p + from, 16);  // the run [from, k), and bytes the next writes replace
        w = write_escape(w + (k - from), static_cast<unsigned char>(p[k]));
        from = k + 1;
    }
    std::memcpy(w, p + from, 16);
    out.append(buf, static_cast<size_t>(w + (n - from) - buf));
}

}  // namespace json_detail

// Appends `s` to `out` as a JSON string literal (quotes included, RFC 8259 escapes, other bytes as they are).
template <class Out>
inline void append_json_string(Out& out, std::string_view s) {
    // Sixteen bytes at a time, each block's escapes from one mask (JSON text in a string escapes a quote every few
    // bytes); the runs without one are appended whole.
    out.push_back('"');
    const char* p = s.data();
    const char* const end = p + s.size();
    const char* run = p;  // the bytes from run to p need no escape
    for (; end - p >= 32; p += 16)
        // The strict stop mask first: fewer operations, and 0 for the common block of printable ASCII.
        if (const unsigned mask = json_detail::stop_mask<true>(p) ? json_detail::escape_mask(p) : 0) {
            out.append(run, static_cast<size_t>(p - run));
            json_detail::append_escaped_block(out, p, 16, mask);
            run = p + 16;
        }
    if (p + json_detail::plain_run(p, end) == end) {  // nothing to escape in the last bytes
        out.append(run, static_cast<size_t>(end - run));
    } else {
        out.append(run, static_cast<size_t>(p - run));
        char tail[32] = {};  // the last bytes from a copy with 32 readable
        for (unsigned n; p < end; p += n) {
            n = static_cast<unsigned>(std::min<ptrdiff_t>(end - p, 16));
            std::memcpy(tail, p, static_cast<size_t>(std::min<ptrdiff_t>(end - p, 32)));
            if (const unsigned mask = json_detail::escape_mask(tail) & ((1u << n) - 1))
                json_detail::append_escaped_block(out, tail, n, mask);
            else
                out.append(tail, n);
        }
    }
    out.push_back('"');
}

// Appends the decimal text of integer `v`, a JSON number (std::to_chars: no locale, no format string).
template <typename Int, class Out>
inline void append_decimal(Out& out, Int v) {
    char buf[24];
    out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

// `s` as a JSON string literal.
inline std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

// True when `text` is exactly one valid JSON value (surrounding white space allowed).
inline bool is_valid_json(std::string_view text) noexcept {
    try {
        JsonScanner s(text);
        s.skip_value();
        s.expect_end();
        return true;
    } catch (...) {
        return false;
    }
}

// ---- BasicJsonScanner, out of line ------------------------------------------------------------------------------

template <bool Trusted>
void BasicJsonScanner<Trusted>::check_utf8_sequence(unsigned char lead) {
    int n;
    uint32_t cp;
    if (lead >= 0xC2 && lead <= 0xDF)
        n = 1, cp = lead & 0x1F;
    else if (lead >= 0xE0 && lead <= 0xEF)
        n = 2, cp = lead & 0x0F;
    else if (lead >= 0xF0 && lead <= 0xF4)
        n = 3, cp = lead & 0x07;
    else
        fail("invalid UTF-8 byte in a string");
    if (end_ - p_ < n + 1) fail("truncated UTF-8 sequence in a string");
    for (int i = 1; i <= n; ++i) {
        unsigned char c = static_cast<unsigned char>(p_[i]);
        if ((c & 0xC0) != 0x80) fail("invalid UTF-8 sequence in a string");
        cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        fail("invalid UTF-8 sequence in a string");
    p_ += n + 1;
}

template <bool Trusted>
void BasicJsonScanner<Trusted>::skip_escape() {
    if (end_ - p_ < 2) fail("unterminated escape in a string");
    const char e = p_[1];
    if (e == 'u') {
        if (end_ - p_ < 6 || read_hex4(std::string_view(p_ + 2, 4), 0) < 0)
            fail("\\u must be followed by four hex digits");
        p_ += 6;
    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        p_ += 2;  // (strchr here cost 6% of a `run write` of JSON text in strings)
    } else {
        fail(std::string("invalid escape \\") + e + " in a string");
    }
}

// Moves p_ past the escape (or, checking, the UTF-8 sequence) at p_, a byte other than '"' that stopped a string's
// scan, or throws.
template <bool Trusted>
void BasicJsonScanner<Trusted>::skip_string_stop() {
    const unsigned char c = static_cast<unsigned char>(*p_);
    if (c == '\\') {
        escaped_ = true;
        skip_escape();
    } else if constexpr (Trusted) {
        ++p_;  // not reached: a trusted scan stops at quotes and backslashes only
    } else if (c < 0x20) {
        fail("unescaped control character in a string (write it as \\u00XX)");
    } else {
        check_utf8_sequence(c);
    }
}

// Moves p_ from after the opening quote to the closing quote.
template <bool Trusted>
void BasicJsonScanner<Trusted>::skip_string_body() {
    // Sixteen bytes at a time, every stop of a block taken from the block's one mask: JSON text in a string escapes
    // a quote every few bytes, and a new block test per escape had cost more than the escapes.
    // The last bytes of a text of 16 or more are tested as the 16 that end it, the mask cut to the bytes from p: the
    // end of a string at the end of a record (the host checks each record's data on its own) costs one block test,
    // not a word and byte loop.
    const char* p = p_;
    while (p < end_) {
        const char* block = p;
        unsigned mask;
        if (end_ - p >= 16) {
            mask = json_detail::stop_mask<!Trusted>(p);
        } else if (end_ - begin_ >= 16) {
            block = end_ - 16;
            mask = json_detail::stop_mask<!Trusted>(block) & (~0u << (p - block));
        } else {
            break;  // a text under 16 bytes: the loop below
        }
        if (!mask) {
            p = block + 16;
            continue;
        }
        do {
            p_ = block + __builtin_ctz(mask);
            if (*p_ == '"') return;
            skip_string_stop();
            const auto next = static_cast<size_t>(p_ - block);  // past the escape: maybe in the next block
            mask = next < 16 ? mask & (~0u << next) : 0;
        } while (mask);
        p = std::max(p_, block + 16);
    }
    for (p_ = p;;) {
        p_ += json_detail::plain_run<!Trusted>(p_, end_);
        if (p_ >= end_) fail("unterminated string");
        if (*p_ == '"') return;
        skip_string_stop();
    }
}

template <bool Trusted>
std::string_view BasicJsonScanner<Trusted>::read_string(std::string* unescaped) {
    skip_ws();
    if (p_ >= end_ || *p_ != '"') fail("expected a string");
    const char* start = ++p_;
    escaped_ = false;
    skip_string_body();
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    ++p_;
    if (unescaped) {
        if (!escaped_)
            unescaped->assign(raw);
        else
            *unescaped = unescape_json_string(raw);
    }
    return raw;
}

template <bool Trusted>
std::string_view BasicJsonScanner<Trusted>::read_number() {
    skip_ws();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) fail("expected a number");
    if (*p_ == '0')
        ++p_;
    else if (*p_ >= '1' && *p_ <= '9')
        skip_digits();
    else
        fail("expected a value (string, number, object, array, true, false or null)");
    if (p_ < end_ && *p_ == '.') {
        ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') fail("expected a digit after '.' in a number");
        skip_digits();
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
        ++p_;
        if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') fail("expected a digit in a number's exponent");
        skip_digits();
    }
    return {start, static_cast<size_t>(p_ - start)};
}

template <bool Trusted>
void BasicJsonScanner<Trusted>::skip_scalar(char c) {
    switch (c) {
        case '"': read_string(); break;
        case 't': skip_literal("true"); break;
        case 'f': skip_literal("false"); break;
        case 'n': skip_literal("null"); break;
        case 0: fail("expected a value, found the end of the line");
        default: read_number();
    }
}

// After a value inside containers opened since depth `base`: closes containers, or moves to the next element.
// Returns true when every container opened since `base` is closed.
template <bool Trusted>
bool BasicJsonScanner<Trusted>::after_value(int base) {
    for (;;) {
        if (depth_ == base) return true;
        const char n = peek();
        const bool object = open_[depth_] == '{';
        if (n == ',') {
            ++p_;
            if (object) {
                read_string();
                expect(':', "':' after a member name");
            }
            return false;
        }
        if (n == (object ? '}' : ']')) {
            ++p_;
            leave();
            continue;
        }
        fail(n == 0 ? "unexpected end of the line inside an object or array"
                    : (object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array"));
    }
}

// Iterative, with the open brackets on a fixed stack, so hostile nesting cannot overflow the call stack.
template <bool Trusted>
void BasicJsonScanner<Trusted>::skip_container() {
    const int base = depth_;
    for (;;) {
        const char c = peek();
        if (c == '{' || c == '[') {
            enter();
            open_[depth_] = c;
            ++p_;
            if (!consume(c == '{' ? '}' : ']')) {
                if (c == '{') {
                    read_string();
                    expect(':', "':' after a member name");
                }
                continue;  // scan the first element
            }
            leave();
        } else {
            skip_scalar(c);
        }
        if (after_value(base)) return;
    }
}

template <bool Trusted>
template <class F>
void BasicJsonScanner<Trusted>::object_members(F&& on_member) {
    expect('{', "'{'");
    enter();
    if (!consume('}')) {
        for (;;) {
            const std::string_view key = read_string();
            const bool key_escaped = escaped_;
            expect(':', "':' after a member name");
            const char first = peek();
            if (first == '"') {
                const std::string_view value = read_string();
                on_member(key, key_escaped, first, value, escaped_);
            } else if ((first >= '0' && first <= '9') || first == '-') {
                on_member(key, key_escaped, first, read_number(), false);  // skip_value's work for a number
            } else {
                on_member(key, key_escaped, first, skip_value(), false);
            }
            const char next = peek();  // then as after_value does, with its messages
            if (next != ',' && next != '}')
                fail(next == 0 ? "unexpected end of the line inside an object or array"
                               : "expected ',' or '}' in an object");
            ++p_;
            if (next == '}') break;
        }
    }
    leave();
}

template <bool Trusted>
std::string_view BasicJsonScanner<Trusted>::skip_value() {
    const char c = peek();
    const char* start = p_;
    if (c == '{' || c == '[')
        skip_container();
    else
        skip_scalar(c);
    return {start, static_cast<size_t>(p_ - start)};
}

}  // namespace connhost::internal
