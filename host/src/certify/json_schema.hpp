// JSON Schema validation for test-plugin, through valijson (draft-07) over Boost.JSON values.
#pragma once
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace valijson {
class Schema;
}

namespace connhost::certify {

// A JSON Schema compiled once, then used to validate many documents. Not thread-safe.
class JsonSchema {
public:
    // Compiles `schema` as draft-07; throws std::runtime_error saying why valijson cannot use it.
    explicit JsonSchema(const boost::json::value& schema);
    ~JsonSchema();
    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;

    // Nothing when `doc` validates; else at most `max_errors` problems, each "<path>: <what the validator says>"
    // (the path as valijson gives it, e.g. "<root>.[id]").
    std::vector<std::string> problems(const boost::json::value& doc, size_t max_errors = 3) const;

private:
    std::unique_ptr<valijson::Schema> schema_;
};

// Nothing when `schema` is a valid draft-07 JSON Schema (it validates against the meta-schema and compiles); else
// why not, naming the path of the first problems.
std::optional<std::string> schema_problem(const boost::json::value& schema);

// The draft-07 meta-schema text.
const char* draft07_meta_schema() noexcept;

}  // namespace connhost::certify
