#include "runtime/line_input_events.hpp"

#include "protocol/json_scan.hpp"

#include <boost/json.hpp>

namespace connhost::runtime {

LineInputEvents::LineInputEvents(protocol::MessageWriter& out, const std::string& plugin_name, protocol::LineReader& lines,
                                 std::set<std::pair<std::string, std::string>> catalog_streams, size_t max_batch_bytes)
    : ProtocolEvents(out, plugin_name), lines_(lines), streams_(std::move(catalog_streams)), max_batch_bytes_(max_batch_bytes) {}

void LineInputEvents::fail_line(const std::string& why) {
    input_error_ = lines_.name() + " line " + std::to_string(lines_.line_number()) + ": " + why;
    input_done_ = true;
}

int32_t LineInputEvents::deliver_batch(connhost_input& in) {
    std::swap(building_, delivering_);
    building_.clear();
    records_since_state_ += delivering_.size();
    records_ += delivering_.size();
    in.kind = CONNHOST_INPUT_RECORDS;
    in.batch = &delivering_.view();
    in.json = nullptr;
    in.json_size = 0;
    in.state_id = 0;
    return CONNHOST_STATUS_OK;
}

int32_t LineInputEvents::deliver_held(connhost_input& in) {
    held_json_ = std::move(held_->json);
    in.kind = held_->kind;
    in.batch = nullptr;
    in.json = held_json_.data();
    in.json_size = held_json_.size();
    in.state_id = 0;
    if (held_->kind == CONNHOST_INPUT_STATE) {
        in.state_id = ledger_.add(held_json_, records_since_state_);
        records_since_state_ = 0;
    }
    held_.reset();
    return CONNHOST_STATUS_OK;
}

namespace {

// The stream_status object of a TRACE body when it is a STREAM_STATUS trace, else empty.
std::string stream_status_of(std::string_view trace_body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(boost::json::string_view(trace_body.data(), trace_body.size()), ec);
    if (ec || !v.is_object()) return {};
    const auto& o = v.as_object();
    auto t = o.find("type");
    auto ss = o.find("stream_status");
    if (t == o.end() || t->value() != "STREAM_STATUS" || ss == o.end() || !ss->value().is_object()) return {};
    return boost::json::serialize(ss->value());
}

}  // namespace

bool LineInputEvents::read_until_delivery(connhost_input& in, int32_t& status) {
    std::string_view line;
    while (!input_done_) {
        if (cancelled_) {
            status = CONNHOST_STATUS_CANCELLED;
            input_done_ = true;
            return true;
        }
        if (!lines_.next(line)) {
            input_done_ = true;
            break;
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
        try {
            protocol::parse_message(line, msg_);
        } catch (const protocol::JsonSyntaxError& e) {
            fail_line(std::string("not valid JSON: ") + e.what() + " at column " + std::to_string(e.offset() + 1) +
                      "; fix or remove the line and re-run from the last echoed state");
            break;
        } catch (const protocol::ProtocolError& e) {
            fail_line(std::string("not a valid Airbyte message: ") + e.what() + "; fix or remove the line and re-run from the last echoed state");
            break;
        }
        switch (msg_.type) {
            case protocol::MessageType::Record: {
                if (!streams_.count({msg_.has_ns ? msg_.ns : std::string(), msg_.stream})) {
                    fail_line("a record for stream \"" + (msg_.has_ns ? msg_.ns + "." : std::string()) + msg_.stream +
                              "\", which is not in the catalog: add the stream to the catalog, or drop its records");
                    break;
                }
                const int64_t at = msg_.emitted_at ? msg_.emitted_at : protocol::MessageWriter::now_ms();
                if (!building_.empty() && !building_.same_stream(msg_.stream, msg_.has_ns, msg_.ns)) {
                    deliver_batch(in);
                    building_.reset(msg_.stream, msg_.has_ns, msg_.ns);
                    building_.add(msg_.data, at, msg_.meta);
                    return true;
                }
                if (building_.empty()) building_.reset(msg_.stream, msg_.has_ns, msg_.ns);
                building_.add(msg_.data, at, msg_.meta);
                if (building_.bytes() >= max_batch_bytes_ || building_.size() >= 65536) {
                    deliver_batch(in);
                    return true;
                }
                continue;
            }
            case protocol::MessageType::State:
                held_ = Held{CONNHOST_INPUT_STATE, std::string(msg_.body)};
                break;
            case protocol::MessageType::Trace: {
                std::string ss = stream_status_of(msg_.body);
                if (ss.empty()) continue;  // ERROR / ESTIMATE traces are the source's business
                held_ = Held{CONNHOST_INPUT_STREAM_STATUS, std::move(ss)};
                break;
            }
            case protocol::MessageType::Log: {
                boost::system::error_code ec;
                auto v = boost::json::parse(boost::json::string_view(msg_.body.data(), msg_.body.size()), ec);
                if (!ec && v.is_object() && v.as_object().contains("message") && v.as_object().at("message").is_string())
                    log_->info("upstream: {}", std::string_view(v.as_object().at("message").as_string()));
                continue;
            }
            case protocol::MessageType::SingerSchema:
            case protocol::MessageType::SingerRecord:
            case protocol::MessageType::SingerState:
            case protocol::MessageType::SingerActivateVersion:
                fail_line("a Singer message (" + msg_.type_name +
                          ") in an Airbyte stream; Singer input is read with `connhost run ... write --input-format singer`");
                break;
            default:
                continue;  // SPEC, CATALOG, CONNECTION_STATUS, CONTROL carry nothing for a destination
        }
        break;  // a held item or an error stops reading
    }
    if (!building_.empty()) {
        deliver_batch(in);
        return true;
    }
    if (held_) {
        deliver_held(in);
        return true;
    }
    return false;
}

int32_t LineInputEvents::next_input(connhost_input& in) {
    if (held_) return deliver_held(in);
    int32_t status = CONNHOST_STATUS_OK;
    try {
        if (read_until_delivery(in, status)) return status;
    } catch (const std::exception& e) {
        input_error_ = e.what();
        return CONNHOST_STATUS_SYSTEM;
    }
    if (cancelled_) return CONNHOST_STATUS_CANCELLED;
    return input_error_.empty() ? CONNHOST_STATUS_END_OF_INPUT : CONNHOST_STATUS_CONFIG;
}

int32_t LineInputEvents::ack_state(uint64_t id) {
    return ledger_.ack(id, [&](const StateLedger::Entry& e) { out_.state(e.json, e.record_count); });
}

}  // namespace connhost::runtime
