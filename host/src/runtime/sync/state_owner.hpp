// StateOwner: what a sync's state file belongs to, so a state is never applied to another destination target.
#pragma once
#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace connhost::runtime::sync {

// Who wrote a state file: the two plugins, the destination's target and the streams. A state says "everything
// before this point is in the target"; applied to another target it would skip records that target never got.
struct StateOwner {
    std::string source_plugin;
    std::string source_config_hash;  // of the source config; a change is legitimate and only logged
    std::string destination_plugin;
    boost::json::object destination_target;  // config fields the destination's spec marks "connhost_target"
    bool target_known = false;               // false: the destination marks no target field
    std::vector<std::string> streams;        // configured streams, "ns.name"
    std::string partition;                   // "I/N" of a worker of a partitioned sync (--partition); "" none

    boost::json::object to_json() const;
    // Reads the "owner" member of a state file; throws std::runtime_error naming `file` when it is malformed.
    static StateOwner from_json(const boost::json::value& v, const std::string& file);
};

// The owner of a sync about to run: target fields are the config values the spec marks "connhost_target": true.
StateOwner state_owner_of(const std::string& source_plugin, std::string_view source_config,
                          const std::string& destination_plugin, std::string_view destination_spec,
                          std::string_view destination_config, std::vector<std::string> streams);

// Throws std::runtime_error saying what differs and how to start fresh when `saved` belongs to another destination
// plugin or target (or another source plugin), or to another worker of a partitioned sync; logs changes that are
// legitimate (source config, streams).
void check_state_owner(const StateOwner& saved, const StateOwner& now, const std::string& state_file);

}  // namespace connhost::runtime::sync
