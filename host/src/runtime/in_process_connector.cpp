#include "runtime/in_process_connector.hpp"

#include "logging/secret_masker.hpp"
#include "runtime/batch_buffer.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/message_writer.hpp"
#include "protocol/record_fields.hpp"
#include "protocol/record_limit.hpp"
#include "protocol/state_shape.hpp"
#include "protocol/stream_name.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace connhost::runtime {

namespace {

// Per-operation state behind host_data.
struct CallContext {
    ConnectorEvents* ev;
    const std::atomic<bool>* cancel_requested;
    size_t max_record_bytes;
    std::string plugin_error;             // set by the plugin through set_error
    std::string host_error;               // set by the host when the plugin broke a contract or a sink failed
    std::vector<connhost_field> fields;   // the members of the records of the batch being emitted
    std::vector<uint64_t> field_offsets;  // record i's start at fields[field_offsets[i]]
};

CallContext& ctx(const connhost_host* h) { return *static_cast<CallContext*>(h->host_data); }

// Runs a host-side callback body; exceptions become a status with the message kept as host_error.
template <class F>
int32_t shielded(const connhost_host* h, F&& f) noexcept {
    try {
        return f();
    } catch (const std::exception& e) {
        ctx(h).host_error = e.what();
    } catch (...) {
        ctx(h).host_error = "unknown error in the host";
    }
    return CONNHOST_STATUS_SYSTEM;
}

int32_t contract_violation(const connhost_host* h, std::string msg) {
    ctx(h).host_error =
        "the connector broke the plugin ABI contract: " + msg + " (report this to the connector's authors)";
    return CONNHOST_STATUS_INTERNAL;
}

void cb_log(const connhost_host* h, connhost_log_level level, const char* msg, size_t size) {
    try {
        ctx(h).ev->on_log(level, msg ? std::string_view(msg, size) : std::string_view());
    } catch (...) {}
}

void cb_set_error(const connhost_host* h, const char* msg, size_t size) {
    try {
        ctx(h).plugin_error.assign(msg ? msg : "", msg ? size : 0);
    } catch (...) {}
}

int32_t cb_is_cancelled(const connhost_host* h) {
    try {
        return (ctx(h).cancel_requested->load() || ctx(h).ev->cancelled()) ? 1 : 0;
    } catch (...) {
        return 1;
    }
}

// Refuses a record over the record size limit, naming its stream and size.
int32_t record_too_large(const connhost_host* h, const connhost_record_batch& b, uint64_t size) {
    ctx(h).host_error = "stream \"" +
        protocol::stream_display_name(b.ns ? std::string_view(b.ns, b.ns_size) : std::string_view(),
                                      {b.stream, b.stream_size}) +
        "\": " + protocol::over_limit_text(size, true, ctx(h).max_record_bytes) +
        "; raise --max-record-mb (\"max_record_mb\" in a connection file)";
    return CONNHOST_STATUS_CONFIG;
}

// Checks the offsets of `b`'s records and meta; "" or how they break the contract.
std::string batch_layout_problem(const connhost_record_batch& b) {
    const std::string stream(b.stream, b.stream_size);
    for (uint32_t i = 0; i < b.record_count; ++i)
        if (b.offsets[i] > b.offsets[i + 1] || b.offsets[i + 1] > b.data_size)
            return "record offsets of stream " + stream + " are out of order or past data_size";
    if (!b.meta || !b.meta_offsets) return {};
    for (uint32_t i = 0; i < b.record_count; ++i) {
        if (b.meta_offsets[i] > b.meta_offsets[i + 1] || b.meta_offsets[i + 1] > b.meta_size)
            return "meta offsets of stream " + stream + " are out of order or past meta_size";
        if (b.meta_offsets[i] == b.meta_offsets[i + 1]) continue;  // no meta for this record
        std::string why = protocol::object_problem(
            {b.meta + b.meta_offsets[i], static_cast<size_t>(b.meta_offsets[i + 1] - b.meta_offsets[i])});
        if (!why.empty())
            return "the meta of record " + std::to_string(i) + " of stream " + stream + " is invalid: " + why;
    }
    return {};
}

// Record `i` of `b` cannot be passed on: the events take it (--error-tolerance all) or the emit fails as before.
int32_t bad_record(const connhost_host* h, const connhost_record_batch& b, uint32_t i, bool too_large,
                   const std::string& why) {
    const uint64_t size = b.offsets[i + 1] - b.offsets[i];
    const std::string reason =
        too_large ? protocol::over_limit_text(size, true, ctx(h).max_record_bytes) : "record data is " + why;
    // Only valid JSON can be a bad record (it is written as it is into the dead-letter file); broken text is a bug.
    if (protocol::json_problem(record_data(b, i)).empty() &&
        ctx(h).ev->on_bad_record(b, i, reason) == CONNHOST_STATUS_OK)
        return CONNHOST_STATUS_OK;
    if (too_large) return record_too_large(h, b, size);
    return contract_violation(h,
                              "record " + std::to_string(i) + " of a batch of stream " +
                                  std::string(b.stream, b.stream_size) + " is invalid: " + why);
}

// Hands the records of `b` that `bad` does not mark on to the events.
int32_t emit_good_records(const connhost_host* h, const connhost_record_batch& b, const std::vector<bool>& bad) {
    BatchBuffer good;
    good.reset({b.stream, b.stream_size}, b.ns != nullptr, b.ns ? std::string_view(b.ns, b.ns_size) : "");
    const int64_t now = protocol::MessageWriter::now_ms();
    for (uint32_t i = 0; i < b.record_count; ++i)
        if (!bad[i]) good.add(record_data(b, i), b.emitted_at ? b.emitted_at[i] : now, record_meta(b, i));
    return ctx(h).ev->on_records(good.view());
}

connhost_status cb_emit_records(const connhost_host* h, const connhost_record_batch* b) {
    return shielded(h, [&]() -> int32_t {
        if (!b || b->struct_size < CONNHOST_RECORD_BATCH_SIZE_1_0)
            return contract_violation(h, "emit_records got a batch smaller than ABI 1.0's");
        if (!b->stream || b->stream_size == 0)
            return contract_violation(h, "emit_records got a batch without a stream name");
        if (b->record_count && (!b->offsets || !b->data))
            return contract_violation(h, "emit_records got records without data or offsets");
        if (std::string why = batch_layout_problem(*b); !why.empty()) return contract_violation(h, why);
        std::vector<bool> bad;
        auto& fields = ctx(h).fields;
        auto& field_offsets = ctx(h).field_offsets;
        fields.clear();
        field_offsets.assign(1, 0);
        bool all_fields = true;  // the members of every record were found
        for (uint32_t i = 0; i < b->record_count; ++i) {
            const bool too_large = b->offsets[i + 1] - b->offsets[i] > ctx(h).max_record_bytes;
            bool has_fields = false;
            std::string why =
                too_large ? std::string() : protocol::record_object_problem(record_data(*b, i), fields, has_fields);
            all_fields = all_fields && has_fields;
            field_offsets.push_back(fields.size());
            if (!too_large && why.empty()) continue;
            if (int32_t st = bad_record(h, *b, i, too_large, why); st != CONNHOST_STATUS_OK) return st;
            bad.resize(b->record_count);
            bad[i] = true;
        }
        if (!bad.empty()) return emit_good_records(h, *b, bad);
        if (!all_fields || fields.empty()) return ctx(h).ev->on_records(*b);
        return ctx(h).ev->on_checked_records(*b, {fields.data(), field_offsets.data()});
    });
}

connhost_status cb_emit_state(const connhost_host* h, const char* json, size_t size) {
    return shielded(h, [&]() -> int32_t {
        std::string_view s(json ? json : "", json ? size : 0);
        std::string why = protocol::object_problem(s);
        if (!why.empty()) return contract_violation(h, "emit_state got a state that is " + why);
        why = protocol::state_shape_problem(s);
        if (!why.empty()) return contract_violation(h, "emit_state got a state no later run could resume from: " + why);
        return ctx(h).ev->on_state(s);
    });
}

connhost_status cb_emit_message(const connhost_host* h, connhost_msg_type type, const char* json, size_t size) {
    return shielded(h, [&]() -> int32_t {
        if (type < CONNHOST_MSG_SPEC || type > CONNHOST_MSG_CONTROL)
            return contract_violation(h, "emit_message got unknown message type " + std::to_string(type));
        std::string_view s(json ? json : "", json ? size : 0);
        std::string why = protocol::object_problem(s);
        if (!why.empty()) return contract_violation(h, "emit_message got a payload that is " + why);
        return ctx(h).ev->on_message(type, s);
    });
}

// The plugin's `in` may be of an older or newer minor than this host: the events fill a host-sized copy, and only
// the bytes the plugin's struct_size covers are copied back (its struct_size unchanged).
connhost_status cb_next_input(const connhost_host* h, connhost_input* in) {
    return shielded(h, [&]() -> int32_t {
        if (!in || in->struct_size < CONNHOST_INPUT_SIZE_1_0)
            return contract_violation(h, "next_input got an input struct smaller than ABI 1.0's");
        connhost_input item{};
        const size_t shared = std::min<size_t>(in->struct_size, sizeof item);
        std::memcpy(&item, in, shared);
        item.struct_size = sizeof item;
        const connhost_status st = ctx(h).ev->next_input(item, item.wait_ms);
        item.struct_size = in->struct_size;
        std::memcpy(in, &item, shared);
        return st;
    });
}

connhost_status cb_ack_state(const connhost_host* h, uint64_t id) {
    return shielded(h, [&] { return ctx(h).ev->ack_state(id); });
}

void cb_add_secret(const connhost_host*, const char* secret, size_t size) {
    try {
        if (secret) logging::secrets().add(std::string_view(secret, size));
    } catch (...) {}
}

const connhost_secrets_ext kSecretsExt{sizeof(connhost_secrets_ext), 0, cb_add_secret};

connhost_status cb_reject(const connhost_host* h, uint32_t index, const char* reason, size_t size) {
    return shielded(h, [&] { return ctx(h).ev->reject_record(index, {reason ? reason : "", reason ? size : 0}); });
}

const connhost_record_reject_ext kRecordRejectExt{sizeof(connhost_record_reject_ext), 0, cb_reject};

connhost_status cb_values_changed(const connhost_host* h, uint64_t count) {
    return shielded(h, [&] { return ctx(h).ev->values_changed(count); });
}

const connhost_value_changes_ext kValueChangesExt{sizeof(connhost_value_changes_ext), 0, cb_values_changed};

connhost_status cb_slice(const connhost_host* h, const char* ns, size_t ns_size, const char* stream, size_t stream_size,
                         uint32_t* index, uint32_t* count) {
    return shielded(h, [&]() -> int32_t {
        if (!stream || !index || !count) return contract_violation(h, "partition slice got a NULL stream or result");
        return ctx(h).ev->partition_slice({ns ? ns : "", ns ? ns_size : 0}, {stream, stream_size}, *index, *count);
    });
}

const connhost_partition_ext kPartitionExt{sizeof(connhost_partition_ext), 0, cb_slice};

connhost_status cb_batch_fields(const connhost_host* h, const connhost_field** fields, const uint64_t** offsets) {
    return shielded(h, [&]() -> int32_t {
        if (!fields || !offsets) return contract_violation(h, "batch_fields got a NULL result");
        BatchFields f;
        const int32_t st = ctx(h).ev->batch_fields(f);
        *fields = st == CONNHOST_STATUS_OK ? f.fields : nullptr;
        *offsets = st == CONNHOST_STATUS_OK ? f.offsets : nullptr;
        return st;
    });
}

connhost_status cb_keep_fields(const connhost_host* h) {
    return shielded(h, [&]() -> int32_t {
        ctx(h).ev->keep_fields();
        return CONNHOST_STATUS_OK;
    });
}

const connhost_record_fields_ext kRecordFieldsExt{sizeof(connhost_record_fields_ext), 0, cb_keep_fields,
                                                  cb_batch_fields};

const void* cb_get_extension(const connhost_host*, const char* id) {
    if (id && std::string_view(id) == CONNHOST_EXT_SECRETS) return &kSecretsExt;
    if (id && std::string_view(id) == CONNHOST_EXT_RECORD_REJECT) return &kRecordRejectExt;
    if (id && std::string_view(id) == CONNHOST_EXT_VALUE_CHANGES) return &kValueChangesExt;
    if (id && std::string_view(id) == CONNHOST_EXT_PARTITION) return &kPartitionExt;
    if (id && std::string_view(id) == CONNHOST_EXT_RECORD_FIELDS) return &kRecordFieldsExt;
    return nullptr;
}

}  // namespace

