// Comparing incremental cursor values, and the one warning every source gives for a saved cursor it cannot use.
//
// A cursor value is the scalar text of a record's cursor field: JSON number text, an ISO 8601 date or date-time
// ("2024-05-01", "2024-05-01T10:00:00Z"), or any other text. Values of one kind compare (numbers by value, exactly for
// integers of any length; dates and other text bytewise, which orders ISO 8601 of one offset); values of different
// kinds do not: a saved "not a date" says nothing about which dated records are newer.
#pragma once
#include <connhost/sdk/host.hpp>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace connhost::sdk {

enum class CursorKind { Number, Date, Text };

namespace detail {

inline bool is_digit(char c) noexcept { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Skips digits from `i`; returns how many.
inline size_t skip_digits(std::string_view s, size_t& i) noexcept {
    size_t from = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - from;
}

// Compares two integers given as text exactly, whatever their length.
inline int compare_integer_text(std::string_view a, std::string_view b) noexcept {
    const bool na = !a.empty() && a[0] == '-', nb = !b.empty() && b[0] == '-';
    if (na != nb) return na ? -1 : 1;
    if (na) {
        a.remove_prefix(1);
        b.remove_prefix(1);
    }
    const int mag = a.size() != b.size() ? (a.size() < b.size() ? -1 : 1) : (a < b ? -1 : a > b ? 1 : 0);
    return na ? -mag : mag;
}

}  // namespace detail

// True when `s` is JSON number text (RFC 8259 grammar).
inline bool is_json_number_text(std::string_view s) noexcept {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size()) return false;
    if (s[i] == '0')
        ++i;
    else if (!detail::is_digit(s[i]) || !detail::skip_digits(s, i))
        return false;
    if (i < s.size() && s[i] == '.' && (++i, !detail::skip_digits(s, i))) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!detail::skip_digits(s, i)) return false;
    }
    return i == s.size();
}

// The kind of a cursor value's scalar text.
inline CursorKind cursor_kind(std::string_view s) noexcept {
    if (is_json_number_text(s)) return CursorKind::Number;
    const bool date = s.size() >= 10 && detail::is_digit(s[0]) && detail::is_digit(s[1]) && detail::is_digit(s[2]) &&
        detail::is_digit(s[3]) && s[4] == '-' && detail::is_digit(s[5]) && detail::is_digit(s[6]) && s[7] == '-' &&
        detail::is_digit(s[8]) && detail::is_digit(s[9]) && (s.size() == 10 || s[10] == 'T' || s[10] == ' ');
    return date ? CursorKind::Date : CursorKind::Text;
}

// -1, 0 or 1 as `a` sorts before, with or after `b`; nothing when they are of different kinds.
inline std::optional<int> compare_cursor_values(std::string_view a, std::string_view b) {
    const CursorKind ka = cursor_kind(a), kb = cursor_kind(b);
    if (ka != kb) return std::nullopt;
    if (ka == CursorKind::Number) {
        if (a.find_first_of(".eE") == std::string_view::npos && b.find_first_of(".eE") == std::string_view::npos)
            return detail::compare_integer_text(a, b);
        const long double x = std::strtold(std::string(a).c_str(), nullptr);
        const long double y = std::strtold(std::string(b).c_str(), nullptr);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
}

// Warns that `stream`'s cursor value `value` of cursor field `field` (whose = "the saved cursor" or the config field
// it came from) cannot be used because `why`, so the stream is read from its start, and says what the user can do.
inline void warn_unusable_cursor(Host host, std::string_view stream, std::string_view field, std::string_view value,
                                 std::string_view why, std::string_view whose = "the saved cursor") {
    host.warn("stream " + std::string(stream) + ": " + std::string(whose) + " value \"" + std::string(value) +
              "\" of cursor field " + std::string(field) + " cannot be compared with the stream's values (" +
              std::string(why) + "), so the stream is read from its start. To resume from a point instead, put a " +
              "value of the field's type there; to make the full read explicit, drop the stream's state (connhost " +
              "sync --reset-state)");
}

}  // namespace connhost::sdk
