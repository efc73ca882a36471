#include "cursor_tracker.hpp"

#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/saved_cursor.hpp>

namespace source_http {

using connhost::sdk::compare_cursor_values;

CursorTracker::CursorTracker(std::string key, const json::object* saved, const std::optional<std::string>& start,
                             connhost::sdk::Host host, std::string stream)
    : key_(std::move(key)), host_(host), stream_(std::move(stream)) {
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
    since_saved_ = since_.has_value();
    if (!since_ && start) since_ = start;
}

bool CursorTracker::observe(std::optional<std::string_view> raw) {
    if (!raw || *raw == "null") return true;  // no cursor value: cannot be judged older
    std::string text = connhost::sdk::json_scalar_text(*raw);
    if (since_) {
        std::optional<int> c = compare_cursor_values(text, *since_);
        if (!c) {
            connhost::sdk::warn_unusable_cursor(host_, stream_, key_, *since_, "a record's value is \"" + text + "\"",
                                                since_saved_ ? "the saved cursor" : "config cursor_start");
            since_.reset();
        } else if (*c < 0) {
            return false;
        }
    }
    if (!max_ || compare_cursor_values(text, *max_).value_or(1) > 0) {
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
        if (number && value->find_first_of(".eE") == std::string::npos && value->size() < 19)
            v = json::parse(*value, ec);
        if (!ec && !v.is_null())
            b[key_] = v;
        else
            b[key_] = *value;
    }
    return b;
}

}  // namespace source_http
