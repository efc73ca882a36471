// SingerCatalogBuilder: turns a Singer stream's SCHEMA messages into a configured catalog, checking the stream as it
// goes.
#pragma once
#include "protocol/message.hpp"

#include <map>
#include <string>
#include <vector>

namespace connhost::protocol {

// Feed every parsed line in order; each check throws ProtocolError with what is wrong (the caller names the line).
// Streams with key_properties become append_dedup on those keys, the others append.
class SingerCatalogBuilder {
public:
    // A SCHEMA: records the stream (later SCHEMAs of the same stream replace its schema and keys); returns true when
    // that changed the catalog (a new stream, another schema text or key_properties). Throws when the schema has no
    // "properties" or key_properties is not an array of strings.
    bool schema(const ParsedMessage& m);
    // A Singer RECORD: throws when its stream has had no SCHEMA yet, or a key property is missing.
    void record(const ParsedMessage& m) const;
    // The configured catalog (JSON text) of every stream seen, in order of first SCHEMA.
    std::string configured_catalog() const;
    bool empty() const noexcept { return order_.empty(); }

private:
    struct Stream {
        std::string schema;             // JSON text
        std::vector<std::string> keys;  // key_properties
    };
    std::map<std::string, Stream> streams_;
    std::vector<std::string> order_;
};

// Milliseconds since the epoch of an RFC 3339 / ISO 8601 timestamp ("2019-01-31T12:00:00.123Z", offsets allowed); 0 if
// unreadable.
int64_t iso8601_to_ms(std::string_view text);

// The Airbyte STATE object for a Singer STATE value: {"type":"LEGACY","data":value} (a non-object value is wrapped as
// {"value": v}).
std::string singer_state_as_airbyte(std::string_view value);

}  // namespace connhost::protocol
