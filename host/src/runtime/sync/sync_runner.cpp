#include "runtime/sync/sync_runner.hpp"

#include "logging/log_setup.hpp"
#include "logging/secret_masker.hpp"
#include "protocol/catalog_input.hpp"
#include "protocol/stream_name.hpp"
#include "runtime/operation_setup.hpp"
#include "runtime/rerun_advice.hpp"
#include "runtime/run_failure.hpp"
#include "runtime/masking_events.hpp"
#include "runtime/message_capture.hpp"
#include "runtime/config_validation.hpp"
#include "runtime/file_lock.hpp"
#include "runtime/dead_letter.hpp"
#include "runtime/secrets_from_spec.hpp"
#include "runtime/signals.hpp"
#include "runtime/sync/batch_queue.hpp"
#include "runtime/sync/default_catalog.hpp"
#include "runtime/sync/namespace_mapping.hpp"
#include "runtime/sync/resumable_overwrites.hpp"
#include "runtime/sync/state_owner.hpp"
#include "runtime/sync/state_store.hpp"
#include "runtime/sync/sync_events.hpp"
#include "runtime/sync/sync_progress.hpp"

#include <cstdio>
#include <thread>
#include <unistd.h>

namespace connhost::runtime::sync {

namespace {

std::unique_ptr<Connector> load(const SyncOptions& o, const std::string& spec, int32_t kind, const char* role) {
    auto c = load_connector({spec, o.plugin_dirs, o.isolate, o.log_level, o.max_record_bytes});
    require_kind(*c, kind, std::string("it was given as the ") + role + ": swap --source and --destination?",
                 FailureKind::Failed);
    return c;
}

std::string discover_catalog(Connector& src, const SyncOptions& o, const DestinationTarget& target) {
    MessageCapture cap(CONNHOST_MSG_CATALOG, src.info().name);
    Outcome r = src.discover(cap, o.source_config);
    if (!r.ok())
        throw std::runtime_error("discover of source " + src.info().name + " failed (" + status_name(r.status) +
                                 "): " + r.message);
    return configure_catalog(cap.payload, o.streams, target);
}

// A namespace mapping other than the default is part of the destination target: states saved for other tables
// must not be applied to these (a changed mapping is refused like another target; --reset-state starts afresh).
void add_namespace_mapping(StateOwner& owner, const NamespaceMapping& m) {
    if (m.identity()) return;
    static const char* const kDefinitions[] = {"source", "destination", "custom"};
    owner.destination_target["namespace_mapping"] =
        boost::json::object{{"namespace_definition", kDefinitions[static_cast<int>(m.definition)]},
                            {"namespace_format", m.format},
                            {"stream_prefix", m.prefix}};
    owner.target_known = true;
}

// Opens and locks the state file, checks it belongs to this connection, and forgets the states of overwrite
// streams that are not resumed: an overwrite replaces the whole table, so it reads from the start (a saved state
// would make it replace the table with only what came after that state) unless its staging is kept
// (resumable_overwrites.hpp; `resumable` gets those streams).
std::unique_ptr<StateStore> open_state(const SyncOptions& o, Connector& src, Connector& dst,
                                       const std::string& dst_spec, const std::string& catalog,
                                       std::map<StreamKey, ResumableOverwrite>& resumable) {
    auto store = std::make_unique<StateStore>(o.state_file);
    const auto streams = protocol::catalog_streams(catalog);
    std::vector<std::string> names;
    for (const auto& c : streams) names.push_back(protocol::stream_display_name(c.ns, c.name));
    StateOwner owner = state_owner_of(src.info().name, o.source_config, dst.info().name, dst_spec, o.destination_config,
                                      std::move(names));
    add_namespace_mapping(owner, o.namespaces);
    if (o.partition.active()) owner.partition = o.partition.text();
    store->adopt(owner, o.reset_state);
    resumable = plan_resumable_overwrites(catalog, spec_resumes_overwrites(dst_spec), *store, !o.state_file.empty());
    if (!resumable.empty()) store->save();  // the attempts are in the file before a staging is tagged with them
    return store;
}

// open_state, its failures classified: the state file in use by another sync is transient (it finishes), a state
// file that cannot be used (empty, malformed, another target's) a config_error: it must change before a re-run.
std::unique_ptr<StateStore> open_state_or_fail(const SyncOptions& o, Connector& src, Connector& dst,
                                               const std::string& dst_spec, const std::string& catalog,
                                               std::map<StreamKey, ResumableOverwrite>& resumable) {
    try {
        return open_state(o, src, dst, dst_spec, catalog, resumable);
    } catch (const LockBusy& e) {
        throw RunFailure(e.what(), "transient_error");
    } catch (const std::runtime_error& e) {
        throw RunFailure(e.what(), "config_error");
    }
}

// The two connectors of a sync, its catalog and its state file, ready to run.
struct SyncSetup {
    std::unique_ptr<Connector> src, dst;
    std::string catalog;                     // as the source reads it
    std::unique_ptr<StreamRenamer> renamer;  // the namespace mapping
    std::string dst_catalog;                 // as the destination writes it (streams mapped)
    std::unique_ptr<StateStore> store;
    std::map<StreamKey, ResumableOverwrite> resumable;  // overwrite streams whose staging survives a killed run
    std::unique_ptr<PartitionPlan> plan;                // this worker's streams and slices (--partition)
};

// --partition: keeps this worker's streams of s.catalog (each logged with its worker or slice).
void plan_partition(const SyncOptions& o, SyncSetup& s) {
    s.plan = std::make_unique<PartitionPlan>(o.partition, s.catalog);
    s.catalog = s.plan->catalog();
    if (!o.partition.active()) return;
    logging::host_log().info("partition: worker {} of {}", o.partition.index, o.partition.count);
    for (const auto& line : s.plan->describe()) logging::host_log().info("partition: stream {}", line);
}

// The namespace mapping of `o` over `catalog`, each renamed stream logged; throws std::invalid_argument when two
// streams would land in one.
void map_streams(const SyncOptions& o, SyncSetup& s) {
    const auto streams = protocol::catalog_streams(s.catalog);
    s.renamer = std::make_unique<StreamRenamer>(o.namespaces, streams);
    s.dst_catalog = s.renamer->catalog(s.catalog);
    for (const auto& line : s.renamer->describe(streams)) logging::host_log().info("stream {}", line);
}

// Loads both connectors, registers their secrets, reads or discovers the catalog and opens the state file.
SyncSetup prepare(const SyncOptions& o) {
    SyncSetup s;
    s.src = load(o, o.source, CONNHOST_KIND_SOURCE, "source");
    s.dst = load(o, o.destination, CONNHOST_KIND_DESTINATION, "destination");
    try {
        const std::string src_spec = register_config_secrets(*s.src, o.source_config);
        const std::string dst_spec = register_config_secrets(*s.dst, o.destination_config);
        validate_config(src_spec, o.source_config, o.source_config_origin, s.src->info().name);
        validate_config(dst_spec, o.destination_config, o.destination_config_origin, s.dst->info().name);
        const DestinationTarget target{s.dst->info().name, DestinationModes(dst_spec), o.partition.active()};
        s.catalog =
            o.catalog ? protocol::normalize_catalog(*o.catalog, o.catalog_origin) : discover_catalog(*s.src, o, target);
        require_supported_modes(s.catalog, target.modes, target.name);
        plan_partition(o, s);
        map_streams(o, s);
        s.store = open_state_or_fail(o, *s.src, *s.dst, dst_spec, s.catalog, s.resumable);
        s.dst_catalog = add_resumable_overwrites(s.dst_catalog, s.catalog, s.resumable);
    } catch (const RunFailure&) {
        throw;
    } catch (const std::invalid_argument& e) {  // a mode the destination or the source does not support
        throw RunFailure(e.what(), "config_error");
    } catch (const std::exception& e) {
        throw RunFailure(e.what());
    }
    return s;
}

// How the two sides of a sync ended.
struct SyncEnd {
    Outcome src, dst;
    bool interrupted = false;
};

// Runs the destination on its own thread and the source on this one, a signal cancelling the source.
SyncEnd run_both(SyncSetup& s, const SyncOptions& o, const std::string& initial_state, BatchQueue& queue,
                 SyncControl& ctl, SyncProgress& progress, SourceEvents& src_events, DestinationEvents& dst_events) {
    SyncEnd end;
    CancelOnSignal on_signal([&] {
        logging::host_log().warn(
            "interrupted: stopping the source; the destination commits what it has (Ctrl-C again to stop at once)");
        ctl.cancelled = true;
        s.src->cancel();
    });
    progress.start();
    std::thread dest_thread([&] {
        end.dst = s.dst->write(dst_events, o.destination_config, s.dst_catalog);
        if (!end.dst.ok()) {  // stop the source: nothing more can be written
            ctl.cancelled = true;
            queue.close();
            s.src->cancel();
        }
    });
    MaskingEvents masked_src_events(src_events,
                                    logging::secrets());  // the destination and the state file get no secret
    end.src = s.src->read(masked_src_events, o.source_config, s.catalog, initial_state);
    if (!end.src.ok()) src_events.end_unfinished_streams();
    QueueItem last;
    last.kind = QueueItem::End;
    last.end_status = end.src.status;
    if (!queue.push(std::move(last))) queue.close();
    dest_thread.join();
    progress.stop();
    end.interrupted = on_signal.fired();
    return end;
}

// Throws RunFailure for the first thing that went wrong, blaming a failed source before the destination whose
// input it ended; its message ends with what a re-run does for that kind of failure (sync_rerun_advice).
void check_end(const SyncSetup& s, const SyncEnd& end, const SourceEvents& src_events,
               const DestinationEvents& dst_events, const SyncProgress& progress, const std::string& state_file) {
    auto fail = [&](const std::string& what, const char* type, FailureKind kind = FailureKind::Failed) {
        throw RunFailure(what + sync_rerun_advice(kind == FailureKind::Interrupted ? "interrupted" : type, state_file),
                         type, kind);
    };
    if (end.interrupted)
        fail("interrupted by a signal after " + std::to_string(progress.committed_records()) + " committed records",
             "transient_error", FailureKind::Interrupted);
    if (!src_events.error().empty()) fail(src_events.error(), "system_error");
    if (!dst_events.input_error().empty()) throw RunFailure(dst_events.input_error());
    if (!dst_events.error().empty()) fail("cannot save the state: " + dst_events.error(), "system_error");
    const std::string src_name = s.src->info().name, dst_name = s.dst->info().name;
    if (!end.src.ok() && end.src.status != CONNHOST_STATUS_CANCELLED)
        fail("source " + src_name + " failed (" + status_name(end.src.status) + "): " + end.src.message,
             failure_type(end.src.status));
    if (!end.dst.ok())
        fail("destination " + dst_name + " failed (" + status_name(end.dst.status) + "): " + end.dst.message,
             failure_type(end.dst.status));
    if (!end.src.ok())
        fail("source " + src_name + " stopped (" + status_name(end.src.status) + "): " + end.src.message,
             failure_type(end.src.status));
}

// The dead-letter file of a sync with --error-tolerance all (else null), its bad records going there from both sides.
std::unique_ptr<DeadLetter> open_dead_letter(const SyncOptions& o, SourceEvents& src, DestinationEvents& dst) {
    if (!o.tolerance.tolerant()) return nullptr;
    std::unique_ptr<DeadLetter> dl;
    try {
        dl = std::make_unique<DeadLetter>(sync_dead_letter_path(o));
    } catch (const std::exception& e) {
        throw RunFailure(std::string(e.what()) + "; give --dead-letter (\"dead_letter\") a file that can be written",
                         "config_error");
    }
    src.tolerate(*dl);
    dst.tolerate(*dl);
    logging::host_log().info("--error-tolerance all: records that cannot be written go to {}", dl->path());
    return dl;
}

}  // namespace

void run_sync(const SyncOptions& o) {
    start_logging(o.log_format, o.log_level, false, nullptr);
    SyncSetup s = prepare(o);
    const std::string initial_state = s.store->to_json();
    logging::host_log().info("sync {} -> {}{}", s.src->info().name, s.dst->info().name,
                             o.state_file.empty() ? std::string(" (no state file)")
                                                  : " (state file " + o.state_file +
                                     (initial_state.empty() ? ", starting fresh)" : ", resuming)"));
    BatchQueue queue(o.queue_bytes);
    SyncControl ctl;
    // JSON logs never get the live line: every stderr line is then one JSON object.
    SyncProgress progress(isatty(STDERR_FILENO) != 0 && !logging::json_on_stderr(),
                          std::chrono::seconds(o.progress_seconds));
    const std::vector<protocol::CatalogStream> streams = protocol::catalog_streams(s.catalog);
    for (const auto& c : streams) progress.expect(protocol::stream_display_name(c.ns, c.name));
    SourceEvents src_events(queue, ctl, progress, s.src->info().name, protocol::catalog_stream_keys(s.catalog));
    DestinationEvents dst_events(queue, ctl, s.dst->info().name, *s.store, progress, streams, o.idle_commit_ms);
    dst_events.rename_streams(*s.renamer);
    src_events.partition(*s.plan);
    std::set<StreamKey> resumable;
    for (const auto& [key, r] : s.resumable) resumable.insert(key);
    dst_events.resumable_overwrites(resumable);
    const std::unique_ptr<DeadLetter> dead_letter = open_dead_letter(o, src_events, dst_events);
    const SyncEnd end = run_both(s, o, initial_state, queue, ctl, progress, src_events, dst_events);
    if (!end.interrupted && end.src.ok() && end.dst.ok() && src_events.error().empty() &&
        dst_events.input_error().empty()) {
        dst_events.finish();
        if (dst_events.error().empty()) progress.all_committed();
    }
    if (logging::json_on_stderr())  // masked like the logs: a stream name can be anything a source sent
        logging::write_json_line(spdlog::level::info, "connhost", "sync summary",
                                 logging::secrets().mask_json(progress.summary_json_members()));
    else
        std::fputs(logging::secrets().mask(progress.summary()).c_str(), stderr);
    if (dead_letter && dead_letter->total()) logging::host_log().warn("{}", dead_letter->summary());
    check_end(s, end, src_events, dst_events, progress, o.state_file);
    logging::host_log().info("sync done: {} records, {} states acknowledged", progress.total_records(),
                             dst_events.states_acknowledged());
}

}  // namespace connhost::runtime::sync
