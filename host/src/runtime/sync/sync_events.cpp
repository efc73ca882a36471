#include "runtime/sync/sync_events.hpp"

#include "logging/log_setup.hpp"
#include "protocol/message_writer.hpp"
#include "protocol/private_message.hpp"
#include "protocol/stream_name.hpp"
#include "protocol/trace_fields.hpp"

namespace connhost::runtime::sync {

SourceEvents::SourceEvents(BatchQueue& q, SyncControl& ctl, SyncProgress& progress, const std::string& plugin_name,
                           std::set<std::pair<std::string, std::string>> streams)
    : q_(q),
      ctl_(ctl),
      progress_(progress),
      log_(logging::plugin_log(plugin_name)),
      streams_(std::move(streams)),
      plugin_name_(plugin_name) {}

void SourceEvents::on_log(int32_t level, std::string_view msg) { log_->log(logging::from_abi_level(level), "{}", msg); }

int32_t SourceEvents::partition_slice(std::string_view ns, std::string_view name, uint32_t& index, uint32_t& count) {
    if (!plan_) return ConnectorEvents::partition_slice(ns, name, index, count);
    if (plan_->slice(ns, name, index, count)) return CONNHOST_STATUS_OK;
    error_ = PartitionPlan::slice_problem(ns, name);
    return CONNHOST_STATUS_CONFIG;
}

std::string SourceEvents::delegate_partition() {
    if (!plan_) return {};
    plan_delegated_ = true;
    return plan_->partition().text();
}

int32_t SourceEvents::on_bad_record(const connhost_record_batch& b, uint32_t index, std::string_view reason) {
    if (!dead_letter_) return CONNHOST_STATUS_UNSUPPORTED;
    dead_letter_->add(b, index, seen_ + index + 1, reason);
    const std::string_view ns = b.ns ? std::string_view(b.ns, b.ns_size) : std::string_view();
    progress_.rejected(protocol::stream_display_name(ns, {b.stream, b.stream_size}), 1);
    rejected_in_batch_.push_back(index);
    return CONNHOST_STATUS_OK;
}

int32_t SourceEvents::bad_record_reported(const RejectedRecord& r) {
    if (!dead_letter_) return CONNHOST_STATUS_UNSUPPORTED;
    dead_letter_->add(r);  // r.line is the record's place in the source's output, as the child counted it
    ++seen_;
    ++rejected_unsent_;
    progress_.rejected(protocol::stream_display_name(r.has_ns ? r.ns : std::string_view(), r.stream), 1);
    return CONNHOST_STATUS_OK;
}

bool SourceEvents::push(QueueItem item) {
    item.rejected_before = rejected_unsent_;
    rejected_unsent_ = 0;
    return q_.push(std::move(item));
}

int32_t SourceEvents::on_records(const connhost_record_batch& b) { return on_checked_records(b, {}); }

int32_t SourceEvents::on_checked_records(const connhost_record_batch& b, const BatchFields& fields) {
    if (ctl_.cancelled) return CONNHOST_STATUS_CANCELLED;
    const uint64_t first = seen_ + 1, left_out = rejected_in_batch_.size();  // the host left bad records out of `b`
    std::vector<uint32_t> left_out_indices;
    left_out_indices.swap(rejected_in_batch_);
    rejected_unsent_ += left_out;
    if (b.record_count == 0) {  // every record of the batch was bad
        seen_ += left_out;
        return CONNHOST_STATUS_OK;
    }
    std::string_view stream(b.stream, b.stream_size), ns(b.ns ? b.ns : "", b.ns ? b.ns_size : 0);
    if (!streams_.count({std::string(ns), std::string(stream)})) {
        if (dead_letter_) {
            for (uint32_t i = 0; i < b.record_count; ++i)
                dead_letter_->add(b, i, seen_ + i + 1,
                                  "stream \"" + protocol::stream_display_name(ns, stream) + "\" is not in the catalog");
            seen_ += b.record_count + left_out;
            rejected_unsent_ += b.record_count;
            progress_.rejected(protocol::stream_display_name(ns, stream), b.record_count);
            return CONNHOST_STATUS_OK;
        }
        error_ = "the source emitted records for stream \"" + protocol::stream_display_name(ns, stream) +
            "\", which is not in the configured catalog (a bug in the source; report it to its authors)";
        return CONNHOST_STATUS_INTERNAL;
    }
    if (plan_ && !plan_delegated_) {
        if (std::string why = plan_->emit_problem(ns, stream, plugin_name_); !why.empty()) {
            error_ = std::move(why);
            return CONNHOST_STATUS_INTERNAL;
        }
    }
    QueueItem item;
    item.kind = QueueItem::Records;
    item.batch = q_.spare();
    item.batch->reset(stream, b.ns != nullptr, ns);
    item.batch->add_batch(
        b, protocol::MessageWriter::now_ms(),
        ctl_.keep_fields.load(std::memory_order_relaxed) != SyncControl::kDrop ? fields : BatchFields{});
    item.first_record = first;
    item.left_out = std::move(left_out_indices);
    seen_ += b.record_count + left_out;
    return push(std::move(item)) ? CONNHOST_STATUS_OK : CONNHOST_STATUS_CANCELLED;
}

int32_t SourceEvents::on_state(std::string_view state_json) {
    QueueItem item;
    item.kind = QueueItem::State;
    item.json.assign(state_json);
    return push(std::move(item)) ? CONNHOST_STATUS_OK : CONNHOST_STATUS_CANCELLED;
}

int32_t SourceEvents::on_message(int32_t msg_type, std::string_view payload) {
    if (msg_type != CONNHOST_MSG_TRACE) return CONNHOST_STATUS_OK;
    std::string ss = protocol::stream_status_of(payload);
    if (ss.empty()) {
        if (auto e = protocol::trace_estimate_of(payload))
            progress_.estimate(protocol::stream_display_name(e->ns, e->name), e->rows);
        else
            log_->info("trace: {}", payload);
        return CONNHOST_STATUS_OK;
    }
    open_.on_trace(payload);
    QueueItem item;
    item.kind = QueueItem::StreamStatus;
    item.json = std::move(ss);
    return push(std::move(item)) ? CONNHOST_STATUS_OK : CONNHOST_STATUS_CANCELLED;
}

void SourceEvents::end_unfinished_streams() {
    for (const auto& [ns, name] : open_.unfinished()) {
        logging::host_log().warn("stream {} is INCOMPLETE: the source stopped before finishing it",
                                 protocol::stream_display_name(ns, name));
        QueueItem item;
        item.kind = QueueItem::StreamStatus;
        item.json = protocol::stream_status_object(ns, name, "INCOMPLETE");
        if (!push(std::move(item))) break;
    }
    open_.clear();
}

DestinationEvents::DestinationEvents(BatchQueue& q, SyncControl& ctl, const std::string& plugin_name, StateStore& store,
                                     SyncProgress& progress, const std::vector<protocol::CatalogStream>& streams,
                                     uint32_t idle_bound_ms)
    : q_(q),
      ctl_(ctl),
      log_(logging::plugin_log(plugin_name)),
      store_(store),
      progress_(progress),
      ledger_(streams, idle_bound_ms) {}

int32_t DestinationEvents::fail_input(std::string why) {
    input_error_ = std::move(why);
    ended_ = true;
    source_status_ = CONNHOST_STATUS_CONFIG;
    ctl_.cancelled = true;  // stop the source: nothing more of it can be written
    q_.close();
    return source_status_;
}

void DestinationEvents::on_log(int32_t level, std::string_view msg) {
    log_->log(logging::from_abi_level(level), "{}", msg);
}

int32_t DestinationEvents::on_message(int32_t, std::string_view payload) {
    log_->debug("message: {}", payload);
    return CONNHOST_STATUS_OK;
}

uint64_t DestinationEvents::record_number(uint32_t index) const {
    uint64_t at = index;  // its index in the source's batch: past every record left out before it
    for (uint32_t skipped : current_.left_out)
        if (skipped <= at) ++at;
    return current_.first_record + at;
}

int32_t DestinationEvents::reject_record(uint32_t index, std::string_view reason) {
    if (!dead_letter_) return CONNHOST_STATUS_UNSUPPORTED;
    if (!current_delivered_ || !current_.batch || index >= current_.batch->size()) return CONNHOST_STATUS_CONFIG;
    dead_letter_->add(current_.batch->view(), index, record_number(index), reason);
    ledger_.rejected_by_destination();
    progress_.rejected(current_stream_, 1, true);
    return CONNHOST_STATUS_OK;
}

int32_t DestinationEvents::values_changed(uint64_t count) {
    if (!current_delivered_) return CONNHOST_STATUS_CONFIG;
    progress_.changed(current_stream_, count);
    return CONNHOST_STATUS_OK;
}

uint64_t DestinationEvents::record_position(uint32_t index) const {
    if (!current_delivered_ || !current_.batch || index >= current_.batch->size()) return 0;
    return record_number(index);
}

int32_t DestinationEvents::reject_reported(const RejectedRecord& r, uint64_t before_state) {
    if (!dead_letter_) return CONNHOST_STATUS_UNSUPPORTED;
    dead_letter_->add(r);
    ledger_.rejected_by_destination(before_state);
    progress_.rejected(summary_name(r.ns, r.has_ns, r.stream), 1, true);
    return CONNHOST_STATUS_OK;
}

void DestinationEvents::changes_reported(const protocol::ValueChanges& c) {
    progress_.changed(summary_name(c.ns, c.has_ns, c.stream), c.count);
}

std::string DestinationEvents::summary_name(std::string_view ns, bool has_ns, std::string_view stream) const {
    std::string name = protocol::stream_display_name(has_ns ? ns : std::string_view(), stream);
    auto it = source_names_.find(name);
    return it == source_names_.end() ? name : it->second;
}

int32_t DestinationEvents::next_input(connhost_input& in, uint32_t wait_ms) {
    int undecided = SyncControl::kUndecided;  // a destination that did not ask for the members by now never reads them
    ctl_.keep_fields.compare_exchange_strong(undecided, SyncControl::kDrop, std::memory_order_relaxed);
    current_delivered_ = false;
    q_.recycle(std::move(current_.batch));
    if (ended_) return source_status_ == CONNHOST_STATUS_OK ? CONNHOST_STATUS_END_OF_INPUT : source_status_;
    in.batch = nullptr;
    in.json = nullptr;
    in.json_size = 0;
    in.state_id = 0;
    const uint32_t wait = ledger_.wait_ms(wait_ms);
    const BatchQueue::Popped popped = wait ? q_.pop_for(current_, std::chrono::milliseconds(wait))
                                           : (q_.pop(current_) ? BatchQueue::Popped::Item : BatchQueue::Popped::Closed);
    if (popped == BatchQueue::Popped::TimedOut) {
        in.kind = CONNHOST_INPUT_IDLE;
        return CONNHOST_STATUS_OK;
    }
    if (popped == BatchQueue::Popped::Closed) {  // closed without an End item: cancelled
        ended_ = true;
        source_status_ = CONNHOST_STATUS_CANCELLED;
        return source_status_;
    }
    ledger_.rejected(current_.rejected_before);
    switch (current_.kind) {
        case QueueItem::Records: {
            const connhost_record_batch& b = current_.batch->view();
            std::string refused = ledger_.records(current_.batch->ns(), current_.batch->stream(), b.record_count);
            if (!refused.empty()) return fail_input("the source broke a protocol rule: " + refused);
            current_stream_ = current_.batch->display_name();
            progress_.add(current_stream_, b.record_count, b.data_size);
            rename_current_batch();
            in.kind = CONNHOST_INPUT_RECORDS;
            in.batch = &current_.batch->view();
            current_delivered_ = true;
            return CONNHOST_STATUS_OK;
        }
        case QueueItem::State:
            in.state_id = ledger_.state(current_.json);  // the state store gets the source's names back
            hand_over_json(in, CONNHOST_INPUT_STATE, true);
            return CONNHOST_STATUS_OK;
        case QueueItem::StreamStatus:
            if (!forget_attempt_before(current_.json)) {
                ended_ = true;
                source_status_ = CONNHOST_STATUS_SYSTEM;
                ctl_.cancelled = true;
                q_.close();
                return source_status_;
            }
            ledger_.status(current_.json);
            hand_over_json(in, CONNHOST_INPUT_STREAM_STATUS, false);
            return CONNHOST_STATUS_OK;
        case QueueItem::End:
        default:
            ended_ = true;
            source_status_ = current_.end_status;
            // A failed or cancelled source ends the input with its status: the destination commits and acks what
            // it has, but completes no stream (an unfinished overwrite keeps the old data).
            if (source_status_ == CONNHOST_STATUS_OK) {
                std::string incomplete = ledger_.incomplete_at_end();
                if (!incomplete.empty()) return fail_input("source output: " + incomplete);
                clean_end_ = true;
                return CONNHOST_STATUS_END_OF_INPUT;
            }
            return source_status_ == CONNHOST_STATUS_CANCELLED ? CONNHOST_STATUS_CANCELLED : CONNHOST_STATUS_SYSTEM;
    }
}

int32_t DestinationEvents::batch_fields(BatchFields& out) {
    if (!current_delivered_ || !current_.batch || current_.kind != QueueItem::Records) return CONNHOST_STATUS_CONFIG;
    return current_.batch->fields(out) ? CONNHOST_STATUS_OK : CONNHOST_STATUS_UNSUPPORTED;
}

void DestinationEvents::rename_current_batch() {
    if (!renamer_ || renamer_->identity()) return;
    BatchBuffer& b = *current_.batch;
    const MappedStream m = renamer_->map(b.ns(), b.stream());
    b.rename(m.name, !m.ns.empty(), m.ns);
    source_names_.try_emplace(b.display_name(), current_stream_);
}

void DestinationEvents::hand_over_json(connhost_input& in, int32_t kind, bool state) {
    in.kind = kind;
    if (renamer_ && !renamer_->identity()) {
        mapped_json_ = state ? renamer_->state(current_.json) : renamer_->stream_status(current_.json);
        in.json = mapped_json_.data();
        in.json_size = mapped_json_.size();
        return;
    }
    in.json = current_.json.data();
    in.json_size = current_.json.size();
}

void DestinationEvents::resumable_overwrites(const std::set<std::pair<std::string, std::string>>& streams) {
    resumable_ = streams;
    for (const auto& [ns, name] : streams) ledger_.resumable_overwrite(ns, name);
}

bool DestinationEvents::forget_attempt_before(std::string_view status_json) {
    if (resumable_.empty()) return true;
    const protocol::StreamStatusFields f = protocol::stream_status_fields(status_json);
    if (f.status != "COMPLETE" || !resumable_.count({f.ns, f.name}) || store_.attempt(f.ns, f.name).empty())
        return true;
    store_.set_attempt(f.ns, f.name, "");
    try {
        store_.save();
    } catch (const std::exception& e) {
        error_ = e.what();
        return false;
    }
    return true;
}

void DestinationEvents::save(const StateLedger::Entry& e) {
    // As `run write` echoes it: recordCount always, rejectedRecordCount when bad records are set aside.
    store_.apply(dead_letter_ ? protocol::with_destination_stats(e.json, e.record_count, e.rejected_count)
                              : protocol::with_destination_stats(e.json, e.record_count));
    progress_.acknowledged(e.record_count);
}

int32_t DestinationEvents::ack_state(uint64_t id) {
    if (dead_letter_) dead_letter_->sync();  // a state is never saved before the rejected records it covers
    int32_t st = ledger_.ack(id, [&](const StateLedger::Entry& e) { save(e); });
    if (st != CONNHOST_STATUS_OK) return st;
    try {
        store_.save();  // durable before the destination moves on
    } catch (const std::exception& e) {
        error_ = e.what();
        return CONNHOST_STATUS_SYSTEM;
    }
    return CONNHOST_STATUS_OK;
}

void DestinationEvents::finish() {
    if (!clean_end_) return;
    ledger_.finish([&](const StateLedger::Entry& e) { save(e); });
    try {
        if (dead_letter_) dead_letter_->sync();
        store_.save();
    } catch (const std::exception& e) {
        error_ = e.what();
    }
}

}  // namespace connhost::runtime::sync
