// discover.*: a valid catalog whose schemas are JSON Schemas holding the primary keys and cursors it names.
#include "protocol/json_schema.hpp"
#include "certify/source_facts.hpp"

#include <boost/json.hpp>

namespace connhost::certify {

namespace json = boost::json;

namespace {

// The name of stream `s` for messages ("?" without one).
std::string stream_label(const json::object& s) {
    const auto* n = s.if_contains("name");
    return n && n->is_string() ? std::string(n->as_string()) : "?";
}

// discover.catalog: every stream has a string name and an object json_schema. Empty when so, else why not.
std::string catalog_problem(const json::object& catalog) {
    const auto* streams = catalog.if_contains("streams");
    if (!streams || !streams->is_array()) return "the catalog has no `streams` array";
    size_t i = 0;
    for (const auto& s : streams->as_array()) {
        std::string at = "streams[" + std::to_string(i++) + "]";
        if (!s.is_object()) return at + " is not an object";
        const auto* n = s.as_object().if_contains("name");
        if (!n || !n->is_string() || n->as_string().empty()) return at + " has no name";
        const auto* js = s.as_object().if_contains("json_schema");
        if (!js || !js->is_object()) return "stream " + stream_label(s.as_object()) + " has no json_schema object";
    }
    return "";
}

// True when `path` (field names, outer first) leads through nested "properties" of `schema`.
bool path_exists(const json::value& schema, const json::array& path) {
    const json::value* at = &schema;
    for (const auto& part : path) {
        if (!part.is_string() || !at->is_object()) return false;
        const auto* props = at->as_object().if_contains("properties");
        if (!props || !props->is_object()) return false;
        at = props->as_object().if_contains(part.as_string());
        if (!at) return false;
    }
    return !path.empty();
}

// The problem of stream `s`'s source_defined_primary_key and default_cursor_field paths, "" when none.
std::string key_problem(const json::object& s) {
    const json::value& schema = s.at("json_schema");
    if (const auto* pk = s.if_contains("source_defined_primary_key"); pk && !pk->is_null()) {
        if (!pk->is_array()) return "source_defined_primary_key is not an array of paths";
        for (const auto& path : pk->as_array())
            if (!path.is_array() || !path_exists(schema, path.as_array()))
                return "primary key path " + json::serialize(path) + " is not in the schema's properties";
    }
    if (const auto* cf = s.if_contains("default_cursor_field"); cf && !cf->is_null()) {
        if (!cf->is_array()) return "default_cursor_field is not an array (a path)";
        if (!cf->as_array().empty() && !path_exists(schema, cf->as_array()))
            return "cursor path " + json::serialize(*cf) + " is not in the schema's properties";
    }
    return "";
}

// The problem of stream `s`'s supported_sync_modes, "" when it lists only full_refresh / incremental, at least one.
std::string sync_modes_problem(const json::object& s) {
    const auto* m = s.if_contains("supported_sync_modes");
    if (!m || !m->is_array() || m->as_array().empty()) return "has no supported_sync_modes";
    for (const auto& mode : m->as_array())
        if (!mode.is_string() || (mode.as_string() != "full_refresh" && mode.as_string() != "incremental"))
            return "has an unknown sync mode " + json::serialize(mode);
    return "";
}

// Reports `id` as failed with the first problem `problem_of` finds in a stream, else as passed with `detail`.
template <class F>
void per_stream(const json::array& streams, CheckReport& report, const char* id, const std::string& detail,
                F problem_of) {
    for (const auto& s : streams)
        if (std::string why = problem_of(s.as_object()); !why.empty()) {
            report.fail(id, "stream " + stream_label(s.as_object()) + ": " + why);
            return;
        }
    report.pass(id, detail);
}

}  // namespace

void check_discover(CertifyContext& ctx, SourceFacts& facts, CheckReport& report) {
    const char* ids[] = {"discover.catalog", "discover.schemas", "discover.keys", "discover.sync_modes"};
    if (!ctx.options.config) {
        for (const char* id : ids) report.skip(id, "needs --config");
        return;
    }
    const RunResult& r = facts.run(ctx, "discover", RunArgs::of("discover"));
    auto out = parse_protocol_output(r.out);
    const json::object* catalog = out.first_payload("CATALOG", "catalog");
    std::string why = run_problem("discover", r);
    if (why.empty()) why = !catalog ? "discover printed no CATALOG message" : catalog_problem(*catalog);
    if (!why.empty()) {
        report.fail(ids[0], why);
        for (const char* id : {ids[1], ids[2], ids[3]}) report.skip(id, "no catalog (discover.catalog failed)");
        return;
    }
    facts.catalog = *catalog;
    const auto& streams = catalog->at("streams").as_array();
    report.pass(ids[0], std::to_string(streams.size()) + (streams.size() == 1 ? " stream" : " streams"));
    per_stream(streams, report, ids[1], "every json_schema is a valid draft-07 JSON Schema", [](const json::object& s) {
        auto p = protocol::schema_problem(s.at("json_schema"));
        return p ? "json_schema is " + *p : std::string();
    });
    per_stream(streams, report, ids[2], "primary keys and cursors exist in the schemas", key_problem);
    per_stream(streams, report, ids[3], "every stream lists its supported_sync_modes", sync_modes_problem);
}

}  // namespace connhost::certify
