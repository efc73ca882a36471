// LineInputEvents: feeds a destination from Airbyte message lines and echoes the states it acknowledges.
#pragma once
#include "protocol/line_reader.hpp"
#include "protocol/message.hpp"
#include "protocol/singer_catalog.hpp"
#include "runtime/batch_buffer.hpp"
#include "runtime/dead_letter.hpp"
#include "runtime/protocol_events.hpp"
#include "runtime/delivery_ledger.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace connhost::runtime {

// Parses each line once; record bytes go into batches as they came. Airbyte and Singer lines are both accepted. Input
// problems end the input with CONFIG and are kept in input_error() (naming the line), after delivering everything
// before them. A line over the reader's limit is such a problem. A record of max_batch_bytes or more is delivered
// alone, borrowed from the line, never copied.
class LineInputEvents final : public ProtocolEvents {
public:
    LineInputEvents(protocol::MessageWriter& out, const std::string& plugin_name, protocol::LineReader& lines,
                    const std::vector<protocol::CatalogStream>& catalog_streams,
                    uint32_t idle_bound_ms = DeliveryLedger::kDefaultIdleMs, size_t max_batch_bytes = 1 << 20);

    int32_t next_input(connhost_input& in, uint32_t wait_ms) override;
    int32_t ack_state(uint64_t id) override;
    int32_t reject_record(uint32_t index, std::string_view reason) override;
    void keep_fields() override { keep_fields_ = KeepFields::Keep; }
    int32_t batch_fields(BatchFields& out) override;
    int32_t values_changed(uint64_t count) override;
    void changes_reported(const protocol::ValueChanges& c) override;
    bool takes_rejects() const override { return dead_letter_ != nullptr; }
    uint64_t record_position(uint32_t index) const override;
    int32_t reject_reported(const RejectedRecord& r, uint64_t before_state) override;
    // --error-tolerance all: records that cannot be written (data not an object, a line over the size limit, a
    // stream not in the catalog, a record the destination rejects) go to `dead_letter` and the input goes on; it is
    // made durable before each state is echoed, and echoed states carry destinationStats.rejectedRecordCount.
    void tolerate(DeadLetter& dead_letter);
    // Singer input without a catalog, in write sessions (one destination write each): reads the SCHEMA messages
    // before the first other message, which next_input takes first (a Singer STATE before any SCHEMA follows no
    // record: it is echoed at once). From then on a SCHEMA that changes the catalog (a new stream, another schema or
    // key_properties) ends the session: next_input delivers what came before it, then says END_OF_INPUT, and
    // catalog_changed() is true until next_session(). Returns false when the input has no SCHEMA before its first
    // other message (or its end); input_error() then says why when the input broke.
    bool read_singer_schemas();
    bool catalog_changed() const noexcept { return catalog_changed_; }
    // The configured catalog (JSON text) the Singer SCHEMA messages so far describe.
    std::string singer_catalog() const { return singer_.configured_catalog(); }
    // Starts the next session, whose catalog has `streams`.
    void next_session(const std::vector<protocol::CatalogStream>& streams);
    // The child of an --isolate run whose parent takes rejects: records that cannot be written go, as tolerate()
    // would send them to a dead-letter file, to the parent as private record_reject lines on the output, each
    // written out at once (protocol/private_message.hpp); the parent dead-letters them.
    void forward_rejects();
    // The child of an --isolate run: the counts of values its destination changed go to the parent as private
    // value_changes lines (the parent's summaries count them).
    void forward_changes() noexcept { forward_changes_ = true; }

    // The write succeeded: echoes every acknowledged state still held back (see DeliveryLedger).
    void finish();
    // Calls `f` once, at the first message, saying whether it is a Singer one. Each acknowledged Singer STATE is
    // echoed as its bare value, one JSON line (MessageWriter::singer_state), as a Singer target prints it.
    void on_first_message(std::function<void(bool singer)> f) { on_first_ = std::move(f); }

    // Why the input ended early ("stdin line 4: ..."), or empty.
    const std::string& input_error() const noexcept { return input_error_; }
    uint64_t states_acknowledged() const noexcept { return ledger_.states_released(); }
    uint64_t states_pending() const noexcept { return ledger_.states_pending(); }
    // Values the destination changed to fit its target (extension "connhost.value_changes/1") over the whole input.
    uint64_t changed_values() const noexcept { return changed_values_; }

private:
    // An item read but not yet delivered because a batch had to go first.
    struct Held {
        int32_t kind = 0;  // CONNHOST_INPUT_STATE or _STREAM_STATUS
        std::string json;
        std::optional<std::string> singer_value;  // a Singer STATE: its value, echoed as it came
    };

