#include "protocol/private_message.hpp"

#include "protocol/json_text.hpp"
#include "protocol/message.hpp"

#include <boost/json.hpp>

namespace connhost::protocol {

namespace json = boost::json;

namespace {

constexpr std::string_view kPrefix = R"({"type":"CONNHOST_PRIVATE","connhost_private":{"kind":)";

// The string member `key` of message `m`; "" when absent or null (when `optional`), else throws ProtocolError.
std::string string_member(const PrivateMessage& m, const char* key, bool optional) {
    const json::value* v = m.body.if_contains(key);
    if ((!v || v->is_null()) && optional) return {};
    if (!v || !v->is_string()) throw ProtocolError("private " + m.kind + " message: \"" + key + "\" must be a string");
    return std::string(v->as_string());
}

// The whole-number member `key` of message `m`; throws ProtocolError when it is missing or not one.
uint64_t count_member(const PrivateMessage& m, const char* key) {
    const json::value* v = m.body.if_contains(key);
    json::error_code ec;
    const uint64_t n = v && v->is_number() ? v->to_number<uint64_t>(ec) : 0;
    if (!v || !v->is_number() || ec)
        throw ProtocolError("private " + m.kind + " message: \"" + key + "\" must be a whole number");
    return n;
}

// The members naming a stream: ,"stream":S,"namespace":N (null when absent).
std::string stream_members(std::string_view stream, bool has_ns, std::string_view ns) {
    std::string m = ",\"stream\":";
    m += stream.empty() ? std::string("null") : json_string(stream);
    m += ",\"namespace\":";
    m += has_ns ? json_string(ns) : std::string("null");
    return m;
}

// Reads the members stream_members wrote.
void read_stream_members(const PrivateMessage& m, std::string& stream, bool& has_ns, std::string& ns) {
    stream = string_member(m, "stream", true);
    const json::value* v = m.body.if_contains("namespace");
    has_ns = v && !v->is_null();
    if (has_ns) ns = string_member(m, "namespace", false);
}

}  // namespace

bool is_private_message(std::string_view line) noexcept { return line.substr(0, kPrefix.size()) == kPrefix; }

std::string private_message_line(std::string_view kind, std::string_view members) {
    std::string out(kPrefix);
    append_json_string(out, kind);
    out += members;
    out += "}}";
    return out;
}

PrivateMessage parse_private_message(std::string_view line) {
    json::error_code ec;
    json::value v = json::parse(json::string_view(line.data(), line.size()), ec);
    const json::value* body = ec || !v.is_object() ? nullptr : v.as_object().if_contains("connhost_private");
    if (!body || !body->is_object()) throw ProtocolError("a private message needs a \"connhost_private\" object");
    const json::value* kind = body->as_object().if_contains("kind");
    if (!kind || !kind->is_string()) throw ProtocolError("a private message needs a string \"kind\"");
    return {std::string(kind->as_string()), body->as_object()};
}

std::string record_reject_line(const RecordReject& r) {
    std::string m = ",\"line\":" + std::to_string(r.line) + stream_members(r.stream, r.has_ns, r.ns);
    m += ",\"reason\":" + json_string(r.reason) + ",\"record\":";
    m += r.record.empty() ? std::string("null") : json_string(r.record);
    return private_message_line(kRecordRejectKind, m);
}

RecordReject record_reject_of(const PrivateMessage& m) {
    RecordReject r;
    r.line = count_member(m, "line");
    read_stream_members(m, r.stream, r.has_ns, r.ns);
    r.reason = string_member(m, "reason", false);
    r.record = string_member(m, "record", true);
    return r;
}

std::string value_changes_line(const ValueChanges& c) {
    return private_message_line(kValueChangesKind,
                                stream_members(c.stream, c.has_ns, c.ns) + ",\"count\":" + std::to_string(c.count));
}

ValueChanges value_changes_of(const PrivateMessage& m) {
    ValueChanges c;
    read_stream_members(m, c.stream, c.has_ns, c.ns);
    c.count = count_member(m, "count");
    return c;
}

}  // namespace connhost::protocol
