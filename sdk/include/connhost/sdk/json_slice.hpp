// JSON slicing: find values inside a JSON text by JSON pointer and cut them out as the exact bytes they came in.
//
// Why: a source that parses a page into a DOM and serialises records back changes number text
// (1e2 -> 100.0, 30-digit integers -> doubles). These functions never convert a value; they return
// views into the original text, so a record is emitted byte for byte (minus insignificant whitespace).
// Input is expected to be valid JSON (validate first, e.g. with boost::json::parse); on malformed
// input they throw std::invalid_argument naming the byte offset, never read out of bounds.
#pragma once
#include <connhost/internal/json_scan.hpp>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// The shared decoders of string literals (connhost/internal/json_scan.hpp).
using internal::append_utf8;          // appends a code point as UTF-8
using internal::is_valid_json;        // is the text exactly one valid JSON value (RFC 8259, UTF-8, depth <= 512)?
using internal::json_unicode_escape;  // the code point of a \u escape, surrogate pairs joined
// Decodes the raw text between a string literal's quotes (escapes resolved, \u surrogates joined, lone ones U+FFFD).
inline std::string json_unescape(std::string_view raw) { return internal::unescape_json_string(raw); }
// Appends the decoded text of json_unescape(raw) to `out` (a std::string or an OutBuffer), without a string of its own.
template <class Out>
inline void json_unescape_append(Out& out, std::string_view raw) {
    internal::append_unescaped_json_string(out, raw);
}

namespace detail {

// Runs `scan` over JSON text, turning a syntax error into std::invalid_argument naming the byte offset.
template <class F>
auto scan_json(F&& scan) -> decltype(scan()) {
    try {
        return scan();
    } catch (const internal::JsonSyntaxError& e) {
        throw std::invalid_argument(std::string(e.what()) + " at byte " + std::to_string(e.offset()));
    }
}

// In an object (its '{' consumed): the offset of the value of the last member named `tok`, or nullopt.
inline std::optional<size_t> find_member(internal::TrustedJsonScanner& s, const std::string& tok) {
    if (s.consume('}')) return std::nullopt;
    std::optional<size_t>
        found;  // the last member of that name wins, as in Boost.JSON, JavaScript and Python (tests/fuzz)
    for (;;) {
        std::string_view raw = s.read_string();
        s.expect(':', "':' after a member name");
        const bool match = !s.last_string_escaped() ? raw == tok : internal::unescape_json_string(raw) == tok;
        if (match) {
            s.peek();
            found = s.offset();
        }
        s.skip_value();
        if (s.consume(',')) continue;
        s.expect('}', "',' or '}' in an object");
        return found;
    }
}

// In an array (its '[' consumed): true with the cursor at element `tok` (digits), false when there is none.
inline bool find_element(internal::TrustedJsonScanner& s, const std::string& tok) {
    // An index is digits; more than 18 of them name no element (and would overflow: tests/fuzz found stoul throwing).
    if (tok.empty() || tok.size() > 18 || tok.find_first_not_of("0123456789") != std::string::npos) return false;
    size_t want = 0;
    for (char d : tok) want = want * 10 + static_cast<size_t>(d - '0');
    if (s.consume(']')) return false;
    for (size_t idx = 0; idx < want; ++idx) {
        s.skip_value();
        if (!s.consume(',')) return false;
    }
    return true;
}

}  // namespace detail

// Splits an RFC 6901 JSON pointer ("/data/items", "" = the whole document) into unescaped tokens.
inline std::vector<std::string> json_pointer_tokens(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    if (pointer[0] != '/')
        throw std::invalid_argument("a JSON pointer must be empty or start with '/': \"" + std::string(pointer) + "\"");
    size_t i = 1;
    for (;;) {
        size_t j = pointer.find('/', i);
        std::string_view part = pointer.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
        std::string t;
        for (size_t k = 0; k < part.size(); ++k) {
            if (part[k] == '~' && k + 1 < part.size() && (part[k + 1] == '0' || part[k + 1] == '1')) {
                t.push_back(part[k + 1] == '0' ? '~' : '/');
                ++k;
            } else {
                t.push_back(part[k]);
            }
        }
        tokens.push_back(std::move(t));
        if (j == std::string_view::npos) break;
        i = j + 1;
    }
    return tokens;
}

// The exact text of the value at `pointer` in `json`, or nullopt when the path does not exist. Of members
// with the same name, the last counts.
inline std::optional<std::string_view> json_find(std::string_view json, std::string_view pointer) {
    const std::vector<std::string> tokens = json_pointer_tokens(pointer);
    return detail::scan_json([&]() -> std::optional<std::string_view> {
        internal::TrustedJsonScanner s(json);
        for (const std::string& tok : tokens) {
            const char c = s.peek();
            if (c == '{') {
                s.expect('{', "'{'");
                std::optional<size_t> found = detail::find_member(s, tok);
                if (!found) return std::nullopt;
                s = internal::TrustedJsonScanner(json, *found);
            } else if (c == '[') {
                s.expect('[', "'['");
                if (!detail::find_element(s, tok)) return std::nullopt;
            } else {
                return std::nullopt;
            }
        }
        return s.skip_value();
    });
}

// The exact texts of the elements of the JSON array `array_text`; throws std::invalid_argument if it is not an array.
inline std::vector<std::string_view> json_array_elements(std::string_view array_text) {
    return detail::scan_json([&] {
        std::vector<std::string_view> out;
        internal::TrustedJsonScanner s(array_text);
        s.expect('[', "'['");
        if (s.consume(']')) return out;
        for (;;) {
            out.push_back(s.skip_value());
            if (s.consume(',')) continue;
            s.expect(']', "',' or ']' in an array");
            return out;
        }
    });
}

// Appends `json` to `out` without insignificant whitespace (string contents and number text untouched).
inline void append_json_compact(std::string& out, std::string_view json) {
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (in_string) {
            out.push_back(c);
            if (c == '\\' && i + 1 < json.size())
                out.push_back(json[++i]);
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
            out.push_back(c);
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out.push_back(c);
        }
    }
}

// The scalar at `raw` as request-parameter text: a string literal decoded, any other value as its exact text.
inline std::string json_scalar_text(std::string_view raw) {
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') return json_unescape(raw.substr(1, raw.size() - 2));
    return std::string(raw);
}

}  // namespace connhost::sdk
