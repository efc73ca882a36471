#include "protocol/json_schema.hpp"

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <stdexcept>

namespace connhost::protocol {

namespace {

std::string join_context(const std::vector<std::string>& context) {
    std::string path;
    for (const auto& part : context) path += (path.empty() ? "" : ".") + part;
    return path;
}

// Drops the string "format" keywords of `schema` and its subschemas (not of properties named "format"): draft-07
// makes format an annotation, and valijson 1.0 asserts it on every value, throwing on a null or an array under a
// nullable or anyOf schema and rejecting legal text such as PostgreSQL's "infinity" or a time without a zone.
void drop_formats(boost::json::value& schema, bool is_name_map = false) {
    if (auto* arr = schema.if_array()) {
        for (auto& v : *arr) drop_formats(v);
        return;
    }
    auto* obj = schema.if_object();
    if (!obj) return;
    if (auto it = obj->find("format"); !is_name_map && it != obj->end() && it->value().is_string()) obj->erase(it);
    for (auto& [key, v] : *obj) {
        const bool names = !is_name_map &&
            (key == "properties" || key == "patternProperties" || key == "definitions" || key == "dependencies");
        drop_formats(v, names);
    }
}

const JsonSchema& meta_schema() {
    static const JsonSchema meta(boost::json::parse(draft07_meta_schema()));
    return meta;
}

}  // namespace

JsonSchema::JsonSchema(const boost::json::value& schema) : schema_(std::make_unique<valijson::Schema>()) {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    boost::json::value annotated = schema;
    drop_formats(annotated);
    valijson::adapters::BoostJsonAdapter adapter(annotated);
    try {
        parser.populateSchema(adapter, *schema_);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("the schema cannot be compiled: ") + e.what());
    }
}

JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

std::vector<JsonSchema::Error> JsonSchema::errors(const boost::json::value& doc, size_t max_errors) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::BoostJsonAdapter adapter(doc);
    std::vector<Error> out;
    if (validator.validate(*schema_, adapter, &results)) return out;
    valijson::ValidationResults::Error err;
    while (out.size() < max_errors && results.popError(err)) out.push_back({err.context, err.description});
    if (out.empty()) out.push_back({{"<root>"}, "does not validate"});
    return out;
}

std::vector<std::string> JsonSchema::problems(const boost::json::value& doc, size_t max_errors) const {
    std::vector<std::string> out;
    for (const auto& e : errors(doc, max_errors)) out.push_back(join_context(e.context) + ": " + e.description);
    return out;
}

std::optional<std::string> schema_problem(const boost::json::value& schema) {
    auto found = meta_schema().problems(schema, 2);
    if (!found.empty()) {
        std::string why = "not a draft-07 JSON Schema: " + found.front();
        if (found.size() > 1) why += "; " + found[1];
        return why;
    }
    try {
        JsonSchema compiled(schema);
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

}  // namespace connhost::protocol
