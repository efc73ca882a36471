// JsonScanner: validates JSON text in one pass and reports the spans of values without building a DOM.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::protocol {

// A JSON syntax error at byte `offset` of the scanned text.
class JsonSyntaxError : public std::runtime_error {
public:
    JsonSyntaxError(size_t offset, const std::string& what) : std::runtime_error(what), offset_(offset) {}
    size_t offset() const noexcept { return offset_; }  // 0-based byte offset into the scanned text

private:
    size_t offset_;
};

// A strict RFC 8259 scanner (UTF-8 checked, depth-limited) over one buffer. Not thread-safe; cheap to create.
class JsonScanner {
public:
    static constexpr int kMaxDepth = 512;

    explicit JsonScanner(std::string_view text) noexcept : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

    // Skips white space; returns the next byte or 0 at the end.
    char peek();
    // Consumes `c` after white space or throws naming what was expected.
    void expect(char c, const char* what);
    // True (and consumes it) when the next non-space byte is `c`.
    bool consume(char c);
    // Validates one value of any type; returns its exact text.
    std::string_view skip_value();
    // Reads a string; returns its raw text between the quotes and sets *unescaped when given.
    std::string_view read_string(std::string* unescaped = nullptr);
    // Validates a number; returns its exact text.
    std::string_view read_number();
    // Throws unless only white space remains.
    void expect_end();
    // Byte offset of the cursor.
    size_t offset() const noexcept { return static_cast<size_t>(p_ - begin_); }
    // Throws JsonSyntaxError at the cursor.
    [[noreturn]] void fail(const std::string& what) const;

    // Iterates the members of an object: call after '{' is consumed; `on_member(key_unescaped)` must consume the value.
    template <class F>
    void members(F&& on_member) {
        if (consume('}')) return;
        std::string key;
        for (;;) {
            if (peek() != '"') fail("expected a member name in quotes");
            key.clear();
            read_string(&key);
            expect(':', "':' after a member name");
            on_member(std::string_view(key));
            if (consume(',')) continue;
            expect('}', "',' or '}' in an object");
            return;
        }
    }

    // Increments nesting depth for a value that the caller scans by hand; throws past kMaxDepth.
    void enter();
    void leave() noexcept { --depth_; }

private:
    void skip_ws() noexcept;
    void skip_literal(std::string_view lit);
    void skip_container();
    void check_utf8_sequence(unsigned char lead);

    const char* begin_;
    const char* p_;
    const char* end_;
    int depth_ = 0;
    char open_[kMaxDepth + 1] = {};  // the bracket opened at each depth
};

// True when `text` is exactly one valid JSON value (surrounding white space allowed).
bool is_valid_json(std::string_view text) noexcept;

// Unescapes the raw text of a JSON string (between the quotes) into UTF-8; the text must be valid.
std::string unescape_json_string(std::string_view raw);

}  // namespace connhost::protocol
