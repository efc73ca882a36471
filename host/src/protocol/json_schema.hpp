// JSON Schema validation through valijson (draft-07) over Boost.JSON values: test-plugin and config validation.
#pragma once
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace valijson {
class Schema;
}

namespace connhost::protocol {

// A JSON Schema compiled once, then used to validate many documents. Not thread-safe.
class JsonSchema {
public:
    // Compiles `schema` as draft-07; throws std::runtime_error saying why valijson cannot use it.
    explicit JsonSchema(const boost::json::value& schema);
    ~JsonSchema();
    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;

    // One problem the validator found: where (valijson's context, e.g. {"<root>", "[id]"}) and what.
    struct Error {
        std::vector<std::string> context;
        std::string description;
    };
    // Nothing when `doc` validates; else at most `max_errors` problems, innermost first.
    std::vector<Error> errors(const boost::json::value& doc, size_t max_errors) const;

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

}  // namespace connhost::protocol
