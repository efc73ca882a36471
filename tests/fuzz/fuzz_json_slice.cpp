// libFuzzer target: the SDK's JSON pointer slicing (json_slice.hpp), which source_http runs on API responses.
// Input: a JSON pointer on the first line, a JSON text after it. On a text Boost.JSON accepts, json_find must
// not throw, must find exactly what Boost.JSON's find_pointer finds, and return that value's exact text;
// json_array_elements of an array must give its elements. On any other text it may only throw invalid_argument.
#include <connhost/sdk/json_slice.hpp>

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

bool same_text(std::string_view text, const boost::json::value& want) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
    return !ec && same_value(v, want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace connhost::sdk;
    std::string_view all(reinterpret_cast<const char*>(data), size);
    const size_t nl = all.find('\n');
    if (nl == std::string_view::npos) return 0;
    const std::string_view pointer = all.substr(0, nl), text = all.substr(nl + 1);
    if (pointer.find('~') != std::string_view::npos) return 0;  // ~0 / ~1 escapes: RFC 6901 details not fuzzed here
    boost::system::error_code ec;
    boost::json::value dom = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
    if (ec) {
        try {
            (void)json_find(text, pointer);
        } catch (const std::invalid_argument&) {}
        return 0;
    }
    if (!pointer.empty() && pointer[0] != '/') return 0;
    std::optional<std::string_view> found;
    try {
        found = json_find(text, pointer);
    } catch (...) {
        require(false);  // valid JSON and a well-formed pointer never throw
    }
    boost::system::error_code pec;
    const boost::json::value* want = dom.find_pointer(boost::json::string_view(pointer.data(), pointer.size()), pec);
    if (!want || pec) {
        // Boost refuses array indexes with leading zeros ("/01") that json_find reads as 1: allow only that.
        if (found) require(pointer.find("/0") != std::string_view::npos);
        return 0;
    }
    require(found.has_value());
    require(same_text(*found, *want));
    if (want->is_array()) {
        const auto elems = json_array_elements(*found);
        require(elems.size() == want->as_array().size());
        for (size_t i = 0; i < elems.size(); ++i) require(same_text(elems[i], want->as_array()[i]));
    }
    return 0;
}
