// SecretMasker: replaces every known secret, in every spelling it can take, before a text is logged, printed or passed
// on.
#pragma once
#include "logging/pattern_set.hpp"

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::logging {

// Thread-safe set of secrets. Each is searched in all its spellings (secret_spellings.hpp: raw, JSON-escaped,
// percent-encoded, base64) with one multi-pattern scan, so masking stays one pass however many secrets there are.
class SecretMasker {
public:
    static constexpr std::string_view kMask = "**********";

    // Masks `value` in every spelling from now on; values shorter than 2 bytes are ignored (they would mask
    // everything).
    void add(std::string_view value);
    // Adds the credentials of every URL in `text` whose user-info has a password ("scheme://user:password@host"):
    // the password and "user:password", as written and percent-decoded (so also the basic Authorization header a
    // client makes of them).
    void add_url_credentials(std::string_view text);
    bool empty() const;

    // `text` (a log line or an error) with every spelling of every secret, and the user-info of every URL, masked;
    // overlapping finds are masked as one.
    std::string mask(std::string_view text) const;
    // mask() for a JSON text (a protocol message): the result is still valid JSON (a find that starts or ends inside
    // an escape sequence takes the whole sequence; spellings that cannot stand in a JSON string are not searched).
    std::string mask_json(std::string_view json) const;
    // For data (records, states): when `json` holds a spelling of a secret, sets `out` to `json` with them masked as
    // mask_json() does, and returns true; else returns false (`out` untouched). URLs of the data keep their user-info.
    bool mask_data(std::string_view json, std::string& out) const;
    // True when `json` holds a spelling of a secret that mask_data() masks: one scan, no allocation.
    bool occurs_in_data(std::string_view json) const;

private:
    std::shared_ptr<const PatternSet> patterns() const;
    // Appends `text` to `out` with the secret finds (and, with urls, URL user-info) masked; false when nothing was.
    bool mask_into(std::string_view text, bool json, bool urls, std::string& out) const;

    mutable std::shared_mutex mu_;
    std::vector<std::string> secrets_;  // as added
    std::vector<PatternSet::Pattern> spellings_;
    std::shared_ptr<const PatternSet> patterns_ = std::make_shared<PatternSet>();
};

// The process-wide masker used by the log sinks, error printing and the events of every run.
SecretMasker& secrets();

// Adds every config value the spec marks "airbyte_secret": true (nested objects, arrays, oneOf/anyOf), and the
// credentials of every URL in a config string (add_url_credentials).
// `spec_json` is a ConnectorSpecification; `config_json` the config. Malformed input adds nothing.
void collect_secrets(std::string_view spec_json, std::string_view config_json, SecretMasker& into);

}  // namespace connhost::logging