template <class Call>
Outcome InProcessConnector::run(ConnectorEvents& ev, Call&& call) {
    CallContext cx{&ev, &cancel_requested_, max_record_bytes_, {}, {}, {}, {}};
    connhost_host host{};
    host.struct_size = sizeof host;
    host.abi_major = CONNHOST_ABI_MAJOR;
    host.abi_minor = CONNHOST_ABI_MINOR;
    host.host_data = &cx;
    host.log = cb_log;
    host.set_error = cb_set_error;
    host.is_cancelled = cb_is_cancelled;
    host.emit_records = cb_emit_records;
    host.emit_state = cb_emit_state;
    host.emit_message = cb_emit_message;
    host.next_input = cb_next_input;
    host.ack_state = cb_ack_state;
    host.get_extension = cb_get_extension;

    const connhost_plugin* d = plugin_.descriptor;
    connhost_instance* inst = d->create(&host);
    if (!inst) {
        return {CONNHOST_STATUS_INTERNAL,
                "plugin " + plugin_.info.name + " could not create an instance" +
                    (cx.plugin_error.empty() ? "" : ": " + cx.plugin_error)};
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        instance_ = inst;
    }
    if (cancel_requested_ && d->cancel) d->cancel(inst);
    int32_t st = call(d, inst);
    {
        std::lock_guard<std::mutex> lock(mu_);
        instance_ = nullptr;
    }
    d->destroy(inst);

    if (st == CONNHOST_STATUS_OK && !cx.host_error.empty()) st = CONNHOST_STATUS_INTERNAL;  // it ignored a refusal
    Outcome out{st, {}};
    if (st != CONNHOST_STATUS_OK) {
        if (!cx.host_error.empty())
            out.message = cx.host_error;
        else if (!cx.plugin_error.empty())
            out.message = cx.plugin_error;
        else
            out.message = std::string("the connector returned \"") + status_name(st) + "\" without saying why";
    }
    return out;
}

