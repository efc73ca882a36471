#include "protocol/catalog_input.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/stream_name.hpp"

#include <stdexcept>

namespace connhost::protocol {

namespace {

[[noreturn]] void bad(const std::string& origin, const std::string& what) {
    throw std::runtime_error(origin + ": " + what);
}

std::string syntax(const std::string& origin, const JsonSyntaxError& e, std::string_view text) {
    size_t line = 1;
    for (size_t i = 0; i < e.offset() && i < text.size(); ++i) line += text[i] == '\n';
    return origin + " line " + std::to_string(line) + ": " + e.what() + " (the file must be JSON)";
}

// The members of one stream entry we care about, as exact text spans.
struct StreamEntry {
    std::string_view whole, stream_obj, name_raw, ns_raw;
    bool has_stream = false, has_name = false;
};

StreamEntry scan_stream_entry(JsonScanner& s, std::string_view text) {
    StreamEntry e;
    size_t start = s.offset();
    if (s.peek() != '{') s.fail("every entry of \"streams\" must be an object");
    s.expect('{', "'{'");
    s.enter();
    s.members([&](std::string_view key) {
        if (key == "stream" && s.peek() == '{') {
            e.stream_obj = s.skip_value();
            e.has_stream = true;
        } else if (key == "name" && s.peek() == '"') {
            e.name_raw = s.read_string();
            e.has_name = true;
        } else {
            s.skip_value();
        }
    });
    s.leave();
    e.whole = text.substr(start, s.offset() - start);
    return e;
}

template <class F>
void for_each_stream(std::string_view text, const std::string& origin, F&& f) {
    JsonScanner s(text);
    if (s.peek() != '{') bad(origin, "a catalog must be a JSON object with \"streams\"");
    s.expect('{', "'{'");
    bool found = false;
    s.members([&](std::string_view key) {
        if (key != "streams") {
            s.skip_value();
            return;
        }
        found = true;
        s.expect('[', "\"streams\" to be an array");
        if (s.consume(']')) return;
        do {
            f(scan_stream_entry(s, text));
        } while (s.consume(','));
        s.expect(']', "',' or ']' after a stream");
    });
    s.expect_end();
    if (!found) bad(origin, "a catalog needs a \"streams\" array");
}

}  // namespace

std::string normalize_catalog(std::string_view text, const std::string& origin) {
    std::string out = R"({"streams":[)";
    size_t i = 0;
    try {
        for_each_stream(text, origin, [&](const StreamEntry& e) {
            if (i++) out += ',';
            if (e.has_stream) {
                out += e.whole;
            } else if (e.has_name) {
                out += R"({"stream":)";
                out += e.whole;
                out += std::string(R"(,"sync_mode":")") + to_string(SyncMode::FullRefresh) +
                    R"(","destination_sync_mode":")" + to_string(DestinationSyncMode::Append) + R"("})";
            } else {
                bad(origin,
                    "streams[" + std::to_string(i - 1) +
                        "] has neither \"stream\" (configured catalog) nor \"name\" (catalog)");
            }
        });
    } catch (const JsonSyntaxError& e) {
        throw std::runtime_error(syntax(origin, e, text));
    }
    out += "]}";
    try {
        catalog_streams(out);  // its modes are known ones, so the normalized catalog always reads back
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(origin + ": " + e.what());
    }
    return out;
}

namespace {
// Parses the mode text `text` ("": absent, keeps `mode`) of catalog field streams[i].<field>.
template <class Mode>
void parse_catalog_mode(const std::string& text, Mode& mode, size_t i, const char* field, const CatalogStream& c) {
    if (text.empty()) return;
    try {
        mode = parse_mode_or_throw<Mode>(text, "catalog streams[" + std::to_string(i) + "]." + field,
                                         stream_display_name(c.ns, c.name));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string(e.what()) + ": fix the configured catalog");
    }
}
}  // namespace

