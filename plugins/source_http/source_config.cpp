#include "source_config.hpp"

#include <connhost/sdk/http_pagination.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <cctype>
#include <set>

namespace source_http {

using sdk::ConfigError;

namespace {

// Names whose values are credentials however they are configured (headers or query params).
bool looks_secret(std::string_view name) {
    std::string n(name);
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* w : {"key", "token", "secret", "password", "auth", "signature", "session"})
        if (n.find(w) != std::string::npos) return true;
    return false;
}

double number_or(const json::object& o, const char* key, double dflt, double lo, double hi, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return dflt;
    if (!it->value().is_number()) throw ConfigError(where + "." + key + " must be a number");
    double v = it->value().to_number<double>();
    if (v < lo || v > hi)
        throw ConfigError(where + "." + key + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

std::string scalar_text(const json::value& v, const std::string& where) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_int64() || v.is_uint64() || v.is_bool()) return json::serialize(v);
    if (v.is_double()) return json::serialize(v);
    throw ConfigError(where + " must be a string, number or boolean");
}

std::vector<std::string> field_path(const json::value& v, const std::string& where) {
    if (v.is_string()) return {std::string(v.as_string())};
    if (!v.is_array() || v.as_array().empty())
        throw ConfigError(where + " must be a field name or a non-empty array of field names");
    std::vector<std::string> p;
    for (const auto& e : v.as_array()) {
        if (!e.is_string()) throw ConfigError(where + " must contain only strings");
        p.emplace_back(e.as_string());
    }
    return p;
}

std::string pointer_of(const std::vector<std::string>& path) {
    std::string p;
    for (const auto& part : path) {
        p.push_back('/');
        for (char c : part) {
            if (c == '~')
                p += "~0";
            else if (c == '/')
                p += "~1";
            else
                p.push_back(c);
        }
    }
    return p;
}

void check_pointer(const std::string& ptr, const std::string& where) {
    try {
        sdk::json_pointer_tokens(ptr);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(where + ": " + e.what());
    }
}

StreamConfig parse_stream(const json::object& o, const std::string& where, SourceConfig& cfg) {
    sdk::ConfigView c(o, where);
    c.reject_unknown_keys({"name", "path", "params", "records_pointer", "primary_key", "cursor_field", "cursor_param",
                           "cursor_start", "records_sorted", "paginator", "max_pages"});
    StreamConfig s;
    s.name = c.string("name");
    if (s.name.empty()) throw ConfigError(where + ".name must not be empty");
    s.path = c.string_or("path", "");
    if (auto p = o.find("params"); p != o.end() && !p->value().is_null()) {
        if (!p->value().is_object()) throw ConfigError(where + ".params must be an object of name: value");
        for (const auto& kv : p->value().as_object()) {
            std::string name(kv.key());
            s.params.emplace_back(name, scalar_text(kv.value(), where + ".params." + name));
            if (looks_secret(name)) {
                cfg.http.secret_params.push_back(name);
                cfg.http.secrets.push_back(s.params.back().second);
            }
        }
    }
    s.records_pointer = c.string_or("records_pointer", "");
    check_pointer(s.records_pointer, where + ".records_pointer");
    if (auto pk = o.find("primary_key"); pk != o.end() && !pk->value().is_null()) {
        const json::value& v = pk->value();
        if (v.is_string())
            s.primary_key.push_back({std::string(v.as_string())});
        else if (v.is_array() && !v.as_array().empty() && v.as_array()[0].is_string())
            s.primary_key.push_back(field_path(v, where + ".primary_key"));
        else if (v.is_array())
            for (const auto& part : v.as_array()) s.primary_key.push_back(field_path(part, where + ".primary_key[]"));
        else
            throw ConfigError(where + ".primary_key must be a field name, a path, or an array of paths");
    }
    if (auto cf = o.find("cursor_field"); cf != o.end() && !cf->value().is_null()) {
        s.cursor_field = field_path(cf->value(), where + ".cursor_field");
        s.cursor_pointer = pointer_of(s.cursor_field);
    }
    s.cursor_param = c.string_or("cursor_param", "");
    if (auto cs = o.find("cursor_start"); cs != o.end() && !cs->value().is_null())
        s.cursor_start = scalar_text(cs->value(), where + ".cursor_start");
    if ((!s.cursor_param.empty() || s.cursor_start) && s.cursor_field.empty())
        throw ConfigError(where + ".cursor_param and cursor_start need " + where +
                          ".cursor_field (the record field that orders records)");
    s.records_sorted = c.boolean_or("records_sorted", true);
    if (auto p = o.find("paginator"); p != o.end() && !p->value().is_null()) {
        if (!p->value().is_object()) throw ConfigError(where + ".paginator must be an object with a \"type\"");
        s.paginator = p->value().as_object();
    }
    sdk::make_paginator(s.paginator, where + ".paginator");  // validates now, not mid-sync
    s.max_pages = c.integer_or("max_pages", 0, 0);
    return s;
}

}  // namespace

