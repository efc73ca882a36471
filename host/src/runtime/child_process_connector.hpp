// ChildProcessConnector: runs a connector's operations in a child `connhost run` process over pipes,
// so a plugin that crashes costs an error message, never the host or the committed state.
#pragma once
#include "runtime/connector.hpp"
#include "runtime/operation.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

namespace connhost::runtime {

// Same contract as InProcessConnector; the Airbyte protocol lines of `connhost run` are the wire format.
// Config, catalog and state reach the child through memfds, never through files on disk.
// The process must ignore SIGPIPE (connhost's main does), so a child that dies costs a failed write, not the host.
class ChildProcessConnector final : public Connector {
public:
    // `info` comes from loading the plugin once in a child (describe_in_child, which checks its ABI). The child refuses
    // source records over `max_record_bytes` as the in-process connector does.
    ChildProcessConnector(loader::PluginInfo info, std::string log_level, size_t max_record_bytes);

    const loader::PluginInfo& info() const override { return info_; }
    Outcome spec(ConnectorEvents& ev) override;
    Outcome check(ConnectorEvents& ev, std::string_view config) override;
    Outcome discover(ConnectorEvents& ev, std::string_view config) override;
    Outcome read(ConnectorEvents& ev, std::string_view config, std::string_view catalog,
                 std::string_view state) override;
    Outcome write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) override;
    Outcome read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) override;
    void cancel() override;

private:
    // Runs `connhost run <op>` on the plugin in a child; for write, ev.next_input() goes to its stdin.
    Outcome run(ConnectorEvents& ev, Operation op, std::string_view config, std::string_view catalog,
                std::string_view state);
    // The child's command line, its line limit `line_limit` bytes (rounded down to MiB); `rejects_to_parent`: a
    // read or write whose bad or rejected records come back as private lines (the host takes them: --error-tolerance
    // all).
    std::vector<std::string> child_args(Operation op, size_t line_limit, bool rejects_to_parent,
                                        const std::string& partition) const;
    // Records the running child for cancel() (-1: none); signals it at once when a cancel came first.
    void set_running(pid_t pid);

    loader::PluginInfo info_;
    std::string log_level_;
    size_t max_record_bytes_;
    std::mutex mu_;
    pid_t pid_ = -1;  // the running child, for cancel()
    std::atomic<bool> cancel_requested_{false};
};

}  // namespace connhost::runtime
