// The fuzz targets' JSON oracle: Boost.JSON's verdict on a text, adjusted where RFC 8259 and Boost.JSON differ.
#pragma once
#include <boost/json.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

// `text` with every \uD800..\uDFFF escape written \uFFFD. RFC 8259's grammar allows lone surrogate escapes
// (connhost reads them as U+FFFD) but Boost.JSON refuses them, so the oracle sees them neutralised.
inline std::string without_surrogate_escapes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 >= text.size()) {
            out.push_back(text[i]);
            continue;
        }
        auto hex = [&](size_t k, const char* digits) {
            return text[k] != '\0' && std::strchr(digits, text[k]) != nullptr;
        };
        const bool surrogate = text[i + 1] == 'u' && i + 5 < text.size() && hex(i + 2, "dD") &&
            hex(i + 3, "89abcdefABCDEF") && hex(i + 4, "0123456789abcdefABCDEF") &&
            hex(i + 5, "0123456789abcdefABCDEF");
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

// Boost.JSON's DOM of `text` (surrogate escapes neutralised, nesting as deep as connhost's scanner allows), or
// nullopt when it is not JSON. `exponent_overflow` is set for 1e<100 digits>: valid JSON Boost cannot hold.
inline std::optional<boost::json::value> oracle_parse(std::string_view text, bool* exponent_overflow = nullptr) {
    const std::string plain = without_surrogate_escapes(text);
    boost::json::parse_options opt;
    opt.max_depth = 600;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(plain, ec, {}, opt);
    if (exponent_overflow) *exponent_overflow = ec == boost::json::error::exponent_overflow;
    if (ec) return std::nullopt;
    return v;
}

// Boost.JSON's verdict on `text`, optionally requiring an object.
inline bool valid_json(std::string_view text, bool object_only) {
    bool overflow = false;
    auto v = oracle_parse(text, &overflow);
    if (overflow) return true;
    return v && (!object_only || v->is_object());
}

// Boost.JSON's DOM of `text` parsed with 64 spaces after it, so that every number is read on one path: Boost 1.81
// parses a number of more than 16 digits on a fast path when 33 bytes or more follow its start and on a slow one
// otherwise, and the two can differ in the last digit (`[-10.8188888888188888818888888881 ]` against the same without
// the space). Two texts of one value parsed this way give equal DOMs, so the targets compare them exactly.
inline boost::json::value parse_padded(std::string_view text, boost::system::error_code& ec) {
    std::string padded;
    padded.reserve(text.size() + 64);
    padded.append(text).append(64, ' ');
    return boost::json::parse(padded, ec);
}
