// Destination: the base class a destination connector derives from, and the write loop that drives it.
#pragma once
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/input.hpp>
#include <connhost/sdk/json.hpp>

#include <chrono>
#include <set>
#include <string>

namespace connhost::sdk {

// When buffered work must be committed even without a state: whichever limit is reached first.
struct CommitPolicy {
    size_t max_bytes = 32u << 20;  // record bytes written since the last commit
    double max_seconds = 1.0;      // time since the last commit
    // While no input comes, commit and acknowledge what is held after this long (the host may wake the
    // destination sooner: its --idle-commit-seconds bound). 0: wait for the next input, as before ABI idle.
    double idle_seconds = 1.0;
};

// Derive and implement the hooks; the SDK's write loop calls them in input order. Hooks throw Error.
//
// The loop guarantees the checkpoint rule: a state is acknowledged only after commit() returned
// for every record delivered before it. A stream is completed (complete_stream) only when the
// source said so or the input ended cleanly, never after a failure, so overwrite staging that is
// swapped in by complete_stream survives an interrupted sync. After a hook threw, no hook but
// close(false) is called: a destination needs no failure latch of its own.
class Destination {
public:
    static constexpr int32_t kind = CONNHOST_KIND_DESTINATION;

    explicit Destination(Host host) : host_(host) {}
    virtual ~Destination() = default;

    // The ConnectorSpecification object.
    virtual json::object spec() = 0;
    // Validates `config` and that the target is writable; throws an Error saying what failed.
    virtual void check(const json::object& config) = 0;
    // Prepares to write the configured streams (create tables, files, staging areas).
    virtual void open(const json::object& config, const ConfiguredCatalog& catalog) = 0;
    // Writes (buffers) a batch of records of `stream`; need not be durable yet.
    virtual void write_batch(const ConfiguredStream& stream, const BatchView& batch) = 0;
    // A STATE arrived (its AirbyteStateMessage JSON), after every record before it was given to write_batch and
    // before the commit() that acknowledges it. Default: nothing (TablePlan::note_state marks resumable staging).
    virtual void state_arrived(std::string_view state_json) { (void)state_json; }
    // Makes every record written so far durable.
    virtual void commit() = 0;
    // The stream finished successfully: swap in overwrite staging, finish dedup. Called after commit().
    virtual void complete_stream(const ConfiguredStream& stream) = 0;
    // Releases resources; `success` false when the input broke, was cancelled, or a hook threw: then roll back
    // what is not committed and drop overwrite staging (previous data stays). Must not commit.
    virtual void close(bool success) = 0;
    // When commit() is called at a state and while idle; read once, after open() (so it may come from the config).
    virtual CommitPolicy commit_policy() const { return {}; }
    // True when write_batch reads records' members with record_fields() (input.hpp): the host then keeps the members
    // it finds checking each record (20 bytes a member while a batch waits), so they are not scanned again. Read
    // once, after open(). Default: false.
    virtual bool uses_record_fields() const { return false; }
    // Called from any thread when the host cancels. Default: nothing.
    virtual void on_cancel() noexcept {}

    Host host() const noexcept { return host_; }

protected:
    // From write_batch: record `index` of the batch cannot be stored, `reason` naming the field and why. Returns true
    // when the host set it aside (--error-tolerance all: the dead-letter file; write nothing of it, go on), false
    // when bad records fail this run: then throw as you would without this call.
    bool reject(size_t index, std::string_view reason) const {
        return host_.reject_record(static_cast<uint32_t>(index), reason);
    }
    // From write_batch: `count` values of the batch's records were changed to fit their columns (NULLed, truncated)
    // and recorded in their meta changes (a ChangeTally's total grew by `count`); the host counts them per stream in
    // its summaries.
    void count_changed_values(uint64_t count) const noexcept { host_.count_changed_values(count); }

private:
    Host host_;
};

namespace detail {

// The write operation of every SDK destination: drives a Destination over the host's input. Run thread.
//
// What a failure means is decided here, once: after any exception from a hook (write_batch, commit,
// complete_stream) or from the loop itself (a record of an unknown stream, a refused ack), nothing more is
// committed, acknowledged or completed; close(false) is called, so the destination rolls back its open
// transaction and drops overwrite staging; the exception propagates. Input that breaks or is cancelled is
// not a destination failure: what arrived is committed and acknowledged, then close(false).
class WriteLoop {
public:
    WriteLoop(Destination& dest, const ConfiguredCatalog& catalog)
        : dest_(dest), host_(dest.host()), catalog_(catalog) {}

