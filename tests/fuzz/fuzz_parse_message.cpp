// libFuzzer target: the host's one-pass line parser (protocol/message.hpp) on arbitrary bytes, line by line.
// It must never crash or read out of bounds, must fail only with its documented errors, and whatever it
// accepts must agree with Boost.JSON: the line is valid JSON, and a RECORD's data view is a JSON object.
#include "protocol/json_scan.hpp"
#include "protocol/message.hpp"

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

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
    }
    return 0;
}
