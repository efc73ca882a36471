#include "protocol/trace_fields.hpp"

#include "protocol/json_text.hpp"

#include <boost/json.hpp>

namespace connhost::protocol {

namespace json = boost::json;

namespace {
std::optional<json::object> trace_of_type(std::string_view body, std::string_view type) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(body.data(), body.size()), ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto t = v.as_object().find("type");
    if (t == v.as_object().end() || t->value() != json::string_view(type.data(), type.size())) return std::nullopt;
    return std::move(v.as_object());
}
std::string str_at(const json::object& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}
}  // namespace

std::string stream_status_of(std::string_view trace_body) {
    auto o = trace_of_type(trace_body, "STREAM_STATUS");
    if (!o) return {};
    auto ss = o->find("stream_status");
    return ss != o->end() && ss->value().is_object() ? json::serialize(ss->value()) : std::string();
}

StreamStatusFields stream_status_fields(std::string_view stream_status_json) {
    StreamStatusFields f;
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(stream_status_json.data(), stream_status_json.size()), ec);
    if (ec || !v.is_object()) return f;
    const json::object& o = v.as_object();
    f.status = str_at(o, "status");
    if (auto d = o.find("stream_descriptor"); d != o.end() && d->value().is_object()) {
        f.name = str_at(d->value().as_object(), "name");
        f.ns = str_at(d->value().as_object(), "namespace");
    }
    return f;
}

std::string stream_status_object(std::string_view ns, std::string_view name, std::string_view status) {
    std::string o = R"({"stream_descriptor":{"name":)" + json_string(name);
    if (!ns.empty()) o += R"(,"namespace":)" + json_string(ns);
    return o + R"(},"status":)" + json_string(status) + "}";
}

std::string stream_status_trace(std::string_view ns, std::string_view name, std::string_view status,
                                int64_t emitted_at_ms) {
    return R"({"type":"STREAM_STATUS","emitted_at":)" + std::to_string(emitted_at_ms) + R"(,"stream_status":)" +
        stream_status_object(ns, name, status) + "}";
}

std::optional<TraceEstimate> trace_estimate_of(std::string_view trace_body) {
    auto o = trace_of_type(trace_body, "ESTIMATE");
    const json::value* e = o ? o->if_contains("estimate") : nullptr;
    if (!e || !e->is_object()) return std::nullopt;
    const json::object& est = e->as_object();
    const json::value* rows = est.if_contains("row_estimate");
    if (str_at(est, "type") != "STREAM" || !rows || !(rows->is_uint64() || rows->is_int64())) return std::nullopt;
    if (rows->is_int64() && rows->as_int64() < 0) return std::nullopt;
    return TraceEstimate{str_at(est, "namespace"), str_at(est, "name"), rows->to_number<uint64_t>()};
}

std::optional<TraceError> trace_error_of(std::string_view trace_body) {
    auto o = trace_of_type(trace_body, "ERROR");
    if (!o) return std::nullopt;
    TraceError e{"(no message)", {}};
    if (auto it = o->find("error"); it != o->end() && it->value().is_object()) {
        std::string m = str_at(it->value().as_object(), "message");
        if (!m.empty()) e.message = std::move(m);
        e.failure_type = str_at(it->value().as_object(), "failure_type");
    }
    return e;
}

}  // namespace connhost::protocol
