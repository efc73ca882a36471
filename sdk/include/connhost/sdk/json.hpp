// JSON helpers for connectors: parsing with clear errors, typed field access, string escaping.
#pragma once
#include <connhost/internal/edit_distance.hpp>
#include <connhost/internal/json_scan.hpp>
#include <connhost/internal/out_buffer.hpp>
#include <connhost/sdk/status.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

namespace json = boost::json;

// Parses `text` as JSON; on failure throws ConfigError naming `what` (e.g. "config").
inline json::value parse_json(std::string_view text, std::string_view what) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec) throw ConfigError(std::string(what) + " is not valid JSON: " + ec.message());
    return v;
}

// Parses `text` as a JSON object; throws ConfigError naming `what` otherwise.
inline json::object parse_object(std::string_view text, std::string_view what) {
    json::value v = parse_json(text, what);
    if (!v.is_object()) throw ConfigError(std::string(what) + " must be a JSON object");
    return std::move(v.as_object());
}

// The shared JSON string encoder (connhost/internal/json_scan.hpp), one for the host and every connector.
using internal::append_json_string;  // appends `s` as a JSON string literal (quotes included, RFC 8259 escapes)
using internal::json_string;         // `s` as a JSON string literal
// The byte buffer for a record's encoding (connhost/internal/out_buffer.hpp): inline appends where std::string's are
// an out-of-line call; append_json_string and json_unescape_append take it or a std::string.
using internal::OutBuffer;

// Spelling suggestions (connhost/internal/edit_distance.hpp), shared with the host's config validation.
using internal::edit_distance;  // the edits (ASCII case ignored) that turn one name into another
using internal::nearest_name;   // the known name within two edits of a key, or ""

// Typed read access to a config object; every error names the field and what was expected.
class ConfigView {
public:
    explicit ConfigView(const json::object& obj, std::string prefix = "config")
        : obj_(obj), prefix_(std::move(prefix)) {}

    bool has(std::string_view key) const { return find(key) != nullptr; }
    const json::object& object() const noexcept { return obj_; }

    // Required string field.
    std::string string(std::string_view key) const {
        const json::value* v = require(key);
        if (!v->is_string()) throw ConfigError(name(key) + " must be a string");
        return std::string(v->as_string());
    }
    // Optional string field with a default.
    std::string string_or(std::string_view key, std::string_view dflt) const {
        return has(key) ? string(key) : std::string(dflt);
    }
    // Required integer field within [lo, hi].
    int64_t integer(std::string_view key, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) const {
        const json::value* v = require(key);
        int64_t n = 0;
        if (v->is_int64())
            n = v->as_int64();
        else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX))
            n = static_cast<int64_t>(v->as_uint64());
        else if (v->is_double() && v->as_double() == static_cast<double>(static_cast<int64_t>(v->as_double())))
            n = static_cast<int64_t>(v->as_double());
        else
            throw ConfigError(name(key) + " must be an integer");
        if (n < lo || n > hi)
            throw ConfigError(name(key) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", got " + std::to_string(n));
        return n;
    }
    // Optional integer field with a default.
    int64_t integer_or(std::string_view key, int64_t dflt, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX) const {
        return has(key) ? integer(key, lo, hi) : dflt;
    }
    // Optional boolean field with a default.
    bool boolean_or(std::string_view key, bool dflt) const {
        const json::value* v = find(key);
        if (!v) return dflt;
        if (!v->is_bool()) throw ConfigError(name(key) + " must be true or false");
        return v->as_bool();
    }
    // Optional enumerated string; throws naming the allowed values.
    std::string choice_or(std::string_view key, std::initializer_list<std::string_view> allowed,
                          std::string_view dflt) const {
        std::string s = string_or(key, dflt);
        std::string list;
        for (auto a : allowed) {
            if (a == s) return s;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        throw ConfigError(name(key) + " must be one of " + list + ", got \"" + s + "\"");
    }
    // Throws ConfigError for the first key of the object not in `known`, naming its path and the nearest
    // known key within two edits ("config.streams[0].paginatr: unknown key; did you mean \"paginator\"?"),
    // else listing the known keys. `context` qualifies the message (e.g. "for paginator type cursor").
    void reject_unknown_keys(std::initializer_list<std::string_view> known, std::string_view context = {}) const {
        for (const auto& kv : obj_) {
            std::string_view key(kv.key().data(), kv.key().size());
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            std::string msg = name(key) + ": unknown key" + (context.empty() ? "" : " " + std::string(context));
            std::string_view near = nearest_name(key, known);
            if (!near.empty()) throw ConfigError(msg + "; did you mean \"" + std::string(near) + "\"?");
            std::string list;
            for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            throw ConfigError(msg + "; the known keys are: " + list);
        }
    }

private:
    const json::value* find(std::string_view key) const {
        auto it = obj_.find(json::string_view(key.data(), key.size()));
        return (it == obj_.end() || it->value().is_null()) ? nullptr : &it->value();
    }
    const json::value* require(std::string_view key) const {
        const json::value* v = find(key);
        if (!v) throw ConfigError(name(key) + " is required");
        return v;
    }
    std::string name(std::string_view key) const { return prefix_ + "." + std::string(key); }

    const json::object& obj_;
    std::string prefix_;
};

}  // namespace connhost::sdk
