// SchemaInference: a JSON schema inferred from sample records — types merged across records, a field
// nullable where some record lacks it or holds null, nested objects and array items inferred alike.
#pragma once
#include <connhost/sdk/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace source_http {

namespace json = boost::json;

// Accumulates records, then yields their schema. Single-threaded.
class SchemaInference {
public:
    SchemaInference();
    ~SchemaInference();
    SchemaInference(const SchemaInference&) = delete;
    SchemaInference& operator=(const SchemaInference&) = delete;

    // Merges one record (a JSON object) into the schema.
    void add(const json::value& record);
    // The draft-07 schema of every record added so far ({"type":"object","properties":{}} when none).
    json::object schema() const;
    // Records added.
    size_t records() const noexcept { return records_; }

private:
    struct Node;
    std::unique_ptr<Node> root_;
    size_t records_ = 0;
};

}  // namespace source_http
