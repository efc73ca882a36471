// Cursor values of incremental reads: where a state keeps one, and how two compare.
#pragma once
#include "certify/read_support.hpp"

#include <boost/json/value.hpp>

#include <optional>

namespace connhost::certify {

// The cursor value `state` (a STATE message) holds for `stream`, whose cursor is the top-level field `cursor`:
// STREAM (and GLOBAL stream_states) stream_state[cursor], or stream_state.cursor when stream_state.cursor_field is
// [cursor]; LEGACY data[stream][cursor], data.bookmarks[stream][cursor], or data[cursor] (`only_stream`: the read
// has one stream). Nothing when the state holds none for that stream.
std::optional<boost::json::value> state_cursor(const boost::json::object& state, const StreamId& stream,
                                               const std::string& cursor, bool only_stream);

// The field at `path` (names, outer first) of a record's data; nothing when absent or null.
std::optional<boost::json::value> record_cursor(const boost::json::value& data, const boost::json::array& path);

// <0, 0, >0 as `a` is older, as old as, or newer than `b`; nothing when they cannot be compared. Numbers (and strings
// holding only a number) compare as numbers; ISO dates and timestamps (T or space, fractions, Z or offsets) as times;
// other strings byte-wise.
std::optional<int> compare_cursors(const boost::json::value& a, const boost::json::value& b);

// The key of a STATE message for keeping the latest of each: "STREAM <ns>.<name>", "GLOBAL" or "LEGACY".
std::string state_key(const boost::json::object& state);

}  // namespace connhost::certify
