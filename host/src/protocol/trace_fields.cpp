#include "protocol/trace_fields.hpp"

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