std::string StreamConfig::cursor_key() const {
    std::string k;
    for (const auto& part : cursor_field) k += (k.empty() ? "" : ".") + part;
    return k;
}

const StreamConfig* SourceConfig::find(const std::string& name) const {
    for (const auto& s : streams)
        if (s.name == name) return &s;
    return nullptr;
}

SourceConfig parse_config(const json::object& config) {
    sdk::ConfigView c(config);
    c.reject_unknown_keys({"base_url", "auth", "headers", "requests_per_second", "connect_timeout_seconds",
                           "timeout_seconds", "max_attempts", "retry_initial_delay_seconds", "retry_max_delay_seconds",
                           "max_retry_after_seconds", "follow_redirects", "user_agent", "check_path", "discover_pages",
                           "streams"});
    SourceConfig cfg;
    cfg.base_url = c.string("base_url");
    if (cfg.base_url.rfind("http://", 0) != 0 && cfg.base_url.rfind("https://", 0) != 0)
        throw ConfigError("config.base_url must start with http:// or https://, got \"" + cfg.base_url + "\"");
    if (auto a = config.find("auth"); a != config.end() && !a->value().is_null()) {
        if (!a->value().is_object()) throw ConfigError("config.auth must be an object with a \"type\"");
        cfg.auth = a->value().as_object();
    }
    if (auto h = config.find("headers"); h != config.end() && !h->value().is_null()) {
        if (!h->value().is_object()) throw ConfigError("config.headers must be an object of name: value");
        for (const auto& kv : h->value().as_object()) {
            std::string name(kv.key());
            if (!kv.value().is_string()) throw ConfigError("config.headers." + name + " must be a string");
            std::string value(kv.value().as_string());
            if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos)
                throw ConfigError("config.headers." + name +
                                  ": header names and values must not contain line breaks (or ':' in names)");
            if (looks_secret(name)) cfg.http.secrets.push_back(value);
            cfg.headers.emplace_back(std::move(name), std::move(value));
        }
    }
    cfg.http.requests_per_second = number_or(config, "requests_per_second", 0, 0, 1e6, "config");
    cfg.http.connect_timeout_s = number_or(config, "connect_timeout_seconds", 10, 0.001, 3600, "config");
    cfg.http.timeout_s = number_or(config, "timeout_seconds", 60, 0.001, 86400, "config");
    cfg.http.retry.max_attempts = static_cast<int>(c.integer_or("max_attempts", 5, 1, 100));
    cfg.http.retry.initial_delay_s = number_or(config, "retry_initial_delay_seconds", 1, 0, 3600, "config");
    cfg.http.retry.max_delay_s = number_or(config, "retry_max_delay_seconds", 60, 0, 86400, "config");
    cfg.http.retry.max_retry_after_s = number_or(config, "max_retry_after_seconds", 600, 0, 86400, "config");
    cfg.http.follow_redirects = c.boolean_or("follow_redirects", false);
    cfg.http.user_agent = c.string_or("user_agent", "connhost-source-http/0.1");
    cfg.check_path = c.string_or("check_path", "");
    cfg.discover_pages = c.integer_or("discover_pages", 1, 1, 1000);
    auto st = config.find("streams");
    if (st == config.end() || !st->value().is_array() || st->value().as_array().empty())
        throw ConfigError(
            "config.streams must be a non-empty array of streams ({\"name\", \"path\", \"records_pointer\", ...})");
    std::set<std::string> names;
    size_t i = 0;
    for (const auto& sv : st->value().as_array()) {
        std::string where = "config.streams[" + std::to_string(i++) + "]";
        if (!sv.is_object()) throw ConfigError(where + " must be an object");
        StreamConfig s = parse_stream(sv.as_object(), where, cfg);
        if (!names.insert(s.name).second) throw ConfigError(where + ".name \"" + s.name + "\" is used by two streams");
        cfg.streams.push_back(std::move(s));
    }
    return cfg;
}

}  // namespace source_http