Outcome InProcessConnector::spec(ConnectorEvents& ev) {
    return run(ev, [](const connhost_plugin* d, connhost_instance* i) {
        return d->spec ? d->spec(i) : CONNHOST_STATUS_UNSUPPORTED;
    });
}

Outcome InProcessConnector::check(ConnectorEvents& ev, std::string_view config) {
    return run(ev, [&](const connhost_plugin* d, connhost_instance* i) {
        return d->check ? d->check(i, config.data(), config.size()) : CONNHOST_STATUS_UNSUPPORTED;
    });
}

Outcome InProcessConnector::discover(ConnectorEvents& ev, std::string_view config) {
    return run(ev, [&](const connhost_plugin* d, connhost_instance* i) {
        return d->discover ? d->discover(i, config.data(), config.size()) : CONNHOST_STATUS_UNSUPPORTED;
    });
}

namespace {

// connhost_read_args or connhost_write_args of this host's size with `config` and `catalog`; the rest zero.
template <class Args>
Args operation_args(std::string_view config, std::string_view catalog) {
    Args a{};
    a.struct_size = sizeof a;
    a.config = config.data();
    a.config_size = config.size();
    a.catalog = catalog.data();
    a.catalog_size = catalog.size();
    return a;
}

}  // namespace

Outcome InProcessConnector::read(ConnectorEvents& ev, std::string_view config, std::string_view catalog,
                                 std::string_view state) {
    return run(ev, [&](const connhost_plugin* d, connhost_instance* i) {
        connhost_read_args a = operation_args<connhost_read_args>(config, catalog);
        a.state = state.empty() ? nullptr : state.data();
        a.state_size = state.size();
        return d->read ? d->read(i, &a) : CONNHOST_STATUS_UNSUPPORTED;
    });
}

