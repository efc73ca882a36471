// Private messages: what a host and its own `--isolate` child say to each other on the child's stdout beside the
// Airbyte protocol lines. One line {"type":"CONNHOST_PRIVATE","connhost_private":{"kind":K,...}}; never printed to
// users, never sent unless the parent asked for it (a hidden child flag), so no Airbyte reader ever sees one.
#pragma once
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace connhost::protocol {

// A private message: its kind ("record_reject", ...) and its whole "connhost_private" object.
struct PrivateMessage {
    std::string kind;
    boost::json::object body;
};

// Kind "record_reject": the child's destination set one record aside (connhost.record_reject/1) or the child could
// not pass it on; the parent sends it to its dead-letter file.
struct RecordReject {
    uint64_t line = 0;   // the child's stdin line of the record; 0: unknown
    std::string stream;  // "": unknown
    std::string ns;      // only when has_ns
    bool has_ns = false;
    std::string reason;
    std::string record;  // the record message as JSON text, exactly; "": not kept
};

inline constexpr std::string_view kRecordRejectKind = "record_reject";

// Kind "value_changes": the child's destination changed `count` values of records of a stream to fit its target
// (connhost.value_changes/1); the parent counts them in its summaries.
struct ValueChanges {
    std::string stream;
    std::string ns;  // only when has_ns
    bool has_ns = false;
    uint64_t count = 0;
};

inline constexpr std::string_view kValueChangesKind = "value_changes";

// True when `line` is a private message (as private_message_line writes it); cheap, a prefix test.
bool is_private_message(std::string_view line) noexcept;
// The private message line (no newline) of kind `kind` whose other members are `members` (JSON object members
// text, "" or starting with a comma).
std::string private_message_line(std::string_view kind, std::string_view members);
// Parses a line is_private_message() accepted; throws ProtocolError naming what is wrong.
PrivateMessage parse_private_message(std::string_view line);

// The private message line of `r` (the record travels as a JSON string, so its number text stays exact).
std::string record_reject_line(const RecordReject& r);
// The record_reject in `m`; throws ProtocolError naming a missing or mistyped field.
RecordReject record_reject_of(const PrivateMessage& m);
// The private message line of `c`.
std::string value_changes_line(const ValueChanges& c);
// The value_changes in `m`; throws ProtocolError naming a missing or mistyped field.
ValueChanges value_changes_of(const PrivateMessage& m);

}  // namespace connhost::protocol
