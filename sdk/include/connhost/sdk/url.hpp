// URL helpers for HTTP sources: percent-encoding, query strings, origins, relative references, and
// masking of secrets so that no token, password or api key ever reaches a message or a log line.
#pragma once
#include <connhost/sdk/hex.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::sdk {

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // ordered name=value pairs

// Percent-encodes `s` for a query name or value (RFC 3986 unreserved characters kept).
inline std::string url_encode(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// Decodes %XX escapes and '+' (as space) in a query component.
inline std::string url_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

// Returns `url` with `params` set in its query: every pair already in the query whose (decoded) name is
// in `params` is dropped, then `params` are appended in order, so a parameter is replaced, never sent twice
// (pairs of one name within `params` all stay: ids=1&ids=2).
inline std::string url_with_params(std::string url, const QueryParams& params) {
    if (params.empty()) return url;
    size_t hash = url.find('#');
    std::string fragment;
    if (hash != std::string::npos) {
        fragment = url.substr(hash);
        url.resize(hash);
    }
    size_t q = url.find('?');
    std::string query;
    if (q != std::string::npos) {
        std::string_view old(url.data() + q + 1, url.size() - q - 1);
        for (size_t i = 0; i <= old.size();) {
            size_t amp = std::min(old.find('&', i), old.size());
            std::string_view pair = old.substr(i, amp - i);
            std::string name = url_decode(pair.substr(0, pair.find('=')));
            bool replaced = std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
            if (!pair.empty() && !replaced) query += (query.empty() ? "" : "&") + std::string(pair);
            i = amp + 1;
        }
        url.resize(q);
    }
    for (const auto& [k, v] : params) query += (query.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
    return url + "?" + query + fragment;
}

// Joins a base URL and a path with exactly one '/' between them ("http://h/api" + "items").
inline std::string url_join(std::string_view base, std::string_view path) {
    if (path.empty()) return std::string(base);
    if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) return std::string(path);
    std::string out(base);
    while (!out.empty() && out.back() == '/') out.pop_back();
    if (path.front() != '/') out.push_back('/');
    out += path;
    return out;
}

// "scheme://host[:port]" of an absolute URL (lower-cased scheme and host), or "" when `url` is not absolute.
inline std::string url_origin(std::string_view url) {
    size_t colon = url.find("://");
    if (colon == std::string_view::npos) return {};
    size_t end = url.find_first_of("/?#", colon + 3);
    std::string o(url.substr(0, end));
    size_t at = o.rfind('@');  // drop user-info
    if (at != std::string::npos && at > colon) o.erase(colon + 3, at - colon - 2);
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

// Resolves reference `ref` (absolute, "//host/...", "/path", "?query" or relative path) against absolute `base`.
inline std::string url_resolve(std::string_view base, std::string_view ref) {
    if (ref.find("://") != std::string_view::npos && ref.find("://") < ref.find_first_of("/?#"))
        return std::string(ref);
    std::string origin = url_origin(base);
    size_t scheme_end = base.find("://");
    if (ref.rfind("//", 0) == 0) return std::string(base.substr(0, scheme_end + 1)) + std::string(ref);
    if (!ref.empty() && ref.front() == '/') return origin + std::string(ref);
    std::string_view path_q = base.substr(std::min(base.size(), base.find_first_of("/?#", scheme_end + 3)));
    std::string_view path = path_q.substr(0, path_q.find_first_of("?#"));
    if (!ref.empty() && ref.front() == '?') return origin + std::string(path) + std::string(ref);
    std::string dir(path.substr(0, path.rfind('/') + 1));
    if (dir.empty()) dir = "/";
    return origin + dir + std::string(ref);
}

// Replaces every occurrence of each non-empty secret in `text` with "***".
inline std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const std::string& s : secrets) {
        if (s.empty()) continue;
        for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 3))
            text.replace(at, s.size(), "***");
    }
    return text;
}

// `url` fit for a message: user-info and the values of query parameters named in `secret_params`
// replaced with "***", then every string in `secrets` (raw and percent-encoded) masked.
inline std::string mask_url(std::string_view url, const std::vector<std::string>& secret_params,
                            const std::vector<std::string>& secrets) {
    std::string out(url);
    size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        size_t host_end = out.find_first_of("/?#", scheme + 3);
        size_t at = out.rfind('@', host_end == std::string::npos ? out.size() : host_end);
        if (at != std::string::npos && at > scheme) out.replace(scheme + 3, at - scheme - 3, "***");
    }
    size_t q = out.find('?');
    if (q != std::string::npos) {
        size_t end = out.find('#', q);
        if (end == std::string::npos) end = out.size();
        std::string rebuilt = out.substr(0, q + 1);
        size_t i = q + 1;
        while (i <= end) {
            size_t amp = out.find('&', i);
            if (amp == std::string::npos || amp > end) amp = end;
            std::string_view pair(out.data() + i, amp - i);
            size_t eq = pair.find('=');
            std::string name = url_decode(pair.substr(0, eq));
            bool secret = false;
            for (const auto& p : secret_params) secret |= (p == name);
            if (secret && eq != std::string_view::npos)
                rebuilt += std::string(pair.substr(0, eq + 1)) + "***";
            else
                rebuilt += pair;
            if (amp < end) rebuilt.push_back('&');
            i = amp + 1;
        }
        rebuilt += out.substr(end);
        out = std::move(rebuilt);
    }
    std::vector<std::string> all = secrets;
    for (const auto& s : secrets)
        if (!s.empty()) all.push_back(url_encode(s));
    return mask_secrets(std::move(out), all);
}

// Standard base64 (RFC 4648, with padding) of `in`.
inline std::string base64_encode(std::string_view in) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
            static_cast<unsigned char>(in[i + 2]);
        out += {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63]};
    }
    if (i + 1 == in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += {tbl[v >> 18], tbl[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], '='};
    }
    return out;
}

}  // namespace connhost::sdk
