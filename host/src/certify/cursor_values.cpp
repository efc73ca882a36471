#include "certify/cursor_values.hpp"

#include <boost/json.hpp>

#include <cstdlib>
#include <regex>

namespace connhost::certify {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

// The cursor value of one stream_state blob: blob[cursor], or blob.cursor when blob.cursor_field is [cursor].
std::optional<json::value> blob_cursor(const json::object* blob, const std::string& cursor) {
    if (!blob) return std::nullopt;
    if (const auto* v = blob->if_contains(cursor); v && !v->is_null()) return *v;
    const auto* field = blob->if_contains("cursor_field");
    const auto* value = blob->if_contains("cursor");
    if (field && field->is_array() && field->as_array().size() == 1 && field->as_array()[0] == cursor.c_str() &&
        value && !value->is_null())
        return *value;
    return std::nullopt;
}

bool same_stream(const json::object& stream_state_entry, const StreamId& stream) {
    const json::object* d = object_at(stream_state_entry, "stream_descriptor");
    if (!d) return false;
    return stream_id(*d) == stream;
}

std::optional<long double> as_number(const json::value& v) {
    if (v.is_int64()) return static_cast<long double>(v.as_int64());
    if (v.is_uint64()) return static_cast<long double>(v.as_uint64());
    if (v.is_double()) return v.as_double();
    if (!v.is_string() || v.as_string().empty()) return std::nullopt;
    std::string s(v.as_string());
    char* end = nullptr;
    long double n = std::strtold(s.c_str(), &end);
    if (end != s.c_str() + s.size() || s.find_first_not_of("0123456789+-.eE") != std::string::npos) return std::nullopt;
    return n;
}

// An ISO date or timestamp as "YYYY-MM-DDTHH:MM:SS.fffffffff[+HH:MM]" (UTC without offset), else `s` unchanged.
std::string normalized_time(const std::string& s) {
    static const std::regex iso(R"((\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?(?:\.(\d{1,9}))?)?)"
                                R"((Z|[+-]\d{2}(?::?\d{2})?)?)");
    std::smatch m;
    if (!std::regex_match(s, m, iso)) return s;
    std::string fraction = m[4].str();
    fraction.resize(9, '0');
    std::string offset = m[5].str();
    if (offset.size() == 3) offset += ":00";
    if (offset.size() == 5) offset.insert(3, ":");
    if (offset == "Z" || offset == "+00:00" || offset == "-00:00") offset.clear();
    return m[1].str() + "T" + (m[2].matched ? m[2].str() : "00:00") + (m[3].matched ? m[3].str() : ":00") + "." +
        fraction + offset;
}

}  // namespace

std::optional<json::value> state_cursor(const json::object& state, const StreamId& stream, const std::string& cursor,
                                        bool only_stream) {
    const auto* t = state.if_contains("type");
    const std::string type = t && t->is_string() ? std::string(t->as_string()) : "LEGACY";
    if (type == "STREAM") {
        const json::object* s = object_at(state, "stream");
        return s && same_stream(*s, stream) ? blob_cursor(object_at(*s, "stream_state"), cursor) : std::nullopt;
    }
    if (type == "GLOBAL") {
        const json::object* g = object_at(state, "global");
        const auto* list = g ? g->if_contains("stream_states") : nullptr;
        if (list && list->is_array())
            for (const auto& e : list->as_array())
                if (e.is_object() && same_stream(e.as_object(), stream))
                    return blob_cursor(object_at(e.as_object(), "stream_state"), cursor);
        return std::nullopt;
    }
    const json::object* data = object_at(state, "data");
    if (!data) return std::nullopt;
    if (const json::object* b = object_at(*data, "bookmarks"))
        if (auto v = blob_cursor(object_at(*b, stream.name), cursor)) return v;
    if (auto v = blob_cursor(object_at(*data, stream.name), cursor)) return v;
    return only_stream ? blob_cursor(data, cursor) : std::nullopt;
}

std::optional<json::value> record_cursor(const json::value& data, const json::array& path) {
    const json::value* at = &data;
    for (const auto& part : path) {
        if (!part.is_string() || !at->is_object()) return std::nullopt;
        at = at->as_object().if_contains(part.as_string());
        if (!at) return std::nullopt;
    }
    if (path.empty() || at->is_null()) return std::nullopt;
    return *at;
}

std::optional<int> compare_cursors(const json::value& a, const json::value& b) {
    auto na = as_number(a), nb = as_number(b);
    if (na && nb) return *na < *nb ? -1 : *na > *nb ? 1 : 0;
    if (!a.is_string() || !b.is_string()) return std::nullopt;
    int c = normalized_time(std::string(a.as_string())).compare(normalized_time(std::string(b.as_string())));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string state_key(const json::object& state) {
    const auto* t = state.if_contains("type");
    const std::string type = t && t->is_string() ? std::string(t->as_string()) : "LEGACY";
    if (type != "STREAM") return type;
    const json::object* s = object_at(state, "stream");
    const json::object* d = s ? object_at(*s, "stream_descriptor") : nullptr;
    return "STREAM " + (d ? stream_id(*d).label() : std::string("?"));
}

}  // namespace connhost::certify