    // Runs the whole write; returns the input's status (OK after a clean end) or throws the failure.
    int32_t run(const json::object& config) {
        dest_.open(config, catalog_);
        policy_ = dest_.commit_policy();  // after open(): a destination's policy may come from its config
        const bool record_fields = dest_.uses_record_fields() && host_.keep_record_fields();
        InputReader input(host_, static_cast<uint32_t>(policy_.idle_seconds * 1000), record_fields);
        try {
            InputItem item;
            while (input.next(item)) on_item(item);
            commit_and_ack();
            if (input.status() == CONNHOST_STATUS_OK)
                for (const auto& s : catalog_.streams()) complete(&s);
        } catch (...) {
            close_after_failure();
            throw;
        }
        dest_.close(input.status() == CONNHOST_STATUS_OK);
        return input.status();
    }

private:
    // close(false) after a failure; its own error is logged, so the first failure is the one reported.
    void close_after_failure() noexcept {
        try {
            dest_.close(false);
        } catch (const std::exception& e) {
            host_.warn(std::string("closing the destination after the failure failed too: ") + e.what());
        } catch (...) {}
    }

    void on_item(const InputItem& item) {
        if (item.kind == CONNHOST_INPUT_IDLE) {
            if (have_pending_ || uncommitted_bytes_) commit_and_ack();
            return;
        }
        if (item.kind == CONNHOST_INPUT_RECORDS) {
            dest_.write_batch(stream_of(item.batch), item.batch);
            uncommitted_bytes_ += item.batch.bytes();
        } else if (item.kind == CONNHOST_INPUT_STATE) {
            dest_.state_arrived(item.json);
            pending_state_ = item.state_id;
            have_pending_ = true;
        } else if (item.kind == CONNHOST_INPUT_STREAM_STATUS) {
            if (const ConfiguredStream* s = completed_stream(item.json)) complete(s);
        }
        if (have_pending_ && due()) commit_and_ack();
    }

    // The configured stream of `batch`; throws ConfigError when the catalog lacks it.
    const ConfiguredStream& stream_of(const BatchView& batch) const {
        if (const ConfiguredStream* s = catalog_.find(batch.stream(), batch.ns())) return *s;
        const std::string name = batch.ns().empty() ? std::string(batch.stream())
                                                    : std::string(batch.ns()) + "." + std::string(batch.stream());
        throw ConfigError(
            "a record arrived for stream \"" + name +
            "\", which is not in the configured catalog: add the stream to the catalog or drop its records");
    }

    // The configured stream a STREAM_STATUS message says is COMPLETE, or nullptr.
    const ConfiguredStream* completed_stream(std::string_view status_json) const {
        json::value v = parse_json(status_json, "stream status");
        const json::object& o = v.as_object();
        auto st = o.find("status");
        auto d = o.find("stream_descriptor");
        if (st == o.end() || st->value() != "COMPLETE" || d == o.end() || !d->value().is_object()) return nullptr;
        const auto& desc = d->value().as_object();
        std::string name, ns;
        if (auto n = desc.find("name"); n != desc.end() && n->value().is_string()) name = n->value().as_string();
        if (auto n = desc.find("namespace"); n != desc.end() && n->value().is_string()) ns = n->value().as_string();
        return catalog_.find(name, ns);
    }

    void commit_and_ack() {
        dest_.commit();
        uncommitted_bytes_ = 0;
        last_commit_ = std::chrono::steady_clock::now();
        if (have_pending_) host_.ack_state(pending_state_);
        have_pending_ = false;
    }

    void complete(const ConfiguredStream* s) {
        if (!completed_.insert(s).second) return;
        commit_and_ack();
        dest_.complete_stream(*s);
    }

    bool due() const {
        const auto since = std::chrono::steady_clock::now() - last_commit_;
        return uncommitted_bytes_ >= policy_.max_bytes ||
            std::chrono::duration<double>(since).count() >= policy_.max_seconds;
    }

    Destination& dest_;
    Host host_;
    const ConfiguredCatalog& catalog_;
    CommitPolicy policy_;
    std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
    size_t uncommitted_bytes_ = 0;
    uint64_t pending_state_ = 0;
    bool have_pending_ = false;
    std::set<const ConfiguredStream*> completed_;
};

// Drives `dest` over the host's input: the write operation of every SDK destination (see WriteLoop).
inline int32_t run_destination(Destination& dest, const json::object& config, const ConfiguredCatalog& catalog) {
    return WriteLoop(dest, catalog).run(config);
}

}  // namespace detail
}  // namespace connhost::sdk
