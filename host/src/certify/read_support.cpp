#include "certify/read_support.hpp"

#include "runtime/files.hpp"

#include <boost/json.hpp>

namespace connhost::certify {

namespace json = boost::json;

namespace {

std::string string_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A configured stream's cursor_field and primary_key (when set) become the stream's default_cursor_field and (when
// it has none) source_defined_primary_key: the cursor an author picks for a source whose streams have no default.
void adopt_configured_keys(const json::object& configured, json::object& stream) {
    const auto* cf = configured.if_contains("cursor_field");
    if (cf && cf->is_array() && !cf->as_array().empty()) stream["default_cursor_field"] = *cf;
    const auto* pk = configured.if_contains("primary_key");
    const auto* own = stream.if_contains("source_defined_primary_key");
    if (pk && pk->is_array() && !pk->as_array().empty() && (!own || !own->is_array() || own->as_array().empty()))
        stream["source_defined_primary_key"] = *pk;
}

// The AirbyteStream objects of a plain ({"streams": [stream...]}) or configured ({"streams": [{"stream": ...}]})
// catalog; nothing when `catalog` is neither.
std::optional<std::vector<json::object>> catalog_streams(const json::value& catalog) {
    const auto* streams = catalog.is_object() ? catalog.as_object().if_contains("streams") : nullptr;
    if (!streams || !streams->is_array()) return std::nullopt;
    std::vector<json::object> out;
    for (const auto& s : streams->as_array()) {
        if (!s.is_object()) return std::nullopt;
        const auto* inner = s.as_object().if_contains("stream");
        const json::value& stream = inner && inner->is_object() ? *inner : s;
        if (string_member(stream.as_object(), "name").empty()) return std::nullopt;
        out.push_back(stream.as_object());
        if (inner && inner->is_object()) adopt_configured_keys(s.as_object(), out.back());
    }
    return out;
}

}  // namespace

StreamId stream_id(const json::object& s) { return {string_member(s, "namespace"), string_member(s, "name")}; }

std::optional<std::vector<json::object>> streams_to_read(CertifyContext& ctx, const SourceFacts& facts,
                                                         std::string& why) {
    if (!ctx.options.catalog) {
        if (!facts.catalog) why = "no catalog: discover gave none and no --catalog was given";
        if (!facts.catalog) return std::nullopt;
        return catalog_streams(*facts.catalog);
    }
    boost::system::error_code ec;
    json::value v = json::parse(runtime::read_file(ctx.options.catalog->string(), "--catalog"), ec);
    auto streams = ec ? std::nullopt : catalog_streams(v);
    if (!streams)
        why = "--catalog " + ctx.options.catalog->string() + " is not a catalog (an object with a `streams` array " +
            "of streams, or of configured streams, each with a name)";
    return streams;
}

std::string configured_catalog(const std::vector<json::object>& streams, const std::string& sync_mode) {
    json::array configured;
    for (const auto& s : streams) {
        json::object c{{"stream", s}, {"sync_mode", sync_mode}, {"destination_sync_mode", "append"}};
        if (const auto* cf = s.if_contains("default_cursor_field"); cf && sync_mode == "incremental")
            c["cursor_field"] = *cf;
        configured.push_back(std::move(c));
    }
    return json::serialize(json::object{{"streams", std::move(configured)}});
}

ReadOutput read_output(const std::string& stdout_text) {
    ReadOutput r;
    r.out = parse_protocol_output(stdout_text);
    for (size_t i = 0; i < r.out.messages.size(); ++i) {
        const auto& m = r.out.messages[i];
        const std::string type = string_member(m, "type");
        if (const auto* st = m.if_contains("state"); type == "STATE" && st && st->is_object())
            r.states.emplace_back(i, &st->as_object());
        if (type != "RECORD") continue;
        const auto* rec = m.if_contains("record");
        if (!rec || !rec->is_object()) continue;
        const auto* data = rec->as_object().if_contains("data");
        if (!data || !data->is_object() || string_member(rec->as_object(), "stream").empty()) continue;
        const auto& o = rec->as_object();
        r.records.push_back({{string_member(o, "namespace"), string_member(o, "stream")}, data, i});
    }
    return r;
}

const RunResult& run_read(CertifyContext& ctx, SourceFacts& facts, const std::string& label,
                          const std::string& catalog_text, const std::optional<std::string>& state_text) {
    RunArgs args = RunArgs::of("read");
    args.catalog = ctx.scratch.write("catalog.json", catalog_text);
    if (state_text) args.state = ctx.scratch.write("state.json", *state_text);
    return facts.run(ctx, label, std::move(args));
}

}  // namespace connhost::certify
