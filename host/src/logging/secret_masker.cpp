#include "logging/secret_masker.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>

namespace connhost::logging {

namespace json = boost::json;

void SecretMasker::add(std::string value) {
    if (value.size() < 2) return;
    // Inside a JSON message the secret stands escaped ("a\"b" for a"b): mask that spelling too.
    std::string escaped = json::serialize(json::string(value));
    escaped = escaped.substr(1, escaped.size() - 2);
    std::unique_lock lock(mu_);
    if (escaped != value && std::find(secrets_.begin(), secrets_.end(), escaped) == secrets_.end()) secrets_.push_back(std::move(escaped));
    if (std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end()) secrets_.push_back(std::move(value));
    // Longest first, so a secret containing another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool SecretMasker::empty() const {
    std::shared_lock lock(mu_);
    return secrets_.empty();
}

std::string SecretMasker::mask(std::string_view text) const {
    std::shared_lock lock(mu_);
    std::string out(text);
    for (const auto& s : secrets_) {
        size_t pos = 0;
        while ((pos = out.find(s, pos)) != std::string::npos) {
            out.replace(pos, s.size(), kMask);
            pos += kMask.size();
        }
    }
    return out;
}

SecretMasker& secrets() {
    static SecretMasker* m = new SecretMasker();  // outlives every logger
    return *m;
}

namespace {

void add_value(const json::value& v, SecretMasker& into) {
    if (v.is_string()) into.add(std::string(v.as_string()));
    else if (v.is_int64() || v.is_uint64() || v.is_double()) into.add(json::serialize(v));
}

void walk(const json::value& schema, const json::value& config, SecretMasker& into) {
    if (!schema.is_object()) return;
    const json::object& s = schema.as_object();
    if (auto it = s.find("airbyte_secret"); it != s.end() && it->value().is_bool() && it->value().as_bool()) add_value(config, into);
    if (auto it = s.find("properties"); it != s.end() && it->value().is_object() && config.is_object()) {
        for (const auto& p : it->value().as_object())
            if (auto c = config.as_object().find(p.key()); c != config.as_object().end()) walk(p.value(), c->value(), into);
    }
    for (const char* alt : {"oneOf", "anyOf", "allOf"})
        if (auto it = s.find(alt); it != s.end() && it->value().is_array())
            for (const auto& option : it->value().as_array()) walk(option, config, into);
    if (auto it = s.find("items"); it != s.end() && config.is_array())
        for (const auto& item : config.as_array()) walk(it->value(), item, into);
}

}  // namespace

void collect_secrets(std::string_view spec_json, std::string_view config_json, SecretMasker& into) {
    boost::system::error_code ec1, ec2;
    json::value spec = json::parse(json::string_view(spec_json.data(), spec_json.size()), ec1);
    json::value config = json::parse(json::string_view(config_json.data(), config_json.size()), ec2);
    if (ec1 || ec2 || !spec.is_object()) return;
    auto cs = spec.as_object().find("connectionSpecification");
    if (cs != spec.as_object().end()) walk(cs->value(), config, into);
}

}  // namespace connhost::logging
