#include "runtime/sync/batch_queue.hpp"

namespace connhost::runtime::sync {

bool BatchQueue::push(QueueItem item) {
    std::unique_lock lock(mu_);
    const size_t n = item.bytes();
    not_full_.wait(lock, [&] { return closed_ || items_.empty() || bytes_ + n <= max_bytes_; });
    if (closed_) return false;
    bytes_ += n;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
}

void BatchQueue::take(QueueItem& item) {
    item = std::move(items_.front());
    items_.pop_front();
    bytes_ -= item.bytes();
    not_full_.notify_all();
}

bool BatchQueue::pop(QueueItem& item) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    take(item);
    return true;
}

BatchQueue::Popped BatchQueue::pop_for(QueueItem& item, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_for(lock, wait, [&] { return closed_ || !items_.empty(); })) return Popped::TimedOut;
    if (items_.empty()) return Popped::Closed;
    take(item);
    return Popped::Item;
}

void BatchQueue::close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
}

std::unique_ptr<BatchBuffer> BatchQueue::spare() {
    std::lock_guard lock(mu_);
    if (spares_.empty()) return std::make_unique<BatchBuffer>();
    auto b = std::move(spares_.front());
    spares_.pop_front();
    spare_bytes_ -= b->capacity();
    return b;
}

void BatchQueue::recycle(std::unique_ptr<BatchBuffer> b) {
    if (!b) return;
    std::lock_guard lock(mu_);
    const size_t held = b->capacity();
    if (spare_bytes_ + held > max_bytes_) return;  // freed: the spares never hold more than the queue may
    spare_bytes_ += held;
    spares_.push_back(std::move(b));
}

size_t BatchQueue::bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

}  // namespace connhost::runtime::sync
