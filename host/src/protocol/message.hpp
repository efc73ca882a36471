// ParsedMessage: one input line (Airbyte or Singer) split into its parts in a single validating pass.
#pragma once
#include <connhost/plugin_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::protocol {

// The kinds of line connhost understands on input.
enum class MessageType {
    Record,
    State,
    Log,
    Trace,
    Spec,
    Catalog,
    ConnectionStatus,
    Control,  // Airbyte
    SingerSchema,
    SingerRecord,
    SingerState,
    SingerActivateVersion,  // Singer
    Unknown,
};

// A line that is valid JSON but not a valid message; `what()` names the field.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A well-formed RECORD whose data is not a JSON object: a bad record rather than a broken message (the message's
// stream is parsed), which --error-tolerance all sends to the dead-letter file.
class RecordDataNotObject : public ProtocolError {
public:
    using ProtocolError::ProtocolError;
};

// The parts of one message. Views point into the line; reuse one object across lines to keep allocations flat.
struct ParsedMessage {
    MessageType type = MessageType::Unknown;
    std::string type_name;  // the "type" field as written
    std::string stream;     // RECORD / Singer: stream name (unescaped)
    std::string ns;         // RECORD: namespace (unescaped); empty when has_ns is false
    bool has_ns = false;
    std::string_view data;               // RECORD: the data object's exact text; Singer RECORD: the record object
    std::vector<connhost_field> fields;  // RECORD: the members of data, offsets from its first byte (has_fields)
    bool has_fields = false;             // data is an object of at most 4 GiB whose members are in `fields`
    std::string_view meta;               // RECORD: the meta object's text, if any
    int64_t emitted_at = 0;              // RECORD: ms since epoch (valid when has_emitted_at)
    bool has_emitted_at = false;
    std::string_view body;            // STATE/TRACE/LOG/SPEC/CATALOG/CONNECTION_STATUS/CONTROL: the payload object;
                                      // Singer SCHEMA: the schema; Singer STATE: the value
    std::string_view key_properties;  // Singer SCHEMA: the key_properties array text, if present
    std::string_view time_extracted;  // Singer RECORD: the raw time_extracted string, if present
    std::string_view line;            // the whole line
};

// Parses `line` into `out`. Throws JsonSyntaxError (with a byte offset) or ProtocolError.
void parse_message(std::string_view line, ParsedMessage& out);

// The Airbyte protocol name of a payload type ("RECORD", "STATE", ...).
const char* type_name(MessageType t) noexcept;

}  // namespace connhost::protocol
