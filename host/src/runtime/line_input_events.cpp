#include "runtime/line_input_events.hpp"

#include "protocol/json_scan.hpp"
#include "protocol/record_limit.hpp"
#include "protocol/stream_name.hpp"
#include "protocol/state_shape.hpp"
#include "protocol/trace_fields.hpp"
#include "runtime/private_rejects.hpp"

#include <boost/json.hpp>

namespace connhost::runtime {

LineInputEvents::LineInputEvents(protocol::MessageWriter& out, const std::string& plugin_name,
                                 protocol::LineReader& lines,
                                 const std::vector<protocol::CatalogStream>& catalog_streams, uint32_t idle_bound_ms,
                                 size_t max_batch_bytes)
    : ProtocolEvents(out, plugin_name),
      lines_(lines),
      max_batch_bytes_(max_batch_bytes),
      ledger_(catalog_streams, idle_bound_ms) {
    for (const auto& c : catalog_streams) streams_.emplace(c.ns, c.name);
}

void LineInputEvents::fail_line(const std::string& why) {
    input_error_ = lines_.name() + " line " + std::to_string(lines_.line_number()) + ": " + why;
    input_done_ = true;
}

void LineInputEvents::tolerate(DeadLetter& dead_letter) {
    dead_letter_ = &dead_letter;
    lines_.skip_long_lines();
}

void LineInputEvents::forward_rejects() {
    forward_rejects_ = true;
    lines_.skip_long_lines();
}

void LineInputEvents::set_aside(const RejectedRecord& r) {
    if (forward_rejects_)
        out_.private_line(private_reject_line(r));
    else
        dead_letter_->add(r);
}

bool LineInputEvents::reject_line(std::string_view line, std::string_view reason, bool has_stream) {
    if (!tolerant()) return false;
    RejectedRecord r;
    r.line = lines_.line_number();
    if (has_stream) {
        r.stream = msg_.stream;
        r.has_ns = msg_.has_ns;
        r.ns = msg_.ns;
    }
    r.reason = reason;
    r.record = line;
    set_aside(r);
    ledger_.rejected(1);
    return true;
}

int32_t LineInputEvents::batch_fields(BatchFields& out) {
    if (!delivered_) return CONNHOST_STATUS_CONFIG;
    return delivered_->fields(out) ? CONNHOST_STATUS_OK : CONNHOST_STATUS_UNSUPPORTED;
}

int32_t LineInputEvents::reject_record(uint32_t index, std::string_view reason) {
    if (!tolerant()) return CONNHOST_STATUS_UNSUPPORTED;
    if (!delivered_ || index >= delivered_->size()) return CONNHOST_STATUS_CONFIG;
    std::string record;
    set_aside(batch_reject(delivered_->view(), index, (*delivered_lines_)[index], reason, record));
    ledger_.rejected_by_destination();
    return CONNHOST_STATUS_OK;
}

int32_t LineInputEvents::values_changed(uint64_t count) {
    if (!delivered_) return CONNHOST_STATUS_CONFIG;
    changed_values_ += count;
    if (forward_changes_)
        out_.private_line(protocol::value_changes_line(
            {delivered_->stream(), std::string(delivered_->ns()), delivered_->has_ns(), count}));
    return CONNHOST_STATUS_OK;
}

void LineInputEvents::changes_reported(const protocol::ValueChanges& c) { changed_values_ += c.count; }

uint64_t LineInputEvents::record_position(uint32_t index) const {
    if (!delivered_ || !delivered_lines_ || index >= delivered_lines_->size()) return 0;
    return (*delivered_lines_)[index];
}

int32_t LineInputEvents::reject_reported(const RejectedRecord& r, uint64_t before_state) {
    if (!dead_letter_) return CONNHOST_STATUS_UNSUPPORTED;
    dead_letter_->add(r);
    ledger_.rejected_by_destination(before_state);
    return CONNHOST_STATUS_OK;
}

int32_t LineInputEvents::deliver_records(connhost_input& in, BatchBuffer& batch) {
    ledger_.records(batch.ns(), batch.stream(), batch.size());
    delivered_ = &batch;
    records_ += batch.size();
    in.kind = CONNHOST_INPUT_RECORDS;
    in.batch = &batch.view();
    in.json = nullptr;
    in.json_size = 0;
    in.state_id = 0;
    return CONNHOST_STATUS_OK;
}

int32_t LineInputEvents::deliver_batch(connhost_input& in) {
    std::swap(building_, delivering_);
    building_.clear();
    std::swap(building_lines_, delivering_lines_);
    building_lines_.clear();
    delivered_lines_ = &delivering_lines_;
    return deliver_records(in, delivering_);
}

int32_t LineInputEvents::deliver_held(connhost_input& in) {
    delivered_ = nullptr;
    held_json_ = std::move(held_->json);
    in.kind = held_->kind;
    in.batch = nullptr;
    in.json = held_json_.data();
    in.json_size = held_json_.size();
    in.state_id = 0;
    if (held_->kind == CONNHOST_INPUT_STATE) {
        in.state_id = ledger_.state(held_json_);
        if (held_->singer_value) singer_values_.emplace(in.state_id, std::move(*held_->singer_value));
    } else
        ledger_.status(held_json_);
    held_.reset();
    return CONNHOST_STATUS_OK;
}

int32_t LineInputEvents::deliver_large(connhost_input& in) {
    large_due_ = false;
    delivered_lines_ = &large_lines_;
    return deliver_records(in, large_);
}

void LineInputEvents::fail_too_long(const protocol::LineTooLong& e) {
    input_error_ =
        std::string(e.what()) + "; raise --max-record-mb or split the record, and re-run from the last echoed state";
    input_done_ = true;
}

LineInputEvents::Step LineInputEvents::accept_record(connhost_input& in, bool has_ns, int64_t emitted_at,
                                                     std::string_view meta) {
    const std::string ns = has_ns ? msg_.ns : std::string();
    const bool same = !building_.empty() && building_.same_stream(msg_.stream, has_ns, ns);
    if (!same && !streams_.count({ns, msg_.stream})) {
        if (reject_line(msg_.line,
                        "stream \"" + protocol::stream_display_name(ns, msg_.stream) + "\" is not in the catalog"))
            return Step::Continue;
        fail_line("a record for stream \"" + (has_ns ? ns + "." : std::string()) + msg_.stream +
                  "\", which is not in the catalog: add the stream to the catalog, or drop its records");
        return Step::Stop;
    }
    if (!same) {
        std::string refused = ledger_.records(ns, msg_.stream, 0);
        if (!refused.empty()) {
            fail_line(refused);
            return Step::Stop;
        }
    }
    if (msg_.data.size() + meta.size() >= max_batch_bytes_) {  // the line stays put until the next read: lend it
        large_.borrow(msg_.stream, has_ns, ns, msg_.data, emitted_at, meta);
        large_lines_.assign(1, lines_.line_number());
        if (building_.empty()) {
            deliver_large(in);
        } else {
            large_due_ = true;  // after the batch before it
            deliver_batch(in);
        }
        return Step::Delivered;
    }
    if (!building_.empty() && !same) {
        deliver_batch(in);  // the new record starts the next batch
        building_.reset(msg_.stream, has_ns, ns);
        add_to_building(emitted_at, meta);
        return Step::Delivered;
    }
    if (building_.empty()) building_.reset(msg_.stream, has_ns, ns);
    add_to_building(emitted_at, meta);
    if (building_.bytes() >= max_batch_bytes_ || building_.size() >= 65536) {
        deliver_batch(in);
        return Step::Delivered;
    }
    return Step::Continue;
}

void LineInputEvents::add_to_building(int64_t emitted_at, std::string_view meta) {
    building_.add(msg_.data, emitted_at, meta,
                  keep_fields_ == KeepFields::Keep && msg_.has_fields ? &msg_.fields : nullptr);
    if (tolerant()) building_lines_.push_back(lines_.line_number());  // only a dead letter names input lines
}

bool LineInputEvents::next_line(std::string_view& line) {
    for (;;) {
        try {
            if (lines_.next(line)) return true;
            clean_end_ = true;
        } catch (const protocol::LineTooLong& e) {
            if (reject_line({}, protocol::over_limit_text(e.bytes_seen(), e.whole(), e.limit()), false)) continue;
            fail_too_long(e);
        }
        input_done_ = true;
        return false;
    }
}

LineInputEvents::Parse LineInputEvents::parse_line(std::string_view line) {
    try {
        protocol::parse_message(line, msg_);
        return Parse::Ok;
    } catch (const protocol::RecordDataNotObject& e) {
        if (reject_line(line, e.what())) return Parse::Rejected;
        fail_line(
            std::string("not a valid Airbyte message: ") + e.what() +
            "; fix or remove the line (or run with --error-tolerance all), and re-run from the last echoed state");
    } catch (const protocol::JsonSyntaxError& e) {
        fail_line(std::string("not valid JSON: ") + e.what() + " at column " + std::to_string(e.offset() + 1) +
                  "; fix or remove the line and re-run from the last echoed state");
    } catch (const protocol::ProtocolError& e) {
        fail_line(std::string("not a valid Airbyte message: ") + e.what() +
                  "; fix or remove the line and re-run from the last echoed state");
    }
    return Parse::Failed;
}

void LineInputEvents::saw_message() {
    if (first_seen_) return;
    first_seen_ = true;
    using protocol::MessageType;
    const MessageType t = msg_.type;
    if (on_first_)
        on_first_(t == MessageType::SingerSchema || t == MessageType::SingerRecord || t == MessageType::SingerState ||
                  t == MessageType::SingerActivateVersion);
}

LineInputEvents::Step LineInputEvents::take_message(connhost_input& in) {
    saw_message();
    switch (msg_.type) {
        case protocol::MessageType::Record:
            return accept_record(in, msg_.has_ns,
                                 msg_.has_emitted_at ? msg_.emitted_at : protocol::MessageWriter::now_ms(), msg_.meta);
        case protocol::MessageType::State:
            if (std::string why = protocol::state_shape_problem(msg_.body); !why.empty()) {
                fail_line("a STATE no later run could resume from: " + why + "; fix the source that wrote it");
                return Step::Stop;
            }
            held_ = Held{CONNHOST_INPUT_STATE, std::string(msg_.body), std::nullopt};
            return Step::Stop;
        case protocol::MessageType::Trace: {
            if (auto upstream = protocol::trace_error_of(msg_.body)) {  // the source failed: the sync is not complete
                fail_line("the source reported an error: " + upstream->message +
                          "; streams are not completed (an overwrite keeps the previous data); " +
                          (upstream->failure_type == "config_error"
                               ? "the source's config or state must change first (a re-run fails the same way), "
                                 "then re-run from the last echoed state"
                               : "re-run from the last echoed state"));
                return Step::Stop;
            }
            std::string ss = protocol::stream_status_of(msg_.body);
            if (ss.empty()) return Step::Continue;  // ESTIMATE and other traces carry nothing for a destination
            held_ = Held{CONNHOST_INPUT_STREAM_STATUS, std::move(ss), std::nullopt};
            return Step::Stop;
        }
        case protocol::MessageType::Log: {
            boost::system::error_code ec;
            auto v = boost::json::parse(boost::json::string_view(msg_.body.data(), msg_.body.size()), ec);
            if (!ec && v.is_object() && v.as_object().contains("message") && v.as_object().at("message").is_string())
                log_->info("upstream: {}", std::string_view(v.as_object().at("message").as_string()));
            return Step::Continue;
        }
        case protocol::MessageType::SingerSchema: return take_schema();
        case protocol::MessageType::SingerRecord: {
            try {
                singer_.record(msg_);
            } catch (const std::exception& e) {
                fail_line(std::string("invalid Singer RECORD: ") + e.what());
                return Step::Stop;
            }
            int64_t at = msg_.time_extracted.empty() ? 0 : protocol::iso8601_to_ms(msg_.time_extracted);
            return accept_record(in, false, at ? at : protocol::MessageWriter::now_ms(), {});
        }
        case protocol::MessageType::SingerState:
            held_ = Held{CONNHOST_INPUT_STATE, protocol::singer_state_as_airbyte(msg_.body), std::string(msg_.body)};
            return Step::Stop;
        default:
            return Step::Continue;  // SPEC, CATALOG, CONNECTION_STATUS, CONTROL, ACTIVATE_VERSION carry nothing for a
                                    // destination
    }
}

LineInputEvents::Step LineInputEvents::take_schema() {
    bool changed = false;
    try {
        changed = singer_.schema(msg_);
    } catch (const std::exception& e) {
        fail_line(std::string("invalid Singer SCHEMA: ") + e.what());
        return Step::Stop;
    }
    if (!changed || !singer_sessions_) return Step::Continue;
    catalog_changed_ = true;  // this write session ends here; the next one has the new catalog
    return Step::Stop;
}

bool LineInputEvents::next_message(uint32_t wait_ms, bool& idle) {
    if (pending_) {
        pending_ = false;
        return true;
    }
    std::string_view line;
    for (;;) {
        if (wait_ms && !lines_.ready(static_cast<int>(wait_ms))) {
            idle = true;
            return false;
        }
        if (!next_line(line)) return false;
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
        const Parse parsed = parse_line(line);
        if (parsed == Parse::Ok) return true;
        if (parsed == Parse::Failed) return false;
    }
}

bool LineInputEvents::read_singer_schemas() {
    using protocol::MessageType;
    bool idle = false;
    while (next_message(0, idle)) {
        saw_message();
        if (msg_.type == MessageType::SingerSchema) {
            if (take_schema() == Step::Stop) break;  // an invalid SCHEMA: input_error() says why
            continue;
        }
        if (!singer_.empty()) {
            pending_ = true;  // the first session starts with it
            break;
        }
        if (msg_.type == MessageType::SingerState) {
            out_.singer_state(msg_.body);  // no record came before it: nothing to commit first
            continue;
        }
        if (msg_.type == MessageType::SingerRecord) {
            try {
                singer_.record(msg_);  // throws: it came before its SCHEMA
            } catch (const std::exception& e) {
                fail_line(std::string("invalid Singer RECORD: ") + e.what());
            }
        }
        if (msg_.type != MessageType::SingerActivateVersion) break;
    }
    singer_sessions_ = true;
    return !singer_.empty() && input_error_.empty();
}

void LineInputEvents::next_session(const std::vector<protocol::CatalogStream>& streams) {
    for (const auto& c : streams) streams_.emplace(c.ns, c.name);
    ledger_.add_streams(streams);
    catalog_changed_ = false;
}

bool LineInputEvents::read_until_delivery(connhost_input& in, int32_t& status, uint32_t wait_ms) {
    bool idle = false;
    while (!input_done_ && !catalog_changed_) {
        if (cancelled_) {
            status = CONNHOST_STATUS_CANCELLED;
            input_done_ = true;
            return true;
        }
        if (!next_message(wait_ms, idle)) break;
        Step step = take_message(in);
        if (step == Step::Delivered) return true;
        if (step == Step::Stop) break;  // a held item or an error stops reading
    }
    if (!building_.empty()) {
        deliver_batch(in);
        return true;
    }
    if (held_) {
        deliver_held(in);
        return true;
    }
    if (idle) {
        delivered_ = nullptr;
        in.kind = CONNHOST_INPUT_IDLE;
        in.batch = nullptr;
        in.json = nullptr;
        in.json_size = 0;
        in.state_id = 0;
        return true;
    }
    return false;
}

int32_t LineInputEvents::next_input(connhost_input& in, uint32_t wait_ms) {
    if (keep_fields_ == KeepFields::Undecided) keep_fields_ = KeepFields::Drop;
    if (large_due_) return deliver_large(in);
    if (held_) return deliver_held(in);
    int32_t status = CONNHOST_STATUS_OK;
    try {
        if (read_until_delivery(in, status, ledger_.wait_ms(wait_ms))) return status;
    } catch (const std::exception& e) {
        input_error_ = e.what();
        return CONNHOST_STATUS_SYSTEM;
    }
    if (cancelled_) return CONNHOST_STATUS_CANCELLED;
    if (catalog_changed_ && input_error_.empty()) return CONNHOST_STATUS_END_OF_INPUT;  // the session ends here
    if (clean_end_ && input_error_.empty()) {
        std::string incomplete = ledger_.incomplete_at_end();
        if (incomplete.empty()) return CONNHOST_STATUS_END_OF_INPUT;
        input_error_ = lines_.name() + ": " + incomplete;
        clean_end_ = false;
    }
    return CONNHOST_STATUS_CONFIG;
}

void LineInputEvents::echo(const StateLedger::Entry& e) {
    auto singer = singer_values_.find(e.id);
    if (singer != singer_values_.end()) {
        out_.singer_state(singer->second);
        singer_values_.erase(singer);
        return;
    }
    if (!tolerant()) return out_.state(e.json, e.record_count);
    out_.state(e.json, e.record_count, e.rejected_count);
}

int32_t LineInputEvents::ack_state(uint64_t id) {
    if (dead_letter_) dead_letter_->sync();  // a state never goes out before the rejected records it covers
    return ledger_.ack(id, [&](const StateLedger::Entry& e) { echo(e); });
}

void LineInputEvents::finish() {
    if (!clean_end_) return;
    if (dead_letter_) dead_letter_->sync();
    ledger_.finish([&](const StateLedger::Entry& e) { echo(e); });
}

}  // namespace connhost::runtime
