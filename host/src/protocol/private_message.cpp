#include "protocol/private_message.hpp"

#include "protocol/json_text.hpp"
#include "protocol/message.hpp"

#include <boost/json.hpp>

namespace connhost::protocol {

namespace json = boost::json;

namespace {

constexpr std::string_view kPrefix = R"({"type":"CONNHOST_PRIVATE","connhost_private":{"kind":)";

// The string member `key` of `o`; "" when absent or null (when `optional`), else throws ProtocolError.
std::string string_member(const json::object& o, const char* key, bool optional) {
    const json::value* v = o.if_contains(key);
    if ((!v || v->is_null()) && optional) return {};
    if (!v || !v->is_string())
        throw ProtocolError(std::string("private record_reject message: \"") + key + "\" must be a string");
    return std::string(v->as_string());
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
    std::string m = ",\"line\":" + std::to_string(r.line) + ",\"stream\":";
    m += r.stream.empty() ? std::string("null") : json_string(r.stream);
    m += ",\"namespace\":";
    m += r.has_ns ? json_string(r.ns) : std::string("null");
    m += ",\"reason\":" + json_string(r.reason) + ",\"record\":";
    m += r.record.empty() ? std::string("null") : json_string(r.record);
    return private_message_line(kRecordRejectKind, m);
}

RecordReject record_reject_of(const PrivateMessage& m) {
    RecordReject r;
    const json::value* line = m.body.if_contains("line");
    if (!line || !line->is_number()) throw ProtocolError("private record_reject message: \"line\" must be a number");
    json::error_code ec;
    r.line = line->to_number<uint64_t>(ec);
    if (ec) throw ProtocolError("private record_reject message: \"line\" must be a whole number");
    r.stream = string_member(m.body, "stream", true);
    const json::value* ns = m.body.if_contains("namespace");
    r.has_ns = ns && !ns->is_null();
    if (r.has_ns) r.ns = string_member(m.body, "namespace", false);
    r.reason = string_member(m.body, "reason", false);
    r.record = string_member(m.body, "record", true);
    return r;
}

}  // namespace connhost::protocol
