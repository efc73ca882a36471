#include "protocol/singer_catalog.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/json_text.hpp"
#include "protocol/sync_modes.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

namespace connhost::protocol {

namespace json = boost::json;

namespace {

std::vector<std::string> key_list(const json::value& v) {
    std::vector<std::string> keys;
    if (!v.is_array()) throw ProtocolError("\"key_properties\" must be an array of property names");
    for (const auto& k : v.as_array()) {
        if (!k.is_string()) throw ProtocolError("\"key_properties\" must be an array of property names");
        keys.emplace_back(k.as_string());
    }
    return keys;
}

}  // namespace

bool SingerCatalogBuilder::schema(const ParsedMessage& m) {
    json::value schema = json::parse(json::string_view(m.body.data(), m.body.size()));
    const json::object& so = schema.as_object();
    auto props = so.find("properties");
    if (props == so.end() || !props->value().is_object())
        throw ProtocolError(
            "the SCHEMA of stream \"" + m.stream +
            "\" has no \"properties\": a target needs the record's fields (add \"properties\": {...} to the schema)");
    Stream s;
    if (!m.key_properties.empty())
        s.keys = key_list(json::parse(json::string_view(m.key_properties.data(), m.key_properties.size())));
    else if (auto kp = so.find("key_properties"); kp != so.end())
        s.keys = key_list(kp->value());  // inside the schema (pk_updates)
    for (const auto& k : s.keys)
        if (!props->value().as_object().contains(k))
            throw ProtocolError("key property \"" + k + "\" of stream \"" + m.stream +
                                "\" is not among the schema's properties");
    s.schema = std::string(m.body);
    auto known = streams_.find(m.stream);
    if (known == streams_.end()) {
        order_.push_back(m.stream);
    } else if (known->second.schema == s.schema && known->second.keys == s.keys) {
        return false;
    }
    streams_[m.stream] = std::move(s);
    return true;
}

void SingerCatalogBuilder::record(const ParsedMessage& m) const {
    auto it = streams_.find(m.stream);
    if (it == streams_.end())
        throw ProtocolError("a RECORD of stream \"" + m.stream +
                            "\" came before its SCHEMA: a Singer tap must send the SCHEMA first");
    if (it->second.keys.empty()) return;
    json::value rec = json::parse(json::string_view(m.data.data(), m.data.size()));
    for (const auto& k : it->second.keys) {
        auto f = rec.as_object().find(k);
        if (f == rec.as_object().end() || f->value().is_null())
            throw ProtocolError("a RECORD of stream \"" + m.stream + "\" lacks its key property \"" + k +
                                "\"; every record needs all key_properties to be deduplicated");
    }
}

std::string SingerCatalogBuilder::configured_catalog() const {
    std::string out = R"({"streams":[)";
    bool first = true;
    for (const auto& name : order_) {
        const Stream& s = streams_.at(name);
        if (!first) out += ',';
        first = false;
        const DestinationSyncMode mode =
            s.keys.empty() ? DestinationSyncMode::Append : DestinationSyncMode::AppendDedup;
        out += R"({"stream":{"name":)" + json_string(name) + R"(,"json_schema":)" + s.schema + R"(},"sync_mode":")" +
            to_string(SyncMode::FullRefresh) + R"(",)";
        out += std::string(R"("destination_sync_mode":")") + to_string(mode) + R"(","primary_key":[)";
        for (size_t i = 0; i < s.keys.size(); ++i) out += (i ? ",[" : "[") + json_string(s.keys[i]) + "]";
        out += "]}";
    }
    out += "]}";
    return out;
}

int64_t iso8601_to_ms(std::string_view text) {
    std::string s(text);
    int y, mo, d, h = 0, mi = 0;
    double sec = 0;
    int n = 0;
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6 &&
        std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6)
        return 0;
    // A field out of its range makes the text unreadable (and would overflow the arithmetic below).
    if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 || mi < 0 || mi > 59 ||
        !(sec >= 0 && sec < 61))
        return 0;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    int64_t t = static_cast<int64_t>(timegm(&tm)) * 1000 + static_cast<int64_t>(sec * 1000.0 + 0.5);
    std::string_view rest = std::string_view(s).substr(static_cast<size_t>(n));
    int oh = 0, om = 0;
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-') &&
        std::sscanf(std::string(rest.substr(1)).c_str(), "%d:%d", &oh, &om) >= 1) {
        if (oh < 0 || oh > 23 || om < 0 || om > 59) return 0;
        int64_t off = (oh * 60 + om) * 60000LL;
        t += rest[0] == '+' ? -off : off;
    }
    return t;
}

std::string singer_state_as_airbyte(std::string_view value) {
    JsonScanner s(value);
    const bool object = s.peek() == '{';
    return std::string(R"({"type":"LEGACY","data":)") +
        (object ? std::string(value) : R"({"value":)" + std::string(value) + "}") + "}";
}

}  // namespace connhost::protocol
