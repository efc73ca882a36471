#include "protocol/message.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/record_fields.hpp"

#include <charconv>
#include <cstdlib>

namespace connhost::protocol {

namespace {

MessageType classify(std::string_view t) noexcept {
    if (t == "RECORD") return MessageType::Record;
    if (t == "STATE") return MessageType::State;
    if (t == "LOG") return MessageType::Log;
    if (t == "TRACE") return MessageType::Trace;
    if (t == "SPEC") return MessageType::Spec;
    if (t == "CATALOG") return MessageType::Catalog;
    if (t == "CONNECTION_STATUS") return MessageType::ConnectionStatus;
    if (t == "CONTROL") return MessageType::Control;
    if (t == "SCHEMA") return MessageType::SingerSchema;
    if (t == "ACTIVATE_VERSION") return MessageType::SingerActivateVersion;
    return MessageType::Unknown;
}

// The JSON number `num` as milliseconds (1.6E12 and friends rounded toward zero), or false when no int64
// holds it (tests/fuzz found 1e99: converting it was undefined behaviour).
bool parse_millis(std::string_view num, int64_t& v) {
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec == std::errc() && ptr == num.data() + num.size()) return true;
    const double d = std::strtod(std::string(num).c_str(), nullptr);
    if (!(d > -9.2e18 && d < 9.2e18)) return false;
    v = static_cast<int64_t>(d);
    return true;
}

// Spans captured from the top level and from a "record" object, before the type is known.
struct Captured {
    std::string_view record, state, trace, log, spec, catalog, connection_status, control, schema, value,
        key_properties, time_extracted;
    bool record_is_object = false;
    bool rec_has_stream = false, rec_has_data = false, top_has_stream = false;
    std::string rec_stream, top_stream;
    std::string_view rec_data, rec_meta;
    bool rec_fields_ok = false;  // out.fields holds the members of rec_data
    int64_t rec_emitted_at = 0;
    bool rec_has_emitted_at = false;
    std::string_view rec_bad_emitted_at;  // an emitted_at no int64 holds (an error only for an Airbyte RECORD)
};

// Scans the members of an Airbyte record object, leniently (a Singer record may hold anything).
void scan_record_object(JsonScanner& s, ParsedMessage& out, Captured& c) {
    s.enter();
    s.members([&](std::string_view key) {
        char next = s.peek();
        if (key == "stream" && next == '"') {
            s.read_string(&c.rec_stream);
            c.rec_has_stream = true;
        } else if (key == "namespace" && next == '"') {
            s.read_string(&out.ns);
            out.has_ns = true;
        } else if (key == "data" && next == '{') {  // a data object's members are kept as they are checked
            out.fields.clear();
            c.rec_data = read_record_fields(s, s.position(), out.fields);
            c.rec_fields_ok = c.rec_data.size() <= kMaxFieldsRecordBytes;
            c.rec_has_data = true;
        } else if (key == "data") {
            c.rec_data = s.skip_value();
            c.rec_fields_ok = false;
            c.rec_has_data = true;
        } else if (key == "emitted_at" && (next == '-' || (next >= '0' && next <= '9'))) {
            const std::string_view num = s.read_number();
            c.rec_has_emitted_at = parse_millis(num, c.rec_emitted_at);
            if (!c.rec_has_emitted_at) c.rec_bad_emitted_at = num;
        } else if (key == "meta") {
            c.rec_meta = s.skip_value();
        } else {
            s.skip_value();
        }
    });
    s.leave();
}

std::string_view object_or_throw(std::string_view v, const char* field) {
    if (v.empty()) throw ProtocolError(std::string("missing \"") + field + "\"");
    if (v.front() != '{') throw ProtocolError(std::string("\"") + field + "\" must be an object");
    return v;
}

// Clears what a previous parse left in `out`.
void reset(ParsedMessage& out, std::string_view line) {
    out.line = line;
    out.type = MessageType::Unknown;
    out.type_name.clear();
    out.has_ns = false;
    out.ns.clear();
    out.data = out.meta = out.body = out.key_properties = out.time_extracted = {};
    out.fields.clear();
    out.has_fields = false;
    out.emitted_at = 0;
    out.has_emitted_at = false;
}

// The span of the top-level member `key` kept for after the type is known, or null for members not kept.
std::string_view* kept_member(std::string_view key, Captured& c) noexcept {
    if (key == "record") return &c.record;  // a non-object record (objects are scanned where they are met)
    if (key == "state") return &c.state;
    if (key == "trace") return &c.trace;
    if (key == "log") return &c.log;
    if (key == "spec") return &c.spec;
    if (key == "catalog") return &c.catalog;
    if (key == "connectionStatus") return &c.connection_status;
    if (key == "control") return &c.control;
    if (key == "schema") return &c.schema;
    if (key == "value") return &c.value;
    if (key == "key_properties") return &c.key_properties;
    return nullptr;
}

// Validates the whole line (one JSON object) and captures its members into `out` and `c`.
void scan_top_level(std::string_view line, ParsedMessage& out, Captured& c, bool& has_type) {
    JsonScanner s(line);
    if (s.peek() != '{') s.fail("a message must be a JSON object");
    s.expect('{', "'{'");
    s.enter();
    s.members([&](std::string_view key) {
        char next = s.peek();
        if (key == "type" && next == '"') {
            s.read_string(&out.type_name);
            has_type = true;
        } else if (key == "record" && next == '{') {
            const size_t start = s.offset();
            s.expect('{', "'{'");
            scan_record_object(s, out, c);
            c.record = line.substr(start, s.offset() - start);
            c.record_is_object = true;
        } else if (key == "stream" && next == '"') {
            s.read_string(&c.top_stream);
            c.top_has_stream = true;
        } else if (key == "time_extracted" && next == '"') {
            c.time_extracted = s.read_string();
        } else if (std::string_view* kept = kept_member(key, c)) {
            *kept = s.skip_value();
        } else {
            s.skip_value();
        }
    });
    s.leave();
    s.expect_end();
}

void finish_singer_record(ParsedMessage& out, const Captured& c) {
    out.type = MessageType::SingerRecord;
    if (!c.top_has_stream) throw ProtocolError("Singer RECORD without \"stream\"");
    out.stream = c.top_stream;
    if (c.record.empty()) throw ProtocolError("missing \"record\"");
    out.data = c.record;
    out.time_extracted = c.time_extracted;
    out.has_ns = false;
    out.ns.clear();
    if (out.data.front() != '{') throw RecordDataNotObject("\"record\" must be an object");
}

void finish_record(ParsedMessage& out, const Captured& c) {
    if (!c.record_is_object) throw ProtocolError("RECORD without a \"record\" object");
    if (!c.rec_has_stream) throw ProtocolError("RECORD without \"record.stream\" (a string)");
    if (!c.rec_has_data) throw ProtocolError("RECORD without \"record.data\"");
    if (!c.rec_bad_emitted_at.empty())
        throw ProtocolError("\"record.emitted_at\" " + std::string(c.rec_bad_emitted_at.substr(0, 40)) +
                            " is not a time in milliseconds since 1970");
    out.stream = c.rec_stream;
    if (c.rec_data.front() != '{') throw RecordDataNotObject("\"record.data\" must be an object");
    out.data = c.rec_data;
    out.has_fields = c.rec_fields_ok;
    out.meta = c.rec_meta;
    out.emitted_at = c.rec_emitted_at;
    out.has_emitted_at = c.rec_has_emitted_at;
}

}  // namespace

