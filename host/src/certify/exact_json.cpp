#include "certify/exact_json.hpp"

#include "certify/text_lines.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/json_text.hpp"

#include <algorithm>

namespace connhost::certify {

using protocol::JsonScanner;

namespace {

void canonical_value(JsonScanner& s, std::string& out, bool drop_nulls);

void canonical_object(JsonScanner& s, std::string& out, bool drop_nulls) {
    std::map<std::string, std::string> members;  // sorted by name; a later duplicate replaces the earlier one
    s.enter();
    s.members([&](std::string_view key) {
        std::string value;
        canonical_value(s, value, false);
        if (drop_nulls && value == "null")
            members.erase(std::string(key));
        else
            members[std::string(key)] = std::move(value);
    });
    s.leave();
    out.push_back('{');
    bool first = true;
    for (const auto& [k, v] : members) {
        if (!first) out.push_back(',');
        first = false;
        protocol::append_json_string(out, k);
        out.push_back(':');
        out += v;
    }
    out.push_back('}');
}

void canonical_array(JsonScanner& s, std::string& out) {
    s.enter();
    out.push_back('[');
    if (!s.consume(']')) {
        for (bool first = true;; first = false) {
            if (!first) out.push_back(',');
            canonical_value(s, out, false);
            if (s.consume(',')) continue;
            s.expect(']', "',' or ']' in an array");
            break;
        }
    }
    out.push_back(']');
    s.leave();
}

void canonical_value(JsonScanner& s, std::string& out, bool drop_nulls) {
    const char c = s.peek();
    if (c == '{') {
        s.expect('{', "'{'");
        canonical_object(s, out, drop_nulls);
    } else if (c == '[') {
        s.expect('[', "'['");
        canonical_array(s, out);
    } else if (c == '"') {
        std::string text;
        s.read_string(&text);
        protocol::append_json_string(out, text);
    } else {
        out.append(s.skip_value());  // number (exact text), true, false, null
    }
}

// Reads the "record" object of a RECORD line into (namespace, stream) and its data text.
void read_record(JsonScanner& s, std::pair<std::string, std::string>& key, std::string& data) {
    s.expect('{', "'{'");
    s.members([&](std::string_view k) {
        if (k == "stream" && s.peek() == '"')
            s.read_string(&key.second);
        else if (k == "namespace" && s.peek() == '"')
            s.read_string(&key.first);
        else if (k == "data")
            data.assign(s.skip_value());
        else
            s.skip_value();
    });
}

}  // namespace

std::string canonical_json(std::string_view json, bool drop_top_nulls) {
    JsonScanner s(json);
    std::string out;
    canonical_value(s, out, drop_top_nulls);
    s.expect_end();
    return out;
}

RecordsByStream records_by_stream(std::string_view out) {
    RecordsByStream records;
    for_each_line(out, [&](size_t, std::string_view line) {
        if (line.find("\"RECORD\"") == std::string_view::npos) return true;
        JsonScanner s(line);
        if (s.peek() != '{') return true;
        s.expect('{', "'{'");
        bool is_record = false;
        std::pair<std::string, std::string> key;
        std::string data;
        s.members([&](std::string_view k) {
            if (k == "type" && s.peek() == '"') {
                std::string type;
                s.read_string(&type);
                is_record = type == "RECORD";
            } else if (k == "record" && s.peek() == '{') {
                read_record(s, key, data);
            } else {
                s.skip_value();
            }
        });
        if (is_record) records[key].push_back(std::move(data));
        return true;
    });
    return records;
}

}  // namespace connhost::certify