std::vector<CatalogStream> catalog_streams(std::string_view configured) {
    std::vector<CatalogStream> out;
    for_each_stream(configured, "catalog", [&](const StreamEntry& e) {
        CatalogStream c;
        std::string sync_mode, destination_sync_mode;
        JsonScanner w(e.whole);
        w.expect('{', "'{'");
        w.members([&](std::string_view key) {
            if (key == "sync_mode" && w.peek() == '"')
                w.read_string(&sync_mode);
            else if (key == "destination_sync_mode" && w.peek() == '"')
                w.read_string(&destination_sync_mode);
            else
                w.skip_value();
        });
        JsonScanner s(e.stream_obj);
        read_stream_names(s, c.name, c.ns);
        parse_catalog_mode(sync_mode, c.sync_mode, out.size(), "sync_mode", c);
        parse_catalog_mode(destination_sync_mode, c.destination_sync_mode, out.size(), "destination_sync_mode", c);
        out.push_back(std::move(c));
    });
    return out;
}

std::set<std::pair<std::string, std::string>> catalog_stream_keys(std::string_view configured) {
    std::set<std::pair<std::string, std::string>> keys;
    for (auto& c : catalog_streams(configured)) keys.emplace(std::move(c.ns), std::move(c.name));
    return keys;
}

namespace {
// The "state" object of an AirbyteMessage envelope {"type":"STATE","state":{...}}, or `element` itself.
std::string state_of_envelope(std::string_view element) {
    JsonScanner s(element);
    if (s.peek() != '{') return std::string(element);
    s.expect('{', "'{'");
    std::string type;
    std::string_view state;
    s.members([&](std::string_view key) {
        if (key == "type" && s.peek() == '"')
            s.read_string(&type);
        else if (key == "state")
            state = s.skip_value();
        else
            s.skip_value();
    });
    return (type == "STATE" && !state.empty()) ? std::string(state) : std::string(element);
}
}  // namespace

std::optional<StateFileParts> state_file_parts(std::string_view text) {
    JsonScanner s(text);
    if (s.peek() != '{') return std::nullopt;
    s.expect('{', "'{'");
    StateFileParts parts;
    bool ours = false;
    s.members([&](std::string_view key) {
        std::string_view v = s.skip_value();
        if (key == "connhost_state_file")
            ours = true;
        else if (key == "owner")
            parts.owner = v;
        else if (key == "states")
            parts.states = v;
    });
    s.expect_end();
    if (!ours) return std::nullopt;
    return parts;
}

std::string normalize_state(std::string_view text, const std::string& origin) {
    try {
        if (auto parts = state_file_parts(text)) {
            if (parts->states.empty() || parts->states.front() != '[')
                bad(origin, "\"states\" must be an array of STATE messages");
            return normalize_state(parts->states, origin);
        }
        JsonScanner s(text);
        char first = s.peek();
        if (first == 0) return {};
        if (first == '[') {  // STATE messages, or whole {"type":"STATE","state":...} lines: unwrap those
            s.expect('[', "'['");
            std::string out = "[";
            if (!s.consume(']')) {
                do {
                    std::string_view element = s.skip_value();
                    if (out.size() > 1) out += ',';
                    out += state_of_envelope(element);
                } while (s.consume(','));
                s.expect(']', "',' or ']' in the state array");
            }
            s.expect_end();
            return out + "]";
        }
        if (first != '{') bad(origin, "state must be a JSON array of STATE messages or a legacy state object");
        s.expect('{', "'{'");
        std::string type;
        s.members([&](std::string_view key) {
            if (key == "type" && s.peek() == '"')
                s.read_string(&type);
            else
                s.skip_value();
        });
        s.expect_end();
        if (type == "STREAM" || type == "GLOBAL" || type == "LEGACY") return "[" + std::string(text) + "]";
        if (type == "STATE") return "[" + state_of_envelope(text) + "]";
        return R"([{"type":"LEGACY","data":)" + std::string(text) + "}]";
    } catch (const JsonSyntaxError& e) {
        throw std::runtime_error(syntax(origin, e, text));
    }
}

}  // namespace connhost::protocol
