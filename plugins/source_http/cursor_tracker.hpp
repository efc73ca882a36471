// CursorTracker: the incremental cursor of one stream — where the last sync stopped, the highest value
// seen since, and the state blob that records it. Values are compared as numbers when both are JSON
// number text, else as strings (ISO 8601 timestamps compare correctly as strings).
#pragma once
#include <connhost/sdk/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace source_http {

namespace json = boost::json;

// -1, 0 or 1 as `a` sorts before, with or after `b` (numbers numerically and exactly, else bytewise).
int compare_cursor(std::string_view a, std::string_view b);

class CursorTracker {
public:
    // `key` names the cursor in the state blob; `saved` is the stream's state blob (nullptr: none);
    // `start` the configured cursor_start, used when there is no saved value.
    CursorTracker(std::string key, const json::object* saved, const std::optional<std::string>& start);

    // The value to ask the API for newer records from (saved cursor or cursor_start), if any.
    const std::optional<std::string>& since() const noexcept { return since_; }
    // Records one record's cursor (its raw JSON text, nullopt if absent); false when the record is
    // older than since() and must be skipped.
    bool observe(std::optional<std::string_view> raw);
    // The state blob: {key: highest value seen (or since() when nothing newer arrived)}; {} when none.
    json::object blob() const;

private:
    std::string key_;
    std::optional<std::string> since_;
    std::optional<std::string> max_;  // scalar text of the highest value
    bool max_is_number_ = false;
    bool since_is_number_ = false;
};

}  // namespace source_http
