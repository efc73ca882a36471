// SecretMasker: replaces every known secret value in a text before it is logged or printed.
#pragma once
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::logging {

// Thread-safe set of secret strings. mask() is called for every log line and error.
class SecretMasker {
public:
    static constexpr std::string_view kMask = "**********";

    // Adds a secret (and its JSON-escaped spelling); values shorter than 2 bytes are ignored (they would mask everything).
    void add(std::string value);
    // `text` with every occurrence of every secret replaced by kMask.
    std::string mask(std::string_view text) const;
    bool empty() const;

private:
    mutable std::shared_mutex mu_;
    std::vector<std::string> secrets_;
};

// The process-wide masker used by the log sinks and error printing.
SecretMasker& secrets();

// Adds every config value the spec marks "airbyte_secret": true (nested objects, arrays, oneOf/anyOf).
// `spec_json` is a ConnectorSpecification; `config_json` the config. Malformed input adds nothing.
void collect_secrets(std::string_view spec_json, std::string_view config_json, SecretMasker& into);

}  // namespace connhost::logging
