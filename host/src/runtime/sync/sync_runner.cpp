#include "runtime/sync/sync_runner.hpp"

#include "logging/log_setup.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/stream_name.hpp"
#include "runtime/connector_factory.hpp"
#include "runtime/masking_events.hpp"
#include "runtime/message_capture.hpp"
#include "runtime/secrets_from_spec.hpp"
#include "runtime/signals.hpp"
#include "runtime/sync/batch_queue.hpp"
#include "runtime/sync/default_catalog.hpp"
#include "runtime/sync/state_store.hpp"
#include "runtime/sync/sync_events.hpp"
#include "runtime/sync/sync_progress.hpp"

#include <cstdio>
#include <thread>
#include <unistd.h>

namespace connhost::runtime::sync {

namespace {

int fail(const std::string& msg, int code = 1) {
    std::fprintf(stderr, "connhost sync: %s\n", logging::secrets().mask(msg).c_str());
    return code;
}

std::unique_ptr<Connector> load(const SyncOptions& o, const std::string& spec, int32_t kind, const char* role) {
    auto c = make_connector(spec, o.plugin_dirs, o.isolate, o.log_level, o.max_record_bytes);
    if (c->info().kind != kind)
        throw std::runtime_error("plugin " + c->info().name + " is a " + c->info().kind_name() + ", but it was given as the " + role +
                                 "; swap --source and --destination?");
    return c;
}

std::string discover_catalog(Connector& src, const SyncOptions& o) {
    MessageCapture cap(CONNHOST_MSG_CATALOG, src.info().name);
    Outcome r = src.discover(cap, o.source_config);
    if (!r.ok()) throw std::runtime_error("discover of source " + src.info().name + " failed (" + status_name(r.status) + "): " + r.message);
    return configure_catalog(cap.payload, o.streams);
}

// Opens and locks the state file, checks it belongs to this connection, and forgets the states of overwrite
// streams: an overwrite replaces the whole table, so it reads from the start (a saved state would make it
// replace the table with only what came after that state).
std::unique_ptr<StateStore> open_state(const SyncOptions& o, Connector& src, Connector& dst, const std::string& dst_spec,
                                       const std::string& catalog) {
    auto store = std::make_unique<StateStore>(o.state_file);
    const auto streams = protocol::catalog_streams(catalog);
    std::vector<std::string> names;
    for (const auto& c : streams) names.push_back(protocol::stream_display_name(c.ns, c.name));
    store->adopt(state_owner_of(src.info().name, o.source_config, dst.info().name, dst_spec, o.destination_config, std::move(names)),
                 o.reset_state);
    for (const auto& c : streams)
        if (c.destination_sync_mode == protocol::DestinationSyncMode::Overwrite && store->forget_stream(c.ns, c.name))
            logging::host_log().info("stream {} is overwritten, so it is read from its start; its saved state is not used",
                                     protocol::stream_display_name(c.ns, c.name));
    return store;
}

}  // namespace

int run_sync(const SyncOptions& o) {
    try {
        logging::init_logging(logging::parse_log_format(o.log_format), logging::parse_log_level(o.log_level));
    } catch (const std::exception& e) {
        return fail(e.what(), 2);
    }
    auto& log = logging::host_log();
    std::unique_ptr<Connector> src, dst;
    std::string catalog;
    std::unique_ptr<StateStore> store;
    try {
        src = load(o, o.source, CONNHOST_KIND_SOURCE, "source");
        dst = load(o, o.destination, CONNHOST_KIND_DESTINATION, "destination");
        register_config_secrets(*src, o.source_config);
        const std::string dst_spec = register_config_secrets(*dst, o.destination_config);
        catalog = o.catalog ? protocol::normalize_catalog(*o.catalog, o.catalog_origin) : discover_catalog(*src, o);
        store = open_state(o, *src, *dst, dst_spec, catalog);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    const std::string initial_state = store->to_json();
    log.info("sync {} -> {}{}", src->info().name, dst->info().name,
             o.state_file.empty() ? std::string(" (no state file)")
                                  : " (state file " + o.state_file + (initial_state.empty() ? ", starting fresh)" : ", resuming)"));

    BatchQueue queue(o.queue_bytes);
    SyncControl ctl;
    SyncProgress progress(isatty(STDERR_FILENO) != 0, std::chrono::seconds(o.progress_seconds));
    SourceEvents src_events(queue, ctl, src->info().name, protocol::catalog_stream_keys(catalog));
    DestinationEvents dst_events(queue, ctl, dst->info().name, *store, progress, protocol::catalog_streams(catalog), o.idle_commit_ms);
    Outcome src_out, dst_out;
    bool interrupted = false;
    {
        CancelOnSignal on_signal([&] {
            log.warn("interrupted: stopping the source; the destination commits what it has (Ctrl-C again to stop at once)");
            ctl.cancelled = true;
            src->cancel();
        });
        progress.start();
        std::thread dest_thread([&] {
            dst_out = dst->write(dst_events, o.destination_config, catalog);
            if (!dst_out.ok()) {  // stop the source: nothing more can be written
                ctl.cancelled = true;
                queue.close();
                src->cancel();
            }
        });
        MaskingEvents masked_src_events(src_events, logging::secrets());  // the destination and the state file get no secret
        src_out = src->read(masked_src_events, o.source_config, catalog, initial_state);
        QueueItem end;
        end.kind = QueueItem::End;
        end.end_status = src_out.status;
        if (!queue.push(std::move(end))) queue.close();
        dest_thread.join();
        progress.stop();
        interrupted = on_signal.fired();
    }

    if (!interrupted && src_out.ok() && dst_out.ok() && src_events.error().empty() && dst_events.input_error().empty()) {
        dst_events.finish();
        if (dst_events.error().empty()) progress.all_committed();
    }
    std::fputs(progress.summary().c_str(), stderr);
    const std::string resume = o.state_file.empty() ? std::string(" (no --state-file was given, so a re-run starts over)")
                                                    : "; the state file " + o.state_file + " matches what is committed: re-run the same command to resume";
    if (interrupted) return fail("interrupted by a signal after " + std::to_string(progress.committed_records()) + " committed records" + resume, 130);
    if (!src_events.error().empty()) return fail(src_events.error() + resume);
    if (!dst_events.input_error().empty()) return fail(dst_events.input_error());
    if (!dst_events.error().empty()) return fail("cannot save the state: " + dst_events.error() + resume);
    // A failed source ends the destination's input with an error too, so blame the source first.
    if (!src_out.ok() && src_out.status != CONNHOST_STATUS_CANCELLED)
        return fail("source " + src->info().name + " failed (" + status_name(src_out.status) + "): " + src_out.message + resume);
    if (!dst_out.ok())
        return fail("destination " + dst->info().name + " failed (" + status_name(dst_out.status) + "): " + dst_out.message + resume);
    if (!src_out.ok())
        return fail("source " + src->info().name + " stopped (" + status_name(src_out.status) + "): " + src_out.message + resume);
    log.info("sync done: {} records, {} states acknowledged", progress.total_records(), dst_events.states_acknowledged());
    return 0;
}

}  // namespace connhost::runtime::sync
