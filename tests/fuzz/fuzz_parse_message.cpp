// libFuzzer target: the host's one-pass line parser (protocol/message.hpp) on arbitrary bytes, line by line.
// It must never crash or read out of bounds, must fail only with its documented errors, and whatever it
// accepts must agree with Boost.JSON: the line is valid JSON, and a RECORD's data view is a JSON object.
#include "protocol/json_scan.hpp"
#include "protocol/message.hpp"

#include "fuzz_require.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// `text` with every \uD800..\uDFFF escape written \uFFFD. RFC 8259's grammar allows lone surrogate escapes
// (connhost reads them as U+FFFD) but Boost.JSON refuses them, so the oracle sees them neutralised.
std::string without_surrogate_escapes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out.push_back(text[i]);
            continue;
        }
        auto hex = [&](size_t k, const char* digits) { return text[k] != '\0' && std::strchr(digits, text[k]) != nullptr; };
        const bool surrogate = text[i + 1] == 'u' && i + 5 < text.size() && hex(i + 2, "dD") && hex(i + 3, "89abcdefABCDEF") &&
                               hex(i + 4, "0123456789abcdefABCDEF") && hex(i + 5, "0123456789abcdefABCDEF");
        if (surrogate) {
            out += "\\uFFFD";
            i += 5;
        } else {
            out.append(text.substr(i, 2));
            ++i;
        }
    }
    return out;
}

// Boost.JSON's verdict on `text` (surrogate escapes neutralised), optionally requiring an object.
bool valid_json(std::string_view text, bool object_only) {
    const std::string plain = without_surrogate_escapes(text);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(plain, ec);
    if (ec == boost::json::error::exponent_overflow) return true;  // 1e<100 digits>: valid JSON Boost cannot hold
    return !ec && (!object_only || v.is_object());
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
    }
    return 0;
}
