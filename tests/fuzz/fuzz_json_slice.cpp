// libFuzzer target: the SDK's JSON pointer slicing (json_slice.hpp), which source_http runs on API responses.
// Input: a JSON pointer on the first line, a JSON text after it. On a text Boost.JSON accepts, json_find must
// not throw, must find exactly what Boost.JSON's find_pointer finds, and return that value's exact text;
// json_array_elements of an array must give its elements. On any other text it may only throw invalid_argument.
#include <connhost/sdk/json_slice.hpp>

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

bool same_text(std::string_view text, const boost::json::value& want) {
    boost::system::error_code ec;
    boost::json::value v = parse_padded(text, ec);
    return !ec && boost::json::serialize(v) == boost::json::serialize(want);  // as text: Boost reads 0e400 as NaN
}

// Whether walking `pointer` (no ~ escapes) through `dom` meets an empty token at an array with more tokens after it:
// Boost 1.81's find_pointer reads that token as index 0 ("/data//" finds data[0][""]), where RFC 6901 (and json_find)
// find nothing, so Boost's answer is no oracle for such a pointer. A last empty token Boost refuses, as RFC 6901 does.
bool empty_index_on_the_way(const boost::json::value& dom, std::string_view pointer) {
    const boost::json::value* cur = &dom;
    size_t at = 1;
    while (cur && at <= pointer.size()) {
        const size_t end = std::min(pointer.find('/', at), pointer.size());
        const std::string_view token = pointer.substr(at, end - at);
        at = end + 1;
        if (cur->is_array()) {
            if (token.empty()) return at <= pointer.size();  // more tokens follow
            size_t i = 0;
            for (char c : token) i = c >= '0' && c <= '9' && i < 1000000 ? i * 10 + (c - '0') : SIZE_MAX;
            cur = i < cur->as_array().size() ? &cur->as_array()[i] : nullptr;
        } else if (cur->is_object()) {
            cur = cur->as_object().if_contains(boost::json::string_view(token.data(), token.size()));
        } else {
            cur = nullptr;
        }
    }
    return false;
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
    boost::json::value dom = parse_padded(text, ec);
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
    if (empty_index_on_the_way(dom, pointer)) {  // Boost's answer is not RFC 6901's, which is: nothing there
        require(!found);
        return 0;
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
