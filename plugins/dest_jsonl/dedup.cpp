#include "dedup.hpp"

#include "stream_file.hpp"

#include <connhost/sdk/json.hpp>

#include <fstream>
#include <unordered_map>
#include <vector>

namespace jsonl {

using namespace connhost::sdk;

namespace {

const json::value* at_path(const json::value& v, const FieldPath& path) {
    const json::value* cur = &v;
    for (const auto& part : path) {
        if (!cur->is_object()) return nullptr;
        auto it = cur->as_object().find(part);
        if (it == cur->as_object().end()) return nullptr;
        cur = &it->value();
    }
    return cur;
}

// -1, 0, 1 comparing two cursor values; absent/null sorts first.
int compare_cursor(const json::value* a, const json::value* b) {
    const bool an = !a || a->is_null(), bn = !b || b->is_null();
    if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
    if (a->is_number() && b->is_number()) {
        double x = a->to_number<double>(), y = b->to_number<double>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    std::string x = a->is_string() ? std::string(a->as_string()) : json::serialize(*a);
    std::string y = b->is_string() ? std::string(b->as_string()) : json::serialize(*b);
    return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace

void dedup_file(const std::string& path, const ConfiguredStream& stream) {
    if (stream.primary_key.empty())
        throw ConfigError("stream " + stream.display_name() +
                          " is append_dedup but has no primary_key: set primary_key in the catalog");
    std::ifstream in(path, std::ios::binary);
    if (!in) return;  // nothing written yet
    std::vector<std::string> lines;
    std::vector<json::value> cursors;
    std::unordered_map<std::string, size_t> best;  // key -> index into lines
    std::vector<std::string> key_order;
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        json::value v = parse_json(line, path + " line " + std::to_string(n));
        std::string key;
        for (const auto& pk : stream.primary_key) {
            const json::value* k = at_path(v, pk);
            key += (k ? json::serialize(*k) : "null");
            key += '\x1f';
        }
        const json::value* cur = stream.cursor_field.empty() ? nullptr : at_path(v, stream.cursor_field);
        json::value cur_copy = cur ? *cur : json::value(nullptr);
        auto it = best.find(key);
        if (it == best.end()) {
            best.emplace(key, lines.size());
            key_order.push_back(key);
            lines.push_back(std::move(line));
            cursors.push_back(std::move(cur_copy));
        } else if (compare_cursor(&cur_copy, &cursors[it->second]) >= 0) {
            lines[it->second] = std::move(line);
            cursors[it->second] = std::move(cur_copy);
        }
    }
    std::string tmp = path + ".connhost-dedup";
    {
        StreamFile out(tmp, true);
        for (const auto& k : key_order) out.append_line(lines[best[k]]);
        out.close();
    }
    durable_rename(tmp, path);
}

}  // namespace jsonl
