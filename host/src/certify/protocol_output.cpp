#include "certify/protocol_output.hpp"

#include "certify/text_lines.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/trace_fields.hpp"

#include <boost/json.hpp>

namespace connhost::certify {

namespace json = boost::json;

ProtocolOutput parse_protocol_output(std::string_view out) {
    ProtocolOutput po;
    for_each_line(out, [&](size_t line_no, std::string_view line) {
        if (line.empty()) return true;
        boost::system::error_code ec;
        json::value v = json::parse(line, ec);
        if (ec || !v.is_object()) {
            po.bad_lines.push_back("line " + std::to_string(line_no) + ": " +
                                   (ec ? "not JSON (" + ec.message() + ")" : std::string("not a JSON object")));
            return true;
        }
        po.messages.push_back(std::move(v.as_object()));
        po.line_numbers.push_back(line_no);
        return true;
    });
    return po;
}

std::vector<const json::object*> ProtocolOutput::of_type(std::string_view type) const {
    std::vector<const json::object*> found;
    for (const auto& m : messages) {
        const auto* t = m.if_contains("type");
        if (t && t->is_string() && t->as_string() == type) found.push_back(&m);
    }
    return found;
}

const json::object* ProtocolOutput::first_payload(std::string_view type, std::string_view member) const {
    for (const auto* m : of_type(type)) {
        const auto* p = m->if_contains(member);
        if (p && p->is_object()) return &p->as_object();
    }
    return nullptr;
}

std::string error_message(const ProtocolOutput& out) {
    for (const auto* m : out.of_type("TRACE")) {
        const auto* trace = m->if_contains("trace");
        if (!trace) continue;
        if (auto e = protocol::trace_error_of(json::serialize(*trace))) return e->message;
    }
    std::string last;
    for (const auto* m : out.of_type("LOG")) {
        const auto* log = m->if_contains("log");
        if (!log || !log->is_object()) continue;
        const auto* level = log->as_object().if_contains("level");
        const auto* msg = log->as_object().if_contains("message");
        if (level && level->is_string() && msg && msg->is_string() &&
            (level->as_string() == "ERROR" || level->as_string() == "FATAL"))
            last = msg->as_string().c_str();
    }
    return last;
}

SecretFinder::SecretFinder() : masker_(std::make_unique<logging::SecretMasker>()) {}
SecretFinder::~SecretFinder() = default;

void SecretFinder::add(std::string_view spec_json, std::string_view config_json) {
    logging::collect_secrets(spec_json, config_json, *masker_);
}

bool SecretFinder::empty() const { return masker_->empty(); }

std::optional<std::string> SecretFinder::find_in(std::string_view text) const {
    if (masker_->empty()) return std::nullopt;
    std::string masked;
    std::optional<std::string> found;
    for_each_line(text, [&](size_t line_no, std::string_view line) {
        if (!masker_->mask_data(line, masked)) return true;
        if (masked.size() > 160) masked = masked.substr(0, 157) + "...";
        found = "line " + std::to_string(line_no) + ": " + masked;
        return false;
    });
    return found;
}

}  // namespace connhost::certify
