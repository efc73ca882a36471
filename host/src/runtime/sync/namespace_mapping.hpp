// NamespaceMapping: where a sync writes each source stream, as Airbyte's connection settings say it
// (namespace_definition source | destination | custom with namespace_format, and stream_prefix).
#pragma once
#include "protocol/catalog_input.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::runtime::sync {

// The connection's choice. Default: the source's namespaces and names, unchanged.
struct NamespaceMapping {
    enum class Definition { Source, Destination, Custom };
    Definition definition = Definition::Source;
    std::string format;  // custom: the namespace, "${SOURCE_NAMESPACE}" replaced by the source's ("" when none)
    std::string prefix;  // put before every stream name

    bool identity() const noexcept { return definition == Definition::Source && prefix.empty(); }
};

// Parses "source" / "destination" / "custom"; throws std::invalid_argument naming `what` and the allowed values.
NamespaceMapping::Definition parse_namespace_definition(const std::string& text, const std::string& what);

// Throws std::invalid_argument when `m` cannot be applied: custom without a format, or a format or prefix given
// for a definition that does not use it (`what` names where they came from).
void check_namespace_mapping(const NamespaceMapping& m, const std::string& what);

// A stream as the destination sees it: its namespace ("" when none: the destination's default) and name.
struct MappedStream {
    std::string ns, name;
};

// Renames what goes from the source to the destination. The source, the state file and the host's own bookkeeping
// keep the source's names; only the destination sees the mapped ones (so a state saved from a mapped sync resumes
// the source where it stopped). Immutable after construction; any thread.
class StreamRenamer {
public:
    // Throws std::invalid_argument naming both streams when two catalog streams would land in one.
    StreamRenamer(NamespaceMapping mapping, const std::vector<protocol::CatalogStream>& streams);

    bool identity() const noexcept { return mapping_.identity(); }
    // Where source stream (ns, name) is written; ns "" means none.
    MappedStream map(std::string_view ns, std::string_view name) const;
    // The configured catalog text with each stream's name and namespace mapped (a namespace "" is removed).
    std::string catalog(std::string_view configured_catalog) const;
    // An AirbyteStateMessage text with its stream descriptors mapped (LEGACY states have none): unchanged when it
    // cannot be parsed.
    std::string state(std::string_view state_json) const;
    // An AirbyteStreamStatusTraceMessage text with its stream descriptor mapped.
    std::string stream_status(std::string_view status_json) const;
    // One line per renamed stream, "ns.name -> ns2.name2", for the log.
    std::vector<std::string> describe(const std::vector<protocol::CatalogStream>& streams) const;

private:
    NamespaceMapping mapping_;
};

}  // namespace connhost::runtime::sync
