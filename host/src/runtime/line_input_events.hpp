// LineInputEvents: feeds a destination from Airbyte message lines and echoes the states it acknowledges.
#pragma once
#include "protocol/line_reader.hpp"
#include "protocol/message.hpp"
#include "protocol/singer_catalog.hpp"
#include "runtime/batch_buffer.hpp"
#include "runtime/protocol_events.hpp"
#include "runtime/delivery_ledger.hpp"

#include <optional>
#include <set>
#include <vector>
#include <string>
#include <utility>

namespace connhost::runtime {

// Parses each line once; record bytes go into batches as they came. Airbyte and Singer lines are both accepted. Input problems end the input
// with CONFIG and are kept in input_error() (naming the line), after delivering everything before them.
class LineInputEvents final : public ProtocolEvents {
public:
    LineInputEvents(protocol::MessageWriter& out, const std::string& plugin_name, protocol::LineReader& lines,
                    const std::vector<protocol::CatalogStream>& catalog_streams,
                    uint32_t idle_bound_ms = DeliveryLedger::kDefaultIdleMs, size_t max_batch_bytes = 1 << 20);

    int32_t next_input(connhost_input& in, uint32_t wait_ms) override;
    int32_t ack_state(uint64_t id) override;

    // The write succeeded: echoes every acknowledged state still held back (see DeliveryLedger).
    void finish();

    // Why the input ended early ("stdin line 4: ..."), or empty.
    const std::string& input_error() const noexcept { return input_error_; }
    uint64_t states_acknowledged() const noexcept { return ledger_.states_released(); }
    uint64_t states_pending() const noexcept { return ledger_.states_pending(); }

private:
    // An item read but not yet delivered because a batch had to go first.
    struct Held {
        int32_t kind = 0;  // CONNHOST_INPUT_STATE or _STREAM_STATUS
        std::string json;
    };

    enum class RecordVerdict { Buffered, Delivered, Failed };

    // Adds the record in msg_ to the batch being built; delivers a batch into `in` when one is due.
    RecordVerdict accept_record(connhost_input& in, bool has_ns, int64_t emitted_at, std::string_view meta);
    int32_t deliver_batch(connhost_input& in);
    int32_t deliver_held(connhost_input& in);
    // Reads lines into building_ until something must be delivered, or for `wait_ms` (0: no limit) no line
    // came; returns true if it put an item (an IDLE one included) in `in`.
    bool read_until_delivery(connhost_input& in, int32_t& status, uint32_t wait_ms);
    void fail_line(const std::string& why);

    protocol::LineReader& lines_;
    std::set<std::pair<std::string, std::string>> streams_;
    size_t max_batch_bytes_;
    protocol::ParsedMessage msg_;
    protocol::SingerCatalogBuilder singer_;  // validates Singer SCHEMA/RECORD lines as they come
    BatchBuffer building_, delivering_;
    std::optional<Held> held_;
    std::string held_json_;     // storage for the JSON of the item last delivered
    DeliveryLedger ledger_;
    bool clean_end_ = false;  // the input ended without an error
    std::string input_error_;
    bool input_done_ = false;
};

}  // namespace connhost::runtime
