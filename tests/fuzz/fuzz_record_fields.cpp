// libFuzzer target: the SDK's DOM-free readers destinations use on record data (record_fields.hpp,
// json_slice.hpp). On arbitrary bytes they must not crash and may only throw std::invalid_argument; on an
// object Boost.JSON accepts, scan_fields must succeed, every field value must be valid JSON, and a string
// field decoded with json_unescape must equal Boost.JSON's string for that key (the last duplicate wins).
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/record_fields.hpp>

#include "fuzz_require.hpp"
#include "json_oracle.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace connhost::sdk;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<Field> fields;
    boost::system::error_code ec;
    boost::json::value dom = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
    const bool is_object = !ec && dom.is_object();
    try {
        scan_fields(text, fields);
    } catch (const std::invalid_argument&) {
        require(!is_object);
        return 0;
    }
    if (!is_object) return 0;  // scan_fields may accept what Boost.JSON rejects (NaN, Infinity)
    const boost::json::object& obj = dom.as_object();
    std::vector<std::string> keys;
    for (const Field& f : fields) keys.push_back(f.key_escaped ? json_unescape(f.key) : std::string(f.key));
    for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        require(obj.contains(keys[i]));
        std::string value_text =
            f.kind == FieldKind::String ? "\"" + std::string(f.value) + "\"" : std::string(f.value);
        boost::system::error_code vec;
        boost::json::value v = parse_padded(value_text, vec);
        require(!vec);
        bool last_of_key = true;  // which duplicate Boost.JSON keeps is its business: compare the last only
        for (size_t j = i + 1; j < fields.size(); ++j) last_of_key = last_of_key && keys[j] != keys[i];
        if (f.kind == FieldKind::String) {
            const std::string decoded = f.value_escaped ? json_unescape(f.value) : std::string(f.value);
            require(v.is_string() && v.as_string() == decoded);
            if (last_of_key && obj.size() == fields.size()) require(obj.at(keys[i]) == v);
        }
        std::string compact;
        append_json_compact(compact, value_text);
        boost::system::error_code cec;
        const boost::json::value cv = parse_padded(compact, cec);
        // As text: Boost.JSON reads 0e400 as NaN, which no == holds for.
        require(!cec && boost::json::serialize(cv) == boost::json::serialize(v));
    }
    return 0;
}
