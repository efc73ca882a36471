// JSON slicing: find values inside a JSON text by JSON pointer and cut them out as the exact bytes they came in.
//
// Why: a source that parses a page into a DOM and serialises records back changes number text
// (1e2 -> 100.0, 30-digit integers -> doubles). These functions never convert a value; they return
// views into the original text, so a record is emitted byte for byte (minus insignificant whitespace).
// Input is expected to be valid JSON (validate first, e.g. with boost::json::parse); on malformed
// input they throw std::invalid_argument naming the byte offset, never read out of bounds.
#pragma once
#include <connhost/sdk/hex.hpp>

#include <cctype>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

namespace detail {

// A cursor over JSON text that can skip whole values; throws std::invalid_argument on malformed text.
class JsonSkipper {
public:
    explicit JsonSkipper(std::string_view s, size_t pos = 0) noexcept : s_(s), p_(pos) {}

    size_t pos() const noexcept { return p_; }
    void ws() noexcept {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
    }
    char peek() {
        ws();
        if (p_ >= s_.size()) fail("unexpected end of JSON");
        return s_[p_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++p_;
    }
    // Skips one value (after whitespace); returns its exact text.
    std::string_view value(int depth = 0) {
        if (depth > 512) fail("JSON nested too deeply");
        char c = peek();
        size_t start = p_;
        if (c == '{') {
            ++p_;
            if (peek() == '}') {
                ++p_;
            } else {
                for (;;) {
                    string();
                    expect(':');
                    value(depth + 1);
                    if (peek() == ',') { ++p_; continue; }
                    expect('}');
                    break;
                }
            }
        } else if (c == '[') {
            ++p_;
            if (peek() == ']') {
                ++p_;
            } else {
                for (;;) {
                    value(depth + 1);
                    if (peek() == ',') { ++p_; continue; }
                    expect(']');
                    break;
                }
            }
        } else if (c == '"') {
            string();
        } else {
            while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '-' || s_[p_] == '+' || s_[p_] == '.')) ++p_;
            if (p_ == start) fail("unexpected character");
        }
        return s_.substr(start, p_ - start);
    }
    // Skips a string literal (after whitespace); returns its raw text without the quotes.
    std::string_view string() {
        expect('"');
        size_t start = p_;
        while (p_ < s_.size() && s_[p_] != '"') p_ += (s_[p_] == '\\') ? 2 : 1;
        if (p_ >= s_.size()) fail("unterminated string");
        ++p_;
        return s_.substr(start, p_ - 1 - start);
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(what + " at byte " + std::to_string(p_));
    }

private:
    std::string_view s_;
    size_t p_;
};

}  // namespace detail

// Appends code point `cp` (<= 0x10FFFF) to `out` as UTF-8.
inline void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
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

// Decodes the raw text between a string literal's quotes (escapes resolved, \u surrogates joined, lone ones U+FFFD).
inline std::string json_unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) { out.push_back(c); continue; }
        char e = raw[++i];
        switch (e) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'u': {
                const int cp = json_unicode_escape(raw, i);
                if (cp < 0) out += "\\u";
                else append_utf8(out, static_cast<unsigned>(cp));
                break;
            }
            default: out.push_back(e);  // \" \\ \/
        }
    }
    return out;
}

// Splits an RFC 6901 JSON pointer ("/data/items", "" = the whole document) into unescaped tokens.
inline std::vector<std::string> json_pointer_tokens(std::string_view pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    if (pointer[0] != '/') throw std::invalid_argument("a JSON pointer must be empty or start with '/': \"" + std::string(pointer) + "\"");
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
    std::vector<std::string> tokens = json_pointer_tokens(pointer);
    detail::JsonSkipper s(json);
    for (const std::string& tok : tokens) {
        char c = s.peek();
        if (c == '{') {
            s.expect('{');
            if (s.peek() == '}') return std::nullopt;
            // The last member of that name wins, as in Boost.JSON, JavaScript and Python (tests/fuzz).
            std::optional<size_t> found;
            for (;;) {
                std::string_view raw = s.string();
                s.expect(':');
                const bool match = raw.find('\\') == std::string_view::npos ? raw == tok : json_unescape(raw) == tok;
                if (match) found = s.pos();
                s.value();
                if (s.peek() == ',') { s.expect(','); continue; }
                s.expect('}');
                break;
            }
            if (!found) return std::nullopt;
            s = detail::JsonSkipper(json, *found);
        } else if (c == '[') {
            // An index is digits; more than 18 of them name no element (and would overflow: tests/fuzz found stoul throwing).
            if (tok.empty() || tok.size() > 18 || tok.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
            size_t want = 0, idx = 0;
            for (char d : tok) want = want * 10 + static_cast<size_t>(d - '0');
            s.expect('[');
            if (s.peek() == ']') return std::nullopt;
            for (;; ++idx) {
                if (idx == want) break;
                s.value();
                if (s.peek() == ',') { s.expect(','); continue; }
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    return s.value();
}

// The exact texts of the elements of the JSON array `array_text`; throws std::invalid_argument if it is not an array.
inline std::vector<std::string_view> json_array_elements(std::string_view array_text) {
    std::vector<std::string_view> out;
    detail::JsonSkipper s(array_text);
    s.expect('[');
    if (s.peek() == ']') return out;
    for (;;) {
        out.push_back(s.value());
        if (s.peek() == ',') { s.expect(','); continue; }
        s.expect(']');
        return out;
    }
}

// Appends `json` to `out` without insignificant whitespace (string contents and number text untouched).
inline void append_json_compact(std::string& out, std::string_view json) {
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (in_string) {
            out.push_back(c);
            if (c == '\\' && i + 1 < json.size()) out.push_back(json[++i]);
            else if (c == '"') in_string = false;
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
