#include "logging/secret_masker.hpp"

#include "logging/secret_spellings.hpp"
#include "logging/url_userinfo.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <mutex>

namespace connhost::logging {

namespace json = boost::json;

namespace {

using Range = std::pair<size_t, size_t>;

// The [begin, end) of the JSON escape sequence ("\n", "\u00e9") that holds text[pos], or {pos, pos + 1} when none does.
Range escape_around(std::string_view text, size_t pos) {
    const size_t lowest = pos >= 5 ? pos - 5 : 0;
    for (size_t q = pos + 1; q-- > lowest;) {
        if (text[q] != '\\') continue;
        size_t before = 0;
        while (q > before && text[q - before - 1] == '\\') ++before;
        if (before % 2) continue;  // the escaped character of the sequence starting at q - 1
        const size_t len = q + 1 < text.size() && text[q + 1] == 'u' ? 6 : 2;
        if (q + len > pos) return {q, std::min(q + len, text.size())};
        break;
    }
    return {pos, pos + 1};
}

// Appends `text` to `out` with each maximal run of overlapping or touching `ranges` replaced by one mask.
void replace_ranges(std::string_view text, std::vector<Range>& ranges, std::string& out) {
    std::sort(ranges.begin(), ranges.end());
    size_t done = 0;
    for (size_t i = 0; i < ranges.size();) {
        auto [begin, end] = ranges[i];
        for (++i; i < ranges.size() && ranges[i].first <= end; ++i) end = std::max(end, ranges[i].second);
        out.append(text.substr(done, begin - done));
        out.append(SecretMasker::kMask);
        done = end;
    }
    out.append(text.substr(done));
}

}  // namespace

void SecretMasker::add(std::string_view value) {
    if (value.size() < 2) return;
    std::unique_lock lock(mu_);
    if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
    secrets_.emplace_back(value);
    for (std::string& s : secret_spellings(value)) {
        const bool in_json = is_json_string_content(s);
        spellings_.push_back({std::move(s), in_json});
    }
    patterns_ = std::make_shared<const PatternSet>(spellings_);
}

void SecretMasker::add_url_credentials(std::string_view text) {
    for (auto [begin, end] : url_userinfo_ranges(text)) {
        const std::string_view info = text.substr(begin, end - begin);
        const size_t colon = info.find(':');
        if (colon == std::string_view::npos || colon + 1 == info.size())
            continue;  // no password: a user name is no secret
        for (std::string_view v : {info, info.substr(colon + 1)}) {
            add(v);
            add(percent_decode(v));
        }
    }
}

bool SecretMasker::empty() const {
    std::shared_lock lock(mu_);
    return secrets_.empty();
}

std::shared_ptr<const PatternSet> SecretMasker::patterns() const {
    std::shared_lock lock(mu_);
    return patterns_;
}

bool SecretMasker::mask_into(std::string_view text, bool json, bool urls, std::string& out) const {
    std::vector<Range> found;
    const std::shared_ptr<const PatternSet> set = patterns();
    PatternSet::Match m;
    for (size_t from = 0; set->find(text, from, json, m); from = m.begin + 1) found.emplace_back(m.begin, m.end);
    if (urls)
        for (const Range& r : url_userinfo_ranges(text)) found.push_back(r);
    if (found.empty()) return false;
    if (json)
        for (auto& [begin, end] : found) {
            begin = escape_around(text, begin).first;
            end = std::max(end, escape_around(text, end - 1).second);
        }
    replace_ranges(text, found, out);
    return true;
}

std::string SecretMasker::mask(std::string_view text) const {
    std::string out;
    if (!mask_into(text, false, true, out)) return std::string(text);
    return out;
}

std::string SecretMasker::mask_json(std::string_view json) const {
    std::string out;
    if (!mask_into(json, true, true, out)) return std::string(json);
    return out;
}

bool SecretMasker::mask_data(std::string_view json, std::string& out) const {
    std::string masked;
    if (!mask_into(json, true, false, masked)) return false;
    out = std::move(masked);
    return true;
}

bool SecretMasker::occurs_in_data(std::string_view json) const { return patterns()->occurs_in(json, true); }

SecretMasker& secrets() {
    static SecretMasker* m = new SecretMasker();  // outlives every logger
    return *m;
}

namespace {

void add_value(const json::value& v, SecretMasker& into) {
    if (v.is_string())
        into.add(v.as_string());
    else if (v.is_int64() || v.is_uint64() || v.is_double())
        into.add(json::serialize(v));
}

void walk(const json::value& schema, const json::value& config, SecretMasker& into) {
    if (!schema.is_object()) return;
    const json::object& s = schema.as_object();
    if (auto it = s.find("airbyte_secret"); it != s.end() && it->value().is_bool() && it->value().as_bool())
        add_value(config, into);
    if (auto it = s.find("properties"); it != s.end() && it->value().is_object() && config.is_object()) {
        for (const auto& p : it->value().as_object())
            if (auto c = config.as_object().find(p.key()); c != config.as_object().end())
                walk(p.value(), c->value(), into);
    }
    for (const char* alt : {"oneOf", "anyOf", "allOf"})
        if (auto it = s.find(alt); it != s.end() && it->value().is_array())
            for (const auto& option : it->value().as_array()) walk(option, config, into);
    if (auto it = s.find("items"); it != s.end() && config.is_array())
        for (const auto& item : config.as_array()) walk(it->value(), item, into);
}

// Every string of `config`, whatever its spec says: URLs with credentials are configured as plain strings (base_url).
void add_url_credentials_in(const json::value& config, SecretMasker& into) {
    if (config.is_string())
        into.add_url_credentials(config.as_string());
    else if (config.is_object())
        for (const auto& kv : config.as_object()) add_url_credentials_in(kv.value(), into);
    else if (config.is_array())
        for (const auto& v : config.as_array()) add_url_credentials_in(v, into);
}

}  // namespace

void collect_secrets(std::string_view spec_json, std::string_view config_json, SecretMasker& into) {
    boost::system::error_code ec1, ec2;
    json::value spec = json::parse(json::string_view(spec_json.data(), spec_json.size()), ec1);
    json::value config = json::parse(json::string_view(config_json.data(), config_json.size()), ec2);
    if (ec1 || ec2 || !spec.is_object()) return;
    auto cs = spec.as_object().find("connectionSpecification");
    if (cs != spec.as_object().end()) walk(cs->value(), config, into);
    add_url_credentials_in(config, into);
}

}  // namespace connhost::logging
