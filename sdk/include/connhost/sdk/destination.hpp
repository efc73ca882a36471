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
    size_t max_bytes = 32u << 20;    // record bytes written since the last commit
    double max_seconds = 1.0;        // time since the last commit
    // While no input comes, commit and acknowledge what is held after this long (the host may wake the
    // destination sooner: its --idle-commit-seconds bound). 0: wait for the next input, as before ABI idle.
    double idle_seconds = 1.0;
};

// Derive and implement the hooks; the SDK's write loop calls them in input order. Hooks throw Error.
//
// The loop guarantees the checkpoint rule: a state is acknowledged only after commit() returned
// for every record delivered before it. A stream is completed (complete_stream) only when the
// source said so or the input ended cleanly, never after a failure, so overwrite staging that is
// swapped in by complete_stream survives an interrupted sync.
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
    // Makes every record written so far durable.
    virtual void commit() = 0;
    // The stream finished successfully: swap in overwrite staging, finish dedup. Called after commit().
    virtual void complete_stream(const ConfiguredStream& stream) = 0;
    // Releases resources; `success` false when the input broke or was cancelled.
    virtual void close(bool success) = 0;
    // When commit() is called without a state to acknowledge.
    virtual CommitPolicy commit_policy() const { return {}; }
    // Called from any thread when the host cancels. Default: nothing.
    virtual void on_cancel() noexcept {}

    Host host() const noexcept { return host_; }

private:
    Host host_;
};

namespace detail {

// Drives `dest` over the host's input: the write operation of every SDK destination.
inline int32_t run_destination(Destination& dest, const json::object& config, const ConfiguredCatalog& catalog) {
    Host host = dest.host();
    dest.open(config, catalog);
    const CommitPolicy policy = dest.commit_policy();
    InputReader input(host, static_cast<uint32_t>(policy.idle_seconds * 1000));
    InputItem item;
    auto last_commit = std::chrono::steady_clock::now();
    size_t uncommitted_bytes = 0;
    uint64_t pending_state = 0;
    bool have_pending = false;
    std::set<const ConfiguredStream*> completed;

    auto commit_and_ack = [&] {
        dest.commit();
        uncommitted_bytes = 0;
        last_commit = std::chrono::steady_clock::now();
        if (have_pending) host.ack_state(pending_state);
        have_pending = false;
    };
    auto complete = [&](const ConfiguredStream* s) {
        if (!completed.insert(s).second) return;
        commit_and_ack();
        dest.complete_stream(*s);
    };
    auto due = [&] {
        return uncommitted_bytes >= policy.max_bytes ||
               std::chrono::duration<double>(std::chrono::steady_clock::now() - last_commit).count() >= policy.max_seconds;
    };

    try {
        while (input.next(item)) {
            if (item.kind == CONNHOST_INPUT_IDLE) {
                if (have_pending || uncommitted_bytes) commit_and_ack();
                continue;
            }
            if (item.kind == CONNHOST_INPUT_RECORDS) {
                const ConfiguredStream* s = catalog.find(item.batch.stream(), item.batch.ns());
                if (!s) {
                    std::string name = item.batch.ns().empty() ? std::string(item.batch.stream())
                                                               : std::string(item.batch.ns()) + "." + std::string(item.batch.stream());
                    throw ConfigError("a record arrived for stream \"" + name +
                                      "\", which is not in the configured catalog: add the stream to the catalog or drop its records");
                }
                dest.write_batch(*s, item.batch);
                uncommitted_bytes += item.batch.bytes();
            } else if (item.kind == CONNHOST_INPUT_STATE) {
                pending_state = item.state_id;
                have_pending = true;
            } else if (item.kind == CONNHOST_INPUT_STREAM_STATUS) {
                json::value v = parse_json(item.json, "stream status");
                const json::object& o = v.as_object();
                auto st = o.find("status");
                auto d = o.find("stream_descriptor");
                if (st != o.end() && st->value() == "COMPLETE" && d != o.end() && d->value().is_object()) {
                    const auto& desc = d->value().as_object();
                    std::string name, ns;
                    if (auto n = desc.find("name"); n != desc.end() && n->value().is_string()) name = n->value().as_string();
                    if (auto n = desc.find("namespace"); n != desc.end() && n->value().is_string()) ns = n->value().as_string();
                    if (const ConfiguredStream* s = catalog.find(name, ns)) complete(s);
                }
            }
            if (have_pending && due()) commit_and_ack();
        }
    } catch (...) {
        // Keep what is durable durable and acknowledged; never complete a stream after a failure.
        try {
            commit_and_ack();
        } catch (...) {
        }
        dest.close(false);
        throw;
    }
    commit_and_ack();
    if (input.status() == CONNHOST_STATUS_OK) {
        for (const auto& s : catalog.streams()) complete(&s);
        dest.close(true);
    } else {
        dest.close(false);
    }
    return input.status();
}

}  // namespace detail
}  // namespace connhost::sdk
