// PartitionPlan: which streams one worker of a partitioned sync (`--partition I/N`) reads, and which slice of each.
//
// A stream whose AirbyteStream is marked "connhost_splittable": true (the source said in discover that it can split
// it) goes to every worker, and each worker's source reads slice I of N of it (host extension
// "connhost.partition/1"). Any other stream goes to one worker alone, whole: the worker whose index is the stream's
// stable hash (64-bit FNV-1a of "namespace.name", or of "name" without a namespace, then MurmurHash3's fmix64)
// modulo N.
#pragma once
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::runtime::sync {

// Worker `index` of `count` (0-based, like Kubernetes' JOB_COMPLETION_INDEX); count 1 is an unpartitioned sync.
struct Partition {
    uint32_t index = 0, count = 1;
    bool active() const noexcept { return count > 1; }
    std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// True when discovered AirbyteStream `stream` is marked "connhost_splittable": true (its source can split it).
bool splittable(const boost::json::object& stream);

// Parses "I/N"; throws std::invalid_argument naming `flag` and what to pass when it is malformed, N < 1 or I >= N.
Partition parse_partition(std::string_view text, const std::string& flag);

// The worker of `count` that reads the unsplit stream (ns, name) ("" ns: none).
uint32_t stream_worker(std::string_view ns, std::string_view name, uint32_t count);

class PartitionPlan {
public:
    // Plans `p` over a ConfiguredAirbyteCatalog text; throws std::invalid_argument for a split stream written with
    // destination_sync_mode overwrite (every worker would replace the others' rows).
    PartitionPlan(Partition p, std::string_view configured_catalog);

    // The worker this plan is for.
    const Partition& partition() const noexcept { return p_; }
    // The catalog with only the streams this worker reads (the whole catalog when not partitioned).
    const std::string& catalog() const noexcept { return catalog_; }
    // One line per configured stream: "users: slice 1 of 3", "products: worker 2 (not this one)".
    std::vector<std::string> describe() const;
    // The slice of (ns, name) this worker reads, {0, 1} for a stream read whole; false when this worker's catalog
    // does not hold the stream. Remembers that the source asked.
    bool slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count);
    // Why slice() refused (ns, name): the source asked for a stream this worker's catalog does not hold.
    static std::string slice_problem(std::string_view ns, std::string_view name);
    // "" when the source may emit records of (ns, name); else why not: it splits it and never asked for its slice.
    std::string emit_problem(std::string_view ns, std::string_view name, const std::string& source) const;

private:
    struct Entry {
        bool split = false, mine = false, asked = false;
    };
    Partition p_;
    std::string catalog_;
    std::vector<std::pair<std::string, std::string>> order_;
    std::map<std::pair<std::string, std::string>, Entry> streams_;
};

}  // namespace connhost::runtime::sync
