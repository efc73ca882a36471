// Source: the base class a source connector derives from; the SDK turns it into the C ABI.
#pragma once
#include <connhost/sdk/batch_writer.hpp>
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/estimate.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/state.hpp>

namespace connhost::sdk {

// Derive, implement the four operations, and name the class in CONNHOST_PLUGIN. Methods throw Error on failure.
class Source {
public:
    static constexpr int32_t kind = CONNHOST_KIND_SOURCE;

    explicit Source(Host host) : host_(host) {}
    virtual ~Source() = default;

    // The ConnectorSpecification object (connectionSpecification and friends).
    virtual json::object spec() = 0;
    // Validates `config` and reachability; throws an Error whose message says what failed.
    virtual void check(const json::object& config) = 0;
    // The streams this config exposes (AirbyteStream objects).
    virtual json::array discover(const json::object& config) = 0;
    // Emits records and states of the configured streams, resuming from `state`.
    virtual void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) = 0;
    // Called from any thread when the host cancels: abort blocking I/O. Default: nothing (poll host().cancelled()).
    virtual void on_cancel() noexcept {}

    Host host() const noexcept { return host_; }

    // Partitioned syncs (`connhost sync --partition I/N`): a source that can split a stream marks its AirbyteStream
    // in discover with mark_splittable; the host then gives that stream to every worker, and read asks slice_of(cs)
    // for the slice this worker reads (whole() when the run is not partitioned). Every slice's saved position must
    // stay inside the slice. A stream not marked goes to one worker alone, whole.
    static void mark_splittable(json::object& stream) { stream["connhost_splittable"] = true; }
    Slice slice_of(const ConfiguredStream& cs) const { return host_.partition_slice(cs.ns.value_or(""), cs.name); }

private:
    Host host_;
};

}  // namespace connhost::sdk
