// What the read, incremental and sigterm checks share: the streams to read, configured catalogs, and the records and
// states of a read, per stream.
#pragma once
#include "certify/source_facts.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace connhost::certify {

// A stream's identity in messages: its namespace ("" when none) and name.
struct StreamId {
    std::string ns, name;
    auto operator<=>(const StreamId&) const = default;
    std::string label() const { return ns.empty() ? name : ns + "." + name; }
};

// The AirbyteStream objects a read may configure: those of --catalog (plain or configured; a configured stream's
// cursor_field and primary_key taken as its default_cursor_field and, when it has none, source_defined_primary_key),
// else of the discovered catalog. Nothing (and `why` set) when there is no catalog to read with.
std::optional<std::vector<boost::json::object>> streams_to_read(CertifyContext& ctx, const SourceFacts& facts,
                                                                std::string& why);

StreamId stream_id(const boost::json::object& airbyte_stream);

// A ConfiguredAirbyteCatalog of `streams`, each in `sync_mode` (full_refresh or incremental; the latter with the
// stream's default_cursor_field), destination_sync_mode append.
std::string configured_catalog(const std::vector<boost::json::object>& streams, const std::string& sync_mode);

// The RECORD messages of a read by stream, and the STATE messages in order, each with its place among the messages.
// Move-only: records and states point into `out`.
struct ReadOutput {
    ReadOutput() = default;
    ReadOutput(ReadOutput&&) = default;
    ReadOutput& operator=(ReadOutput&&) = default;
    ReadOutput(const ReadOutput&) = delete;
    ReadOutput& operator=(const ReadOutput&) = delete;

    struct Record {
        StreamId stream;
        const boost::json::value* data;  // into `out`
        size_t position;                 // index among out.messages
    };
    ProtocolOutput out;
    std::vector<Record> records;
    std::vector<std::pair<size_t, const boost::json::object*>> states;  // (position, its AirbyteStateMessage)
};

// Parses a read's stdout (records without a string `stream` or an object `data` are skipped: read.only_configured
// reports them).
ReadOutput read_output(const std::string& stdout_text);

// Runs `read` with --config, a catalog file written from `catalog_text` and, when given, a state file; remembers
// it under `label` for read.no_secret.
const RunResult& run_read(CertifyContext& ctx, SourceFacts& facts, const std::string& label,
                          const std::string& catalog_text, const std::optional<std::string>& state_text = {});

}  // namespace connhost::certify
