#include "cursor_tracker.hpp"

#include <connhost/sdk/json_slice.hpp>

#include <cctype>
#include <cstdlib>

namespace source_http {

namespace {

// True when `s` is JSON number text (RFC 8259 grammar).
bool is_number(std::string_view s) {
    size_t i = 0, n = s.size();
    if (i < n && s[i] == '-') ++i;
    if (i >= n) return false;
    if (s[i] == '0')
        ++i;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    else
        return false;
    if (i < n && s[i] == '.') {
        ++i;
        if (i >= n || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (i >= n || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    return i == n;
}

bool is_plain_integer(std::string_view s) { return is_number(s) && s.find_first_of(".eE") == std::string_view::npos; }

// Compares two integers given as text exactly, whatever their length.
int compare_integers(std::string_view a, std::string_view b) {
    bool na = !a.empty() && a[0] == '-', nb = !b.empty() && b[0] == '-';
    if (na != nb) return na ? -1 : 1;
    if (na) {
        a.remove_prefix(1);
        b.remove_prefix(1);
    }
    int mag = a.size() != b.size() ? (a.size() < b.size() ? -1 : 1) : (a < b ? -1 : a > b ? 1 : 0);
    return na ? -mag : mag;
}

}  // namespace

int compare_cursor(std::string_view a, std::string_view b) {
    if (is_plain_integer(a) && is_plain_integer(b)) return compare_integers(a, b);
    if (is_number(a) && is_number(b)) {
        long double x = std::strtold(std::string(a).c_str(), nullptr),
                    y = std::strtold(std::string(b).c_str(), nullptr);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
}

CursorTracker::CursorTracker(std::string key, const json::object* saved, const std::optional<std::string>& start)
    : key_(std::move(key)) {
    if (saved) {
        auto it = saved->find(key_);
        if (it != saved->end()) {
            if (it->value().is_string())
                since_ = std::string(it->value().as_string());
            else if (it->value().is_number()) {
                since_ = json::serialize(it->value());
                since_is_number_ = true;
            }
        }
    }
    if (!since_ && start) since_ = start;
}

bool CursorTracker::observe(std::optional<std::string_view> raw) {
    if (!raw || *raw == "null") return true;  // no cursor value: cannot be judged older
    std::string text = connhost::sdk::json_scalar_text(*raw);
    if (since_ && compare_cursor(text, *since_) < 0) return false;
    if (!max_ || compare_cursor(text, *max_) > 0) {
        max_ = std::move(text);
        max_is_number_ = raw->front() != '"';
    }
    return true;
}

json::object CursorTracker::blob() const {
    json::object b;
    std::optional<std::string> value = max_ ? max_ : since_;
    bool number = max_ ? max_is_number_ : since_is_number_;
    if (value) {
        // Integers that fit int64 stay numbers; any other number is kept as its exact text.
        boost::system::error_code ec;
        json::value v;
        if (number && is_plain_integer(*value) && value->size() < 19) v = json::parse(*value, ec);
        if (!ec && !v.is_null())
            b[key_] = v;
        else
            b[key_] = *value;
    }
    return b;
}

}  // namespace source_http
