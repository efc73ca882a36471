#include "logging/secret_spellings.hpp"

#include "protocol/json_text.hpp"

#include <algorithm>

namespace connhost::logging {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kMinFragment = 6;  // shorter base64 fragments would mask chance text

bool unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~';
}

std::string percent_encode(std::string_view s, const char* hex, bool plus_for_space) {
    std::string out;
    for (unsigned char c : s) {
        if (unreserved(c))
            out.push_back(static_cast<char>(c));
        else if (c == ' ' && plus_for_space)
            out.push_back('+');
        else
            out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

// Base64 of `lead` zero bytes followed by `s`, unpadded.
std::string base64(std::string_view s, size_t lead, const char* alphabet) {
    std::string bytes(lead, '\0');
    bytes.append(s);
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        v = (v << 8 | c) & 0xFFFFFF;
        bits += 8;
        while (bits >= 6) out.push_back(alphabet[(v >> (bits -= 6)) & 63]);
    }
    if (bits) out.push_back(alphabet[(v << (6 - bits)) & 63]);
    return out;
}

// The base64 spellings of `s` in `alphabet`: whole (padded and not), and the characters that depend on its bytes
// alone at each alignment `lead` (0, 1, 2): from the first character past the lead bytes' bits to the last character
// whose 6 bits are all its own.
void add_base64(std::vector<std::string>& out, std::string_view s, const char* alphabet) {
    std::string whole = base64(s, 0, alphabet);
    out.push_back(whole + std::string((4 - whole.size() % 4) % 4, '='));
    out.push_back(whole);
    for (size_t lead = 0; lead < 3; ++lead) {
        const size_t first = (8 * lead + 5) / 6, last = 8 * (lead + s.size()) / 6;
        if (last >= first + kMinFragment) out.push_back(base64(s, lead, alphabet).substr(first, last - first));
    }
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::vector<std::string> secret_spellings(std::string_view secret) {
    std::vector<std::string> out{std::string(secret)};
    std::string escaped = protocol::json_string(secret);
    out.push_back(escaped.substr(1, escaped.size() - 2));
    out.push_back(percent_encode(secret, "0123456789ABCDEF", false));
    out.push_back(percent_encode(secret, "0123456789abcdef", false));
    out.push_back(percent_encode(secret, "0123456789ABCDEF", true));
    add_base64(out, secret, kBase64);
    add_base64(out, secret, kBase64Url);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        int hi = -1, lo = -1;
        if (text[i] == '%' && i + 2 < text.size() && (hi = hex_value(text[i + 1])) >= 0 &&
            (lo = hex_value(text[i + 2])) >= 0) {
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

bool is_json_string_content(std::string_view text) noexcept {
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c < 0x20) return false;
        if (c != '\\') continue;
        if (i + 1 >= text.size()) return false;
        const char e = text[++i];
        if (e == 'u') {
            if (i + 4 >= text.size()) return false;
            for (size_t k = 1; k <= 4; ++k)
                if (hex_value(text[i + k]) < 0) return false;
            i += 4;
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

}  // namespace connhost::logging
