// BatchQueue: the bounded hand-over between a sync's source thread and destination thread.
#pragma once
#include "runtime/batch_buffer.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace connhost::runtime::sync {

// One item in input order: a batch of records, a state, a stream status, or the end of the source.
struct QueueItem {
    enum Kind { Records, State, StreamStatus, End } kind = End;
    std::unique_ptr<BatchBuffer> batch;  // Records
    std::string json;                    // State / StreamStatus: the message object
    int32_t end_status = 0;              // End: the source's CONNHOST_STATUS_*
    uint64_t first_record = 0;           // Records: the 1-based number of its first record in the source's output
    std::vector<uint32_t> left_out;      // Records: the indices, in the source's batch, of bad records left out
    uint64_t rejected_before = 0;        // records sent to the dead-letter file since the item before this one
    size_t bytes() const noexcept { return (batch ? batch->bytes() : 0) + json.size() + 64; }
};

// Multi-producer/consumer FIFO bounded in bytes: push blocks while full (back-pressure), pop while empty.
// An item larger than the bound is still accepted when the queue is empty, so nothing can deadlock.
class BatchQueue {
public:
    explicit BatchQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

    // Appends `item`, waiting for room; false (item dropped) once the queue was closed.
    bool push(QueueItem item);
    // Removes the next item, waiting for one; false once closed and drained.
    bool pop(QueueItem& item);
    enum class Popped { Item, TimedOut, Closed };
    // Like pop(), but waits at most `wait` for an item.
    Popped pop_for(QueueItem& item, std::chrono::milliseconds wait);
    // Wakes everyone; later pushes fail, pops drain what is left.
    void close();
    // A spare buffer to fill (recycled from consumed batches when there is one).
    std::unique_ptr<BatchBuffer> spare();
    // Gives a consumed buffer back for reuse. Spares are kept up to the queue's bound in bytes, so a full queue's
    // buffers are all reused when it drains (a fresh buffer costs its growth and page faults again).
    void recycle(std::unique_ptr<BatchBuffer> b);

    size_t bytes() const;

private:
    void take(QueueItem& item);  // with mu_ held and an item there

    const size_t max_bytes_;
    mutable std::mutex mu_;
    std::condition_variable not_full_, not_empty_;
    std::deque<QueueItem> items_;
    size_t bytes_ = 0;
    bool closed_ = false;
    std::deque<std::unique_ptr<BatchBuffer>> spares_;
    size_t spare_bytes_ = 0;  // the capacity() of the spares
};

}  // namespace connhost::runtime::sync
