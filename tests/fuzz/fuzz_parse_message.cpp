// libFuzzer target: the host's one-pass line parser (protocol/message.hpp) on arbitrary bytes, line by line.
// It must never crash or read out of bounds, must fail only with its documented errors, and whatever it
// accepts must agree with Boost.JSON: the line is valid JSON, and a RECORD's data view is a JSON object. The members
// it keeps of a RECORD's data (for the record_fields extension) must be exactly those the SDK's scan_fields finds.
#include "protocol/json_scan.hpp"
#include "protocol/message.hpp"

#include <connhost/sdk/input.hpp>

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The members parse_message kept for msg.data are, span for span, those a scan of msg.data finds.
void require_same_members(const connhost::protocol::ParsedMessage& msg) {
    using namespace connhost::sdk;
    std::vector<Field> given, scanned;
    require(fields_from_host(msg.data, msg.fields.data(), static_cast<uint32_t>(msg.fields.size()), given));
    scan_fields(msg.data, scanned);
    require(given.size() == scanned.size());
    for (size_t i = 0; i < given.size(); ++i) {
        const Field &a = given[i], &b = scanned[i];
        require(a.key.data() == b.key.data() && a.key.size() == b.key.size() && a.key_escaped == b.key_escaped);
        require(a.kind == b.kind && a.value.data() == b.value.data() && a.value.size() == b.value.size());
        require(a.value_escaped == b.value_escaped);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    connhost::protocol::ParsedMessage msg;
    while (!all.empty()) {
        const size_t nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
        try {
            connhost::protocol::parse_message(line, msg);
        } catch (const connhost::protocol::JsonSyntaxError& e) {
            require(e.offset() <= line.size());
            continue;
        } catch (const connhost::protocol::ProtocolError&) {
            continue;
        }
        require(valid_json(line, true));
        if (msg.type == connhost::protocol::MessageType::Record) require(valid_json(msg.data, true));
        require(!msg.has_fields || msg.type == connhost::protocol::MessageType::Record);
        if (msg.has_fields) require_same_members(msg);
    }
    return 0;
}
