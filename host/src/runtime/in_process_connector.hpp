// InProcessConnector: runs a loaded plugin's operations in this process through the C ABI.
#pragma once
#include "runtime/connector.hpp"

#include <atomic>
#include <mutex>

namespace connhost::runtime {

// Each operation creates a plugin instance with a fresh host table, runs, and destroys it.
class InProcessConnector final : public Connector {
public:
    // Emitted records whose data is over `max_record_bytes` end the operation with CONFIG, naming the stream.
    InProcessConnector(loader::LoadedPlugin plugin, size_t max_record_bytes)
        : plugin_(std::move(plugin)), max_record_bytes_(max_record_bytes) {}

    const loader::PluginInfo& info() const override { return plugin_.info; }
    Outcome spec(ConnectorEvents& ev) override;
    Outcome check(ConnectorEvents& ev, std::string_view config) override;
    Outcome discover(ConnectorEvents& ev, std::string_view config) override;
    Outcome read(ConnectorEvents& ev, std::string_view config, std::string_view catalog,
                 std::string_view state) override;
    Outcome write(ConnectorEvents& ev, std::string_view config, std::string_view catalog) override;
    Outcome read_back(ConnectorEvents& ev, std::string_view config, std::string_view catalog) override;
    void cancel() override;

private:
    template <class Call>
    Outcome run(ConnectorEvents& ev, Call&& call);

    loader::LoadedPlugin plugin_;
    size_t max_record_bytes_;
    std::mutex mu_;  // guards instance_ against cancel()
    connhost_instance* instance_ = nullptr;
    std::atomic<bool> cancel_requested_{false};
};

}  // namespace connhost::runtime
