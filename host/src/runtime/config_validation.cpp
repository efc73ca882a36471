#include "runtime/config_validation.hpp"

#include "logging/log_setup.hpp"
#include "protocol/json_schema.hpp"
#include "runtime/run_failure.hpp"

#include <connhost/internal/edit_distance.hpp>

#include <boost/json.hpp>

#include <optional>
#include <vector>

namespace connhost::runtime {

namespace json = boost::json;

namespace {

// A config field's place: the keys and indices from the config's top.
using Path = std::vector<std::string>;

std::string path_text(const Path& path, const json::value& config) {
    std::string out = "config";
    const json::value* at = &config;
    for (const auto& seg : path) {
        const bool index = at && at->is_array();
        out += index ? "[" + seg + "]" : "." + seg;
        if (index)
            at = std::stoul(seg) < at->as_array().size() ? &at->as_array()[std::stoul(seg)] : nullptr;
        else
            at = (at && at->is_object()) ? at->as_object().if_contains(seg) : nullptr;
    }
    return out;
}

const json::value* value_at(const json::value& config, const Path& path) {
    const json::value* at = &config;
    for (const auto& seg : path) {
        if (at->is_array() && std::stoul(seg) < at->as_array().size())
            at = &at->as_array()[std::stoul(seg)];
        else if (at->is_object() && at->as_object().contains(seg))
            at = &at->as_object().at(seg);
        else
            return nullptr;
    }
    return at;
}

// The subschema of `schema` for child `seg` (a property, through oneOf/anyOf/allOf branches too, or an item).
const json::value* child_schema(const json::value& schema, const std::string& seg, bool index) {
    if (!schema.is_object()) return nullptr;
    const json::object& s = schema.as_object();
    if (index) return s.if_contains("items");
    if (auto* props = s.if_contains("properties"); props && props->is_object())
        if (auto* p = props->as_object().if_contains(seg)) return p;
    for (const char* combinator : {"oneOf", "anyOf", "allOf"})
        if (auto* branches = s.if_contains(combinator); branches && branches->is_array())
            for (const auto& b : branches->as_array())
                if (auto* found = child_schema(b, seg, false)) return found;
    auto* extra = s.if_contains("additionalProperties");
    return (extra && extra->is_object()) ? extra : nullptr;
}

const json::value* schema_at(const json::value& schema, const json::value& config, const Path& path) {
    const json::value* s = &schema;
    for (size_t i = 0; s && i < path.size(); ++i) {
        const json::value* v = value_at(config, Path(path.begin(), path.begin() + i));
        s = child_schema(*s, path[i], v && v->is_array());
    }
    return s;
}

// The property names `schema` declares (its branches' too).
std::vector<std::string> declared(const json::value& schema) {
    std::vector<std::string> out;
    if (!schema.is_object()) return out;
    if (auto* props = schema.as_object().if_contains("properties"); props && props->is_object())
        for (const auto& kv : props->as_object()) out.emplace_back(kv.key());
    for (const char* combinator : {"oneOf", "anyOf", "allOf"})
        if (auto* branches = schema.as_object().if_contains(combinator); branches && branches->is_array())
            for (const auto& b : branches->as_array())
                for (auto& name : declared(b)) out.push_back(std::move(name));
    return out;
}

// "an integer", "a string or null": the JSON type(s) `schema` allows.
std::string type_words(const json::value* schema) {
    const json::value* t = (schema && schema->is_object()) ? schema->as_object().if_contains("type") : nullptr;
    std::vector<std::string> names;
    if (t && t->is_string()) names.emplace_back(t->as_string());
    if (t && t->is_array())
        for (const auto& n : t->as_array())
            if (n.is_string()) names.emplace_back(n.as_string());
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? (n[0] == 'a' || n[0] == 'i' || n[0] == 'o' ? "an " : "a ") : " or ") + n;
    return out.empty() ? "another type" : out;
}

// The name quoted in a valijson description ("Missing required property 'host'.").
std::string quoted_name(const std::string& description) {
    auto end = description.rfind('\'');
    auto start = end == std::string::npos ? end : description.rfind('\'', end - 1);
    return start == std::string::npos ? std::string() : description.substr(start + 1, end - start - 1);
}

Path path_of(const std::vector<std::string>& context) {
    Path path;
    for (const auto& c : context)
        if (c.size() >= 2 && c.front() == '[' && c.back() == ']') path.push_back(c.substr(1, c.size() - 2));
    return path;
}

bool is_prefix(const Path& a, const Path& b) {
    return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// " for paginator type cursor" when the object at `path` says its kind in a string "type" field, else "".
std::string kind_of(const json::value& config, const Path& path) {
    const json::value* v = value_at(config, path);
    const json::value* t = (v && v->is_object() && !path.empty()) ? v->as_object().if_contains("type") : nullptr;
    return (t && t->is_string()) ? " for " + path.back() + " type " + std::string(t->as_string()) : "";
}

// One problem, said for people: what is wrong at which path, and what to do.
struct Problem {
    std::string what, todo;
};

Problem explain(const json::value& schema, const json::value& config, const protocol::JsonSchema::Error& e,
                const std::string& context) {
    const Path path = path_of(e.context);
    const std::string at = path_text(path, config);
    const std::string& d = e.description;
    if (d.rfind("Missing required property", 0) == 0)
        return {at + "." + quoted_name(d) + " is required" + context, "add it"};
    if (d.find("could not be validated using 'properties'") != std::string::npos) {
        const std::string key = quoted_name(d);
        std::string what = at + "." + key + ": unknown key" + (context.empty() ? kind_of(config, path) : context);
        const json::value* s = schema_at(schema, config, path);
        const std::vector<std::string> names = s ? declared(*s) : std::vector<std::string>{};  // near points into it
        const std::string_view near = internal::nearest_name(key, names);
        if (!near.empty()) what += "; did you mean \"" + std::string(near) + "\"?";
        return {what, "remove it or correct its name (the spec does not allow other fields here)"};
    }
    if (d.rfind("Value type not permitted", 0) == 0) {
        const std::string type = type_words(schema_at(schema, config, path));
        return {at + " must be " + type + context, "set it to " + type};
    }
    return {at + ": " + d + context, "correct it"};
}

Problem first_problem(const json::value& schema, const json::value& config, const std::string& context = {});

// For a oneOf/anyOf at `path` whose branches are told apart by a const property (e.g. "type": "bearer"): the
// problem of the branch the config's value names, else one saying no branch matches.
Problem branch_problem(const json::value& schema, const json::value& config, const Path& path) {
    const std::string at = path_text(path, config);
    const json::value* s = schema_at(schema, config, path);
    const json::value* v = value_at(config, path);
    const json::object* obj = (v && v->is_object()) ? &v->as_object() : nullptr;
    for (const char* combinator : {"oneOf", "anyOf"}) {
        auto* branches = (s && s->is_object()) ? s->as_object().if_contains(combinator) : nullptr;
        if (!obj || !branches || !branches->is_array()) continue;
        for (const auto& b : branches->as_array()) {
            auto* props = b.is_object() ? b.as_object().if_contains("properties") : nullptr;
            if (!props || !props->is_object()) continue;
            for (const auto& kv : props->as_object()) {
                auto* c = kv.value().is_object() ? kv.value().as_object().if_contains("const") : nullptr;
                auto* given = obj->if_contains(kv.key());
                if (!c || !given || *c != *given) continue;
                const std::string name = path.empty() ? "config" : path.back();
                std::string tag = given->is_string() ? std::string(given->as_string()) : json::serialize(*given);
                Problem p = first_problem(b, *v, " for " + name + " " + std::string(kv.key()) + " " + tag);
                p.what.replace(0, 6, at);  // "config..." of the branch is `at`
                return p;
            }
        }
    }
    return {at + " matches none of the kinds the spec allows", "make it one of them"};
}

Problem first_problem(const json::value& schema, const json::value& config, const std::string& context) {
    std::vector<protocol::JsonSchema::Error> errors;
    try {
        errors = protocol::JsonSchema(schema).errors(config, 64);
    } catch (const std::exception&) {
        return {path_text({}, config) + " does not match its schema" + context, "correct it"};
    }
    if (errors.empty()) return {};
    const Path first = path_of(errors.front().context);
    for (const auto& e : errors) {
        const bool branch = e.description.find("child schemas allowed by oneOf") != std::string::npos ||
            e.description.find("child schemas allowed by anyOf") != std::string::npos;
        if (branch && is_prefix(path_of(e.context), first)) return branch_problem(schema, config, path_of(e.context));
    }
    return explain(schema, config, errors.front(), context);
}

// Warns about each field of `value` at `path` that `schema` neither declares nor forbids, and looks inside the
// declared ones.
void warn_unknown(const json::value& schema, const json::value& value, const Path& path, const json::value& config,
                  const std::string& origin, const std::string& plugin) {
    if (!schema.is_object()) return;
    if (value.is_array()) {
        if (auto* items = schema.as_object().if_contains("items"))
            for (size_t i = 0; i < value.as_array().size(); ++i) {
                Path p = path;
                p.push_back(std::to_string(i));
                warn_unknown(*items, value.as_array()[i], p, config, origin, plugin);
            }
        return;
    }
    if (!value.is_object()) return;
    const auto known = declared(schema);
    const bool open = schema.as_object().contains("additionalProperties") ||
        schema.as_object().contains("patternProperties") || known.empty();
    for (const auto& kv : value.as_object()) {
        Path p = path;
        p.emplace_back(kv.key());
        if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
            if (!open)
                logging::host_log().warn(
                    "{}: {} is not a field of the spec of plugin {} (passed on as given; a "
                    "misspelling?)",
                    origin, path_text(p, config), plugin);
            continue;
        }
        if (auto* s = child_schema(schema, std::string(kv.key()), false))
            warn_unknown(*s, kv.value(), p, config, origin, plugin);
    }
}

}  // namespace

void validate_config(std::string_view spec, std::string_view config, const std::string& origin,
                     const std::string& plugin) {
    boost::system::error_code ec;
    json::value s = json::parse(json::string_view(spec.data(), spec.size()), ec);
    if (ec || !s.is_object()) return;
    const json::value* schema = s.as_object().if_contains("connectionSpecification");
    json::value c = json::parse(json::string_view(config.data(), config.size()), ec);
    if (!schema || !schema->is_object() || ec) return;
    try {
        protocol::JsonSchema compiled(*schema);
    } catch (const std::exception& e) {
        logging::host_log().warn("{}: not validated, the spec of plugin {} cannot be used: {}", origin, plugin,
                                 e.what());
        return;
    }
    Problem p = first_problem(*schema, c);
    if (!p.what.empty())
        throw RunFailure(origin + " does not match the spec of plugin " + plugin + ": " + p.what + "; " + p.todo +
                             " (`connhost run --plugin " + plugin + " spec` prints the spec)",
                         "config_error");
    warn_unknown(*schema, c, {}, c, origin, plugin);
}

}  // namespace connhost::runtime