namespace {

// The instance's read-back table, or nullptr when the plugin does not offer a usable one.
const connhost_read_back_ext* read_back_ext(const connhost_plugin* d, connhost_instance* i) {
    const void* ext = d->get_extension ? d->get_extension(i, CONNHOST_EXT_READ_BACK) : nullptr;
    const auto* rb = static_cast<const connhost_read_back_ext*>(ext);
    return rb && rb->struct_size >= CONNHOST_READ_BACK_EXT_SIZE_1_0 && rb->read_back ? rb : nullptr;
}

}  // namespace

Outcome InProcessConnector::write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    return run(ev, [&](const connhost_plugin* d, connhost_instance* i) {
        const auto a = operation_args<connhost_write_args>(config, catalog);
        return d->write ? d->write(i, &a) : CONNHOST_STATUS_UNSUPPORTED;
    });
}

Outcome InProcessConnector::read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) {
    bool offered = true;
    Outcome out = run(ev, [&](const connhost_plugin* d, connhost_instance* i) -> connhost_status {
        const connhost_read_back_ext* rb = read_back_ext(d, i);
        if (!rb) {
            offered = false;
            return CONNHOST_STATUS_UNSUPPORTED;
        }
        const auto a = operation_args<connhost_write_args>(config, catalog);
        return rb->read_back(i, &a);
    });
    if (!offered)
        out.message = "it does not offer the read-back extension (" CONNHOST_EXT_READ_BACK
                      "), so it cannot list the records it holds; read them with the destination's own tools";
    return out;
}

void InProcessConnector::cancel() {
    cancel_requested_ = true;
    std::lock_guard<std::mutex> lock(mu_);
    if (instance_ && plugin_.descriptor->cancel) plugin_.descriptor->cancel(instance_);
}

}  // namespace connhost::runtime
