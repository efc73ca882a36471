// Reading what a `connhost run` step printed: its Airbyte protocol messages, and secrets that leaked into any text.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::logging {
class SecretMasker;
}

namespace connhost::certify {

// The stdout of a step, one message per line.
struct ProtocolOutput {
    std::vector<boost::json::object> messages;  // every line that parsed as a JSON object, in order
    std::vector<size_t> line_numbers;           // messages[i] was on line line_numbers[i] (1-based)
    std::vector<std::string> bad_lines;         // "line N: <why>" for each line that is not a JSON object

    // The messages whose "type" is `type` (RECORD, STATE, LOG, SPEC, CATALOG, CONNECTION_STATUS, TRACE...).
    std::vector<const boost::json::object*> of_type(std::string_view type) const;
    // The first message of `type`'s member named `type` in lower case ("spec", "catalog"...), or nothing.
    const boost::json::object* first_payload(std::string_view type, std::string_view member) const;
};

ProtocolOutput parse_protocol_output(std::string_view out);

// The message of the first TRACE ERROR (or the last LOG of level ERROR/FATAL) of `out`, "" when there is none.
std::string error_message(const ProtocolOutput& out);

// Finds the secret values of configs in texts: every config field the spec marks "airbyte_secret" (also in
// oneOf/anyOf and arrays), and URL credentials, raw or JSON-escaped (as logging::SecretMasker spells them).
class SecretFinder {
public:
    SecretFinder();
    ~SecretFinder();
    // Adds the secrets of `config_json` according to `spec_json` (a ConnectorSpecification).
    void add(std::string_view spec_json, std::string_view config_json);
    bool empty() const;
    // Nothing when `text` holds no secret; else "line N: <the line, secret masked>" (the line cut to 160 bytes).
    std::optional<std::string> find_in(std::string_view text) const;

private:
    std::unique_ptr<logging::SecretMasker> masker_;
};

}  // namespace connhost::certify
