#include "runtime/child_input_feeder.hpp"

#include "protocol/message_writer.hpp"
#include "runtime/private_rejects.hpp"

#include <string>

namespace connhost::runtime {

namespace {

// While input is idle, the feeder wakes this often: the child commits on its own, and its acks are applied here.
constexpr uint32_t kIdleWakeMs = 200;

void write_item(protocol::MessageWriter& to_child, const connhost_input& item) {
    if (item.kind == CONNHOST_INPUT_IDLE) {
        to_child.flush();  // the child sees everything sent so far and can commit it
    } else if (item.kind == CONNHOST_INPUT_RECORDS) {
        to_child.records(*item.batch, protocol::MessageWriter::now_ms());
    } else if (item.kind == CONNHOST_INPUT_STATE) {
        to_child.state({item.json, item.json_size});
        to_child.flush();  // the child may commit and echo it only once it sees it
    } else if (item.kind == CONNHOST_INPUT_STREAM_STATUS) {
        to_child.message(CONNHOST_MSG_TRACE,
                         R"({"type":"STREAM_STATUS","emitted_at":)" +
                             std::to_string(protocol::MessageWriter::now_ms()) + R"(,"stream_status":)" +
                             std::string(item.json, item.json_size) + "}");
    }
}

}  // namespace

void ChildAcks::sending(const ConnectorEvents& ev, const connhost_input& item) {
    if (item.kind == CONNHOST_INPUT_STATE) {
        sent_.push_back({item.state_id, lines_.next_line()});
        lines_.other(1);
    } else if (item.kind == CONNHOST_INPUT_STREAM_STATUS) {
        lines_.other(1);
    } else if (item.kind == CONNHOST_INPUT_RECORDS && map_lines_) {
        for (uint32_t i = 0; i < item.batch->record_count; ++i) lines_.record(ev.record_position(i));
    } else if (item.kind == CONNHOST_INPUT_RECORDS) {
        lines_.other(item.batch->record_count);
    }
}

void ChildAcks::take_reject(ConnectorEvents& ev, const protocol::RecordReject& r) {
    // The state sent right after the record: the child may acknowledge a state only after later records were written.
    uint64_t before_state = 0;
    for (const Sent& s : sent_)
        if (s.line > r.line) {
            before_state = s.id;
            break;
        }
    try {
        if (ev.reject_reported(rejected_record_of(r, lines_.position(r.line)), before_state) == CONNHOST_STATUS_OK)
            return;
        failure_ = "the plugin's child process rejected a record though bad records fail this run: " + r.reason;
    } catch (const std::exception& e) {
        failure_ = e.what();
    }
}

void ChildAcks::apply(ConnectorEvents& ev) {
    std::deque<ChildNote> notes;
    {
        std::lock_guard lock(report_.mu);
        notes.swap(report_.notes);
    }
    for (const ChildNote& n : notes) {
        if (!failure_.empty()) return;  // nothing after a reject that was lost is acknowledged
        if (!n.error.empty()) {
            failure_ = n.error;
        } else if (n.reject) {
            take_reject(ev, *n.reject);
        } else if (n.changes) {
            ev.changes_reported(*n.changes);
        } else if (!sent_.empty()) {
            ev.ack_state(sent_.front().id);
            lines_.forget_before(sent_.front().line);
            sent_.pop_front();
        }
    }
}

int32_t feed_child_input(ConnectorEvents& ev, int fd, ChildAcks& acks) {
    int32_t input_status = CONNHOST_STATUS_OK;
    try {
        protocol::MessageWriter to_child(fd, 1 << 20);
        for (;;) {
            acks.apply(ev);
            if (!acks.failure().empty()) {
                input_status = CONNHOST_STATUS_SYSTEM;
                to_child.trace_error("the host stopped the write: " + acks.failure(), "", "system_error");
                break;
            }
            connhost_input item{};
            item.struct_size = sizeof item;
            int32_t st = ev.next_input(item, kIdleWakeMs);
            if (st == CONNHOST_STATUS_END_OF_INPUT) break;
            if (st != CONNHOST_STATUS_OK) {
                input_status = st;
                to_child.trace_error(
                    "the input of the destination ended with an error (" + std::string(status_name(st)) + ")", "",
                    "system_error");
                break;
            }
            acks.sending(ev, item);
            write_item(to_child, item);
        }
        to_child.flush();
    } catch (const std::exception&) {
        // The child stopped reading (it failed or crashed); its exit status says why.
    }
    return input_status;
}

}  // namespace connhost::runtime
