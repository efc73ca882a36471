#include "runtime/child_input_feeder.hpp"

#include "protocol/message_writer.hpp"

#include <string>

namespace connhost::runtime {

namespace {

// While input is idle, the feeder wakes this often: the child commits on its own, and its acks are applied here.
constexpr uint32_t kIdleWakeMs = 200;

void write_item(protocol::MessageWriter& to_child, const connhost_input& item, ChildAcks& acks) {
    if (item.kind == CONNHOST_INPUT_IDLE) {
        to_child.flush();  // the child sees everything sent so far and can commit it
    } else if (item.kind == CONNHOST_INPUT_RECORDS) {
        to_child.records(*item.batch, protocol::MessageWriter::now_ms());
    } else if (item.kind == CONNHOST_INPUT_STATE) {
        acks.sent(item.state_id);
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

void ChildAcks::apply(ConnectorEvents& ev) {
    std::deque<std::string> echoed;
    {
        std::lock_guard lock(report_.mu);
        echoed.swap(report_.echoed_states);
    }
    for (size_t i = 0; i < echoed.size() && !sent_.empty(); ++i) {
        ev.ack_state(sent_.front());
        sent_.pop_front();
    }
}

int32_t feed_child_input(ConnectorEvents& ev, int fd, ChildAcks& acks) {
    int32_t input_status = CONNHOST_STATUS_OK;
    try {
        protocol::MessageWriter to_child(fd, 1 << 20);
        for (;;) {
            acks.apply(ev);
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
            write_item(to_child, item, acks);
        }
        to_child.flush();
    } catch (const std::exception&) {
        // The child stopped reading (it failed or crashed); its exit status says why.
    }
    return input_status;
}

}  // namespace connhost::runtime
