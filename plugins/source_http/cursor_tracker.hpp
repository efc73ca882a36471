// CursorTracker: the incremental cursor of one stream — where the last sync stopped, the highest value
// seen since, and the state blob that records it. Values compare as connhost/sdk/saved_cursor.hpp says; a saved
// value (or cursor_start) that cannot be compared with the records' values is warned about once and dropped, so the
// stream is read whole rather than skipped or silently re-read.
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace source_http {

namespace json = boost::json;

class CursorTracker {
public:
    // `key` names the cursor in the state blob; `saved` is the stream's state blob (nullptr: none);
    // `start` the configured cursor_start, used when there is no saved value; warnings name `stream`.
    CursorTracker(std::string key, const json::object* saved, const std::optional<std::string>& start,
                  connhost::sdk::Host host, std::string stream);

    // The value to ask the API for newer records from (saved cursor or cursor_start), if any.
    const std::optional<std::string>& since() const noexcept { return since_; }
    // Records one record's cursor (its raw JSON text, nullopt if absent); false when the record is
    // older than since() and must be skipped. A since() that cannot be compared with it is warned about and
    // dropped (every record is kept).
    bool observe(std::optional<std::string_view> raw);
    // The state blob: {key: highest value seen (or since() when nothing newer arrived)}; {} when none.
    json::object blob() const;

private:
    std::string key_;
    connhost::sdk::Host host_;
    std::string stream_;
    std::optional<std::string> since_;
    bool since_saved_ = false;        // since_ came from the saved state, not cursor_start
    std::optional<std::string> max_;  // scalar text of the highest value
    bool max_is_number_ = false;
    bool since_is_number_ = false;
};

}  // namespace source_http