const char* type_name(MessageType t) noexcept {
    switch (t) {
        case MessageType::Record: return "RECORD";
        case MessageType::State: return "STATE";
        case MessageType::Log: return "LOG";
        case MessageType::Trace: return "TRACE";
        case MessageType::Spec: return "SPEC";
        case MessageType::Catalog: return "CATALOG";
        case MessageType::ConnectionStatus: return "CONNECTION_STATUS";
        case MessageType::Control: return "CONTROL";
        case MessageType::SingerSchema: return "SCHEMA";
        case MessageType::SingerRecord: return "RECORD";
        case MessageType::SingerState: return "STATE";
        case MessageType::SingerActivateVersion: return "ACTIVATE_VERSION";
        default: return "UNKNOWN";
    }
}

void parse_message(std::string_view line, ParsedMessage& out) {
    reset(out, line);
    Captured c;
    bool has_type = false;
    scan_top_level(line, out, c, has_type);
    if (!has_type) throw ProtocolError("missing \"type\" (a message needs \"type\": \"RECORD\", \"STATE\", ...)");
    out.type = classify(out.type_name);
    // Singer lines carry "stream" at the top level; Airbyte lines never do.
    const bool singer = c.top_has_stream || out.type == MessageType::SingerSchema ||
        (out.type == MessageType::State && !c.value.empty() && c.state.empty());
    switch (out.type) {
        case MessageType::Record: return singer ? finish_singer_record(out, c) : finish_record(out, c);
        case MessageType::State:
            if (singer) {
                out.type = MessageType::SingerState;
                if (c.value.empty()) throw ProtocolError("Singer STATE without \"value\"");
                out.body = c.value;
                return;
            }
            out.body = object_or_throw(c.state, "state");
            return;
        case MessageType::Trace: out.body = object_or_throw(c.trace, "trace"); return;
        case MessageType::Log: out.body = object_or_throw(c.log, "log"); return;
        case MessageType::Spec: out.body = object_or_throw(c.spec, "spec"); return;
        case MessageType::Catalog: out.body = object_or_throw(c.catalog, "catalog"); return;
        case MessageType::ConnectionStatus: out.body = object_or_throw(c.connection_status, "connectionStatus"); return;
        case MessageType::Control: out.body = object_or_throw(c.control, "control"); return;
        case MessageType::SingerSchema:
            if (!c.top_has_stream) throw ProtocolError("SCHEMA without \"stream\"");
            out.stream = c.top_stream;
            out.body = object_or_throw(c.schema, "schema");
            out.key_properties = c.key_properties;
            return;
        case MessageType::SingerActivateVersion: out.stream = c.top_stream; return;
        default:
            throw ProtocolError("unknown message type \"" + out.type_name +
                                "\" (expected RECORD, STATE, TRACE, LOG, SPEC, CATALOG, CONNECTION_STATUS, CONTROL, or "
                                "Singer's SCHEMA)");
    }
}

}  // namespace connhost::protocol
