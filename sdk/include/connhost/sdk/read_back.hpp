// ReadBack: the opt-in of a destination to the plugin extension "connhost.read_back/1" (`connhost run read-back`).
#pragma once
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/json.hpp>

namespace connhost::sdk {

// A Destination that can list what it holds also derives from ReadBack; CONNHOST_PLUGIN then offers the extension.
class ReadBack {
public:
    virtual ~ReadBack() = default;
    // Emits (RecordBatchWriter over host()) every record held for each stream of `catalog`, stream by stream, each
    // stream's records in stored order, as stored, without the destination's own metadata; a stream never written
    // is empty. Emits no state. Run thread; a separate operation (no open/close around it). Throws Error.
    virtual void read_back(const json::object& config, const ConfiguredCatalog& catalog) = 0;
};

}  // namespace connhost::sdk
