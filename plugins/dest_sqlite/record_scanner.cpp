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

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
int read_hex4(std::string_view raw, size_t at) {
    if (at + 4 > raw.size()) return -1;
    int v = 0;
    for (size_t k = at; k < at + 4; ++k) {
        int d = hex_digit(raw[k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}
void append_utf8(std::string& out, unsigned cp) {
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
}  // namespace

std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) {
            out.push_back(c);
            continue;
        }
        char e = raw[++i];
        switch (e) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'u': {
                int cp = read_hex4(raw, i + 1);
                if (cp < 0) {
                    out += "\\u";
                    break;
                }
                i += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
                    int lo = read_hex4(raw, i + 3);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate is not UTF-8
                append_utf8(out, static_cast<unsigned>(cp));
                break;
            }
            default: out.push_back(e);  // \" \\ \/
        }
    }
    return out;
}

void append_compact(std::string& out, std::string_view json) {
    size_t i = 0;
    while (i < json.size()) {
        char c = json[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
            j = j < json.size() ? j + 1 : json.size();
            out.append(json.data() + i, j - i);
            i = j;
        } else {
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out.push_back(c);
            ++i;
        }
    }
}

}  // namespace sqlitedest