    // What reading one message led to: read on, something was put in `in`, or reading stops (an error or a held item).
    enum class Step { Continue, Delivered, Stop };
    // What parsing a line led to: a message in msg_, a bad record sent to the dead-letter file, or a failed input.
    enum class Parse { Ok, Rejected, Failed };

    // Adds the record in msg_ to the batch being built; delivers a batch into `in` when one is due.
    Step accept_record(connhost_input& in, bool has_ns, int64_t emitted_at, std::string_view meta);
    // Puts `batch` in `in` and counts its records.
    int32_t deliver_records(connhost_input& in, BatchBuffer& batch);
    int32_t deliver_batch(connhost_input& in);
    int32_t deliver_held(connhost_input& in);
    int32_t deliver_large(connhost_input& in);
    // Reads lines into building_ until something must be delivered, or for `wait_ms` (0: no limit) no line
    // came; returns true if it put an item (an IDLE one included) in `in`.
    bool read_until_delivery(connhost_input& in, int32_t& status, uint32_t wait_ms);
    // The next line; false (the input done) at its end or at a line over the limit.
    bool next_line(std::string_view& line);
    // Parses `line` into msg_.
    Parse parse_line(std::string_view line);
    // Reads and parses the next non-blank line into msg_ (or takes the pending one); false when reading stops (the
    // input ended or failed, or for `wait_ms` no line came: then `idle`).
    bool next_message(uint32_t wait_ms, bool& idle);
    // A Singer SCHEMA in msg_: records it; Stop when it is invalid or, in sessions, changes the catalog.
    Step take_schema();
    // Under --error-tolerance all, sends the input line `line` (a record message; "" when it was too long to keep)
    // to the dead-letter file and returns true; else returns false.
    bool reject_line(std::string_view line, std::string_view reason, bool has_stream = true);
    // Records that cannot be written are set aside (a dead-letter file, or the parent of a child process).
    bool tolerant() const noexcept { return dead_letter_ || forward_rejects_; }
    // Sends `r` to the dead-letter file or the parent; the ledger is not touched.
    void set_aside(const RejectedRecord& r);
    // Adds the record in msg_ to building_, noting its input line.
    void add_to_building(int64_t emitted_at, std::string_view meta);
    // Acts on the message in msg_.
    Step take_message(connhost_input& in);
    void fail_line(const std::string& why);
    // Prints a released state with its destinationStats.recordCount.
    void echo(const StateLedger::Entry& e);
    void fail_too_long(const protocol::LineTooLong& e);
    // Notes the message in msg_ (the first one calls on_first_).
    void saw_message();

    protocol::LineReader& lines_;
    std::set<std::pair<std::string, std::string>> streams_;
    size_t max_batch_bytes_;
    protocol::ParsedMessage msg_;
    protocol::SingerCatalogBuilder singer_;  // validates Singer SCHEMA/RECORD lines as they come
    BatchBuffer building_, delivering_;
    std::vector<uint64_t> building_lines_, delivering_lines_;  // the input line of each record of the batch
    BatchBuffer large_;                  // a record too large to copy, borrowed from the line reader's buffer
    std::vector<uint64_t> large_lines_;  // large_'s input line
    BatchBuffer* delivered_ = nullptr;   // the RECORDS batch delivered last (reject_record's)
    // Whether the destination reads the records' members (keep_fields): decided at its first next_input, before
    // any batch is built.
    enum class KeepFields { Undecided, Keep, Drop } keep_fields_ = KeepFields::Undecided;
    const std::vector<uint64_t>* delivered_lines_ = nullptr;
    DeadLetter* dead_letter_ = nullptr;  // --error-tolerance all
    bool forward_rejects_ = false;       // forward_rejects()
    bool forward_changes_ = false;       // forward_changes()
    bool large_due_ = false;             // large_ waits for the batch before it to be consumed
    std::optional<Held> held_;
    std::string held_json_;  // storage for the JSON of the item last delivered
    DeliveryLedger ledger_;
    bool clean_end_ = false;  // the input ended without an error
    std::string input_error_;
    bool input_done_ = false;
    std::function<void(bool)> on_first_;
    bool first_seen_ = false;
    std::map<uint64_t, std::string> singer_values_;  // state id -> the Singer STATE value it came as
    bool singer_sessions_ = false;  // read_singer_schemas() was called: catalog changes end the session
    bool pending_ = false;          // msg_ holds a message read but not taken yet (read_singer_schemas stopped there)
    bool catalog_changed_ = false;  // a SCHEMA changed the catalog: the session ends before it
    uint64_t changed_values_ = 0;   // values the destination changed to fit its target (values_changed)
};

}  // namespace connhost::runtime
