#include "protocol/json_scan.hpp"

#include <cstdint>
#include <cstring>

namespace connhost::protocol {

namespace {
// 1 for bytes a string may hold without inspection: printable ASCII except '"' and '\\'.
struct PlainTable {
    bool t[256];
    constexpr PlainTable() : t() {
        for (int c = 0x20; c < 0x80; ++c) t[c] = (c != '"' && c != '\\');
    }
};
constexpr PlainTable kPlain;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
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

void JsonScanner::fail(const std::string& what) const { throw JsonSyntaxError(offset(), what); }

void JsonScanner::skip_ws() noexcept {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
}

char JsonScanner::peek() {
    skip_ws();
    return p_ < end_ ? *p_ : 0;
}

void JsonScanner::expect(char c, const char* what) {
    skip_ws();
    if (p_ >= end_ || *p_ != c) fail(std::string("expected ") + what + (p_ >= end_ ? ", found the end of the line" : ""));
    ++p_;
}

bool JsonScanner::consume(char c) {
    skip_ws();
    if (p_ < end_ && *p_ == c) {
        ++p_;
        return true;
    }
    return false;
}

void JsonScanner::expect_end() {
    skip_ws();
    if (p_ != end_) fail("unexpected text after the JSON value");
}

void JsonScanner::enter() {
    if (++depth_ > kMaxDepth) fail("JSON nested deeper than 512 levels");
}

void JsonScanner::check_utf8_sequence(unsigned char lead) {
    int n;
    uint32_t cp;
    if (lead >= 0xC2 && lead <= 0xDF) n = 1, cp = lead & 0x1F;
    else if (lead >= 0xE0 && lead <= 0xEF) n = 2, cp = lead & 0x0F;
    else if (lead >= 0xF0 && lead <= 0xF4) n = 3, cp = lead & 0x07;
    else fail("invalid UTF-8 byte in a string");
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

std::string_view JsonScanner::read_string(std::string* unescaped) {
    skip_ws();
    if (p_ >= end_ || *p_ != '"') fail("expected a string");
    const char* start = ++p_;
    for (;;) {
        while (p_ < end_ && kPlain.t[static_cast<unsigned char>(*p_)]) ++p_;
        if (p_ >= end_) fail("unterminated string");
        unsigned char c = static_cast<unsigned char>(*p_);
        if (c == '"') break;
        if (c == '\\') {
            if (end_ - p_ < 2) fail("unterminated escape in a string");
            char e = p_[1];
            if (e == 'u') {
                if (end_ - p_ < 6 || hex_value(p_[2]) < 0 || hex_value(p_[3]) < 0 || hex_value(p_[4]) < 0 || hex_value(p_[5]) < 0)
                    fail("\\u must be followed by four hex digits");
                p_ += 6;
            } else if (std::strchr("\"\\/bfnrt", e) && e != 0) {
                p_ += 2;
            } else {
                fail(std::string("invalid escape \\") + e + " in a string");
            }
        } else if (c < 0x20) {
            fail("unescaped control character in a string (write it as \\u00XX)");
        } else {
            check_utf8_sequence(c);
        }
    }
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    ++p_;
    if (unescaped) {
        if (raw.find('\\') == std::string_view::npos) unescaped->assign(raw);
        else *unescaped = unescape_json_string(raw);
    }
    return raw;
}

std::string_view JsonScanner::read_number() {
    skip_ws();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) fail("expected a number");
    if (*p_ == '0') {
        ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
        fail("expected a value (string, number, object, array, true, false or null)");
    }
    if (p_ < end_ && *p_ == '.') {
        ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') fail("expected a digit after '.' in a number");
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
        ++p_;
        if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
        if (p_ >= end_ || *p_ < '0' || *p_ > '9') fail("expected a digit in a number's exponent");
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    return {start, static_cast<size_t>(p_ - start)};
}

void JsonScanner::skip_literal(std::string_view lit) {
    if (static_cast<size_t>(end_ - p_) < lit.size() || std::memcmp(p_, lit.data(), lit.size()) != 0)
        fail("expected a value (string, number, object, array, true, false or null)");
    p_ += lit.size();
}

void JsonScanner::skip_container() {
    // Iterative, with the open brackets on a fixed stack, so hostile nesting cannot overflow the call stack.
    const int base = depth_;
    for (;;) {
        char c = peek();
        if (c == '{' || c == '[') {
            enter();
            open_[depth_] = c;
            ++p_;
            if (consume(c == '{' ? '}' : ']')) {
                leave();
            } else {
                if (c == '{') {
                    read_string();
                    expect(':', "':' after a member name");
                }
                continue;  // scan the first element
            }
        } else if (c == '"') {
            read_string();
        } else if (c == 't') {
            skip_literal("true");
        } else if (c == 'f') {
            skip_literal("false");
        } else if (c == 'n') {
            skip_literal("null");
        } else {
            read_number();
        }
        // After a value: close containers, or move on to the next element.
        for (;;) {
            if (depth_ == base) return;
            char n = peek();
            const bool object = open_[depth_] == '{';
            if (n == ',') {
                ++p_;
                if (object) {
                    read_string();
                    expect(':', "':' after a member name");
                }
                break;
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
}

std::string_view JsonScanner::skip_value() {
    char c = peek();
    const char* start = p_;
    switch (c) {
        case '{':
        case '[': skip_container(); break;
        case '"': read_string(); break;
        case 't': skip_literal("true"); break;
        case 'f': skip_literal("false"); break;
        case 'n': skip_literal("null"); break;
        case 0: fail("expected a value, found the end of the line");
        default: read_number();
    }
    return {start, static_cast<size_t>(p_ - start)};
}

bool is_valid_json(std::string_view text) noexcept {
    try {
        JsonScanner s(text);
        s.skip_value();
        s.expect_end();
        return true;
    } catch (...) {
        return false;
    }
}

std::string unescape_json_string(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        char e = raw[++i];
        switch (e) {
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                uint32_t cp = 0;
                for (int k = 1; k <= 4; ++k) cp = (cp << 4) | static_cast<uint32_t>(hex_value(raw[i + k]));
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() + 1 && raw.substr(i + 1, 2) == "\\u") {
                    uint32_t lo = 0;
                    bool ok = true;
                    for (int k = 3; k <= 6; ++k) {
                        int h = i + k < raw.size() ? hex_value(raw[i + k]) : -1;
                        if (h < 0) ok = false;
                        lo = (lo << 4) | static_cast<uint32_t>(h < 0 ? 0 : h);
                    }
                    if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD;  // a lone surrogate cannot be UTF-8
                }
                append_utf8(out, cp);
                break;
            }
            default: out.push_back(e);  // '"', '\\', '/'
        }
    }
    return out;
}

}  // namespace connhost::protocol
