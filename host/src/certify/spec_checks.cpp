// spec.*: the spec is a ConnectorSpecification whose connectionSpecification is a JSON Schema marking its secrets.
#include "protocol/json_schema.hpp"
#include "certify/source_facts.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <set>

namespace connhost::certify {

namespace json = boost::json;

namespace {

// The word parts of a property name, lower case: "api_key" -> api, key; "accessToken" -> access, token.
std::vector<std::string> word_parts(const std::string& name) {
    std::vector<std::string> parts(1);
    for (size_t i = 0; i < name.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        bool boundary = std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]));
        if (!std::isalnum(c) || boundary) {
            if (!parts.back().empty()) parts.emplace_back();
            if (!std::isalnum(c)) continue;
        }
        parts.back() += static_cast<char>(std::tolower(c));
    }
    if (parts.back().empty()) parts.pop_back();
    return parts;
}

// True when a property named `name` looks like it holds a secret: its last word part is password, passwd, token,
// secret, key or credential(s), except the names of key columns (primary_key, cursor_key, sort_key...).
bool looks_secret(const std::string& name) {
    static const std::set<std::string> secret_words = {"password", "passwd",     "token",      "secret",
                                                       "key",      "credential", "credentials"};
    static const std::set<std::string> column_words = {"primary", "cursor", "sort",  "partition",   "foreign",
                                                       "unique",  "dedup",  "shard", "distribution"};
    auto parts = word_parts(name);
    if (parts.empty() || !secret_words.count(parts.back())) return false;
    return !(parts.back() == "key" && parts.size() > 1 && column_words.count(parts[parts.size() - 2]));
}

// True when the property schema `s` can hold a string (no "type", or one that is or includes "string").
bool admits_string(const json::object& s) {
    const auto* t = s.if_contains("type");
    if (!t) return !s.contains("properties") && !s.contains("items");
    if (t->is_string()) return t->as_string() == "string";
    if (t->is_array())
        for (const auto& x : t->as_array())
            if (x.is_string() && x.as_string() == "string") return true;
    return false;
}

// Appends to `unmarked` the path of every property under `schema` that looks secret, can hold a string and is not
// marked "airbyte_secret": true (through properties, items, oneOf, anyOf, allOf).
void find_unmarked(const json::value& schema, const std::string& path, std::vector<std::string>& unmarked) {
    if (!schema.is_object()) return;
    const auto& s = schema.as_object();
    if (const auto* props = s.if_contains("properties"); props && props->is_object()) {
        for (const auto& [name, sub] : props->as_object()) {
            std::string sub_path = path + "." + std::string(name);
            const auto* marked = sub.is_object() ? sub.as_object().if_contains("airbyte_secret") : nullptr;
            if (sub.is_object() && looks_secret(std::string(name)) && admits_string(sub.as_object()) &&
                !(marked && marked->is_bool() && marked->as_bool()))
                unmarked.push_back(sub_path);
            find_unmarked(sub, sub_path, unmarked);
        }
    }
    if (const auto* items = s.if_contains("items")) find_unmarked(*items, path + "[]", unmarked);
    for (const char* kw : {"oneOf", "anyOf", "allOf"})
        if (const auto* alts = s.if_contains(kw); alts && alts->is_array())
            for (size_t i = 0; i < alts->as_array().size(); ++i)
                find_unmarked(alts->as_array()[i], path + "." + kw + "[" + std::to_string(i) + "]", unmarked);
}

// spec.valid: a SPEC message whose spec is an object with a connectionSpecification object; that spec.
std::optional<json::object> valid_spec(const RunResult& r, CheckReport& report) {
    if (auto why = run_problem("spec", r); !why.empty()) {
        report.fail("spec.valid", why);
        return std::nullopt;
    }
    auto out = parse_protocol_output(r.out);
    if (!out.bad_lines.empty()) {
        report.fail("spec.valid", "spec printed a line that is not a JSON message: " + out.bad_lines.front());
        return std::nullopt;
    }
    const json::object* spec = out.first_payload("SPEC", "spec");
    if (!spec) {
        report.fail("spec.valid", "spec printed no SPEC message with a `spec` object");
        return std::nullopt;
    }
    const auto* cs = spec->if_contains("connectionSpecification");
    if (!cs || !cs->is_object()) {
        report.fail("spec.valid", "the spec has no connectionSpecification object");
        return std::nullopt;
    }
    report.pass("spec.valid", "a SPEC message with a connectionSpecification");
    return *spec;
}

}  // namespace

void check_spec(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    const RunResult r = ctx.runner.run(RunArgs::of("spec"));
    const std::optional<json::object> spec = valid_spec(r, report);
    if (!spec) {
        report.skip("spec.schema", "no connectionSpecification (spec.valid failed)");
        report.skip("spec.secrets_marked", "no connectionSpecification (spec.valid failed)");
        return;
    }
    facts.spec = *spec;
    facts.spec_text = json::serialize(*spec);
    const json::value& cs = spec->at("connectionSpecification");
    const auto* nd = cs.as_object().if_contains("connhost_nondeterministic");
    facts.nondeterministic = nd && nd->is_bool() && nd->as_bool();
    if (auto why = protocol::schema_problem(cs))
        report.fail("spec.schema", "connectionSpecification is " + *why);
    else
        report.pass("spec.schema", "connectionSpecification is a valid draft-07 JSON Schema");
    std::vector<std::string> unmarked;
    find_unmarked(cs, "connectionSpecification", unmarked);
    if (unmarked.empty()) {
        report.pass("spec.secrets_marked", "every field named like a secret is marked airbyte_secret");
        return;
    }
    std::string list;
    for (size_t i = 0; i < unmarked.size() && i < 5; ++i) list += (i ? ", " : "") + unmarked[i];
    report.fail("spec.secrets_marked", "fields named like secrets are not marked \"airbyte_secret\": true: " + list);
}

}  // namespace connhost::certify
