// dest_ack_before_commit: a deliberately broken destination for `connhost test-plugin`'s own tests. It keeps every
// record in memory and writes them (one JSON line a record, <destination_path>/<stream>.jsonl) only at close(true);
// commit() does nothing, so the SDK acknowledges states whose records are not stored yet. A run killed after a
// state echo loses them: readback.resumed_write must FAIL. Everything else (append, overwrite, read-back) is right.
#include <connhost/sdk.hpp>
#include <connhost/sdk/destination_spec.hpp>
#include <connhost/sdk/entry.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace connhost::sdk;

class AckBeforeCommit final : public Destination, public ReadBack {
public:
    using Destination::Destination;

    json::object spec() override {
        json::object spec = destination_spec("dest_ack_before_commit", "Broken: acknowledges before committing", R"({
          "destination_path": {"type": "string", "description": "folder of <stream>.jsonl files"}})",
                                             R"(["destination_path"])");
        spec["supported_destination_sync_modes"] = json::array{"append", "overwrite"};
        return spec;
    }
    void check(const json::object& config) override { std::filesystem::create_directories(dir_of(config)); }
    void open(const json::object& config, const ConfiguredCatalog&) override {
        dir_ = dir_of(config);
        std::filesystem::create_directories(dir_);
    }
    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        for (size_t i = 0; i < batch.size(); ++i) pending_[&s].emplace_back(batch[i].json);
    }
    void commit() override {}  // the fault: nothing is made durable before the state is acknowledged
    void complete_stream(const ConfiguredStream& s) override { complete_[&s] = true; }
    void close(bool success) override {
        if (!success) return;
        for (auto& [s, records] : pending_) {
            const bool replace = s->destination_sync_mode == DestinationSyncMode::Overwrite && complete_[s];
            std::ofstream out(dir_ + "/" + s->name + ".jsonl", replace ? std::ios::trunc : std::ios::app);
            for (const std::string& r : records) out << r << "\n";
        }
    }
    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        for (const auto& s : catalog.streams()) {
            std::ifstream in(dir_of(config) + "/" + s.name + ".jsonl");
            RecordBatchWriter out(host(), s.name, s.ns.value_or(""));
            for (std::string line; std::getline(in, line);)
                if (!line.empty()) out.add(line);
            out.flush();
        }
    }

private:
    static std::string dir_of(const json::object& config) { return ConfigView(config).string("destination_path"); }

    std::string dir_;
    std::map<const ConfiguredStream*, std::vector<std::string>> pending_;
    std::map<const ConfiguredStream*, bool> complete_;
};

}  // namespace

CONNHOST_PLUGIN(AckBeforeCommit, "dest_ack_before_commit", "0.1.0",
                "Broken on purpose: acknowledges states before committing their records")
