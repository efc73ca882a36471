#include "record_scanner.hpp"

#include <cstring>
#include <stdexcept>

namespace sqlitedest {

namespace {

class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}

    void ws() {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
    }
    char peek() {
        ws();
        if (p_ >= s_.size()) fail("unexpected end");
        return s_[p_];
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++p_;
    }
    bool at_end() {
        ws();
        return p_ >= s_.size();
    }
    // After the opening quote; returns the raw contents and moves past the closing quote. Linear:
    // each quote is searched once, and only the bytes before it for backslashes.
    std::string_view string_body(bool& escaped) {
        const size_t start = p_;
        escaped = false;
        for (;;) {
            const char* q = static_cast<const char*>(std::memchr(s_.data() + p_, '"', s_.size() - p_));
            if (!q) fail("unterminated string");
            const size_t qpos = static_cast<size_t>(q - s_.data());
            while (p_ < qpos) {
                const void* b = std::memchr(s_.data() + p_, '\\', qpos - p_);
                if (!b) {
                    p_ = qpos;
                    break;
                }
                escaped = true;
                p_ = static_cast<size_t>(static_cast<const char*>(b) - s_.data()) + 2;  // the backslash and the escaped byte
            }
            if (p_ == qpos) {
                ++p_;
                return s_.substr(start, qpos - start);
            }
            // The quote at qpos was escaped (p_ == qpos + 1): look for the next one.
            if (p_ > s_.size()) fail("unterminated string");
        }
    }
    // Skips a value (after whitespace), returning its kind and text (strings: body without quotes).
    JsonKind value(std::string_view& text, bool& escaped, int depth = 0) {
        if (depth > 1000) fail("JSON nested too deeply");
        char c = peek();
        size_t start = p_;
        escaped = false;
        if (c == '"') {
            ++p_;
            text = string_body(escaped);
            return JsonKind::String;
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++p_;
            if (peek() == close) {
                ++p_;
            } else {
                for (;;) {
                    std::string_view inner;
                    bool esc;
                    if (c == '{') {
                        expect('"');
                        string_body(esc);
                        expect(':');
                    }
                    value(inner, esc, depth + 1);
                    char n = peek();
                    ++p_;
                    if (n == ',') continue;
                    if (n != close) fail(std::string("expected ',' or '") + close + "'");
                    break;
                }
            }
            text = s_.substr(start, p_ - start);
            return c == '{' ? JsonKind::Object : JsonKind::Array;
        }
        while (p_ < s_.size()) {
            char d = s_[p_];
            if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || d == '-' || d == '+' || d == '.') ++p_;
            else break;
        }
        text = s_.substr(start, p_ - start);
        if (text.empty()) fail("unexpected character");
        if (text == "true") return JsonKind::True;
        if (text == "false") return JsonKind::False;
        if (text == "null") return JsonKind::Null;
        return JsonKind::Number;  // also NaN / Infinity, which some sources emit
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument("record data is not valid JSON: " + what + " at byte " + std::to_string(p_));
    }

private:
    std::string_view s_;
    size_t p_ = 0;
};

}  // namespace

void scan_object(std::string_view json, std::vector<Member>& out) {
    out.clear();
    Scanner s(json);
    if (s.peek() != '{') s.fail("the record data is not a JSON object");
    s.expect('{');
    if (s.peek() == '}') {
        s.expect('}');
    } else {
        for (;;) {
            Member m{};
            s.expect('"');
            m.key = s.string_body(m.key_escaped);
            s.expect(':');
            m.kind = s.value(m.value, m.value_escaped);
            out.push_back(m);
            char n = s.peek();
            s.expect(n == ',' ? ',' : '}');
            if (n != ',') break;
        }
    }
    if (!s.at_end()) s.fail("text after the object");
}

std::vector<std::string_view> array_elements(std::string_view json) {
    std::vector<std::string_view> out;
    Scanner s(json);
    s.expect('[');
    if (s.peek() == ']') return out;
    for (;;) {
        std::string_view text;
        bool escaped;
        if (s.value(text, escaped) == JsonKind::String) {
            // value() gives a string's body: widen to the literal with its quotes.
            text = std::string_view(text.data() - 1, text.size() + 2);
        }
        out.push_back(text);
        char n = s.peek();
        s.expect(n == ',' ? ',' : ']');
        if (n != ',') return out;
    }
}

}  // namespace sqlitedest
