// dest_jsonl: writes each stream's records to <destination_path>/[<namespace>/]<stream>.jsonl, one data object a line.
// Overwrite streams go to the SDK's staging name (_connhost_tmp_<stream>.jsonl, table_plan.hpp) in the same folder,
// renamed over the file when the stream completes.
#include "dedup.hpp"
#include "stream_file.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/destination_spec.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace {

using namespace connhost::sdk;

class JsonlDestination final : public Destination, public ReadBack, private StagingStore {
public:
    using Destination::Destination;

    json::object spec() override {
        return destination_spec("dest_jsonl", "JSON Lines destination", R"({
          "destination_path": {"type": "string", "description": "directory that receives <stream>.jsonl files",
                               "connhost_target": true}
        })",
                                R"(["destination_path"])");
    }

    void check(const json::object& config) override {
        std::string dir = ConfigView(config).string("destination_path");
        std::string probe = dir + "/.connhost-check";
        jsonl::StreamFile f(probe, true);
        f.append_line("{}");
        f.close();
        std::remove(probe.c_str());
    }

    void open(const json::object& config, const ConfiguredCatalog& catalog) override {
        const std::string root = ConfigView(config).string("destination_path");
        plan_ = TablePlan(catalog, name_rules(root));
        lock_ =
            std::make_unique<PathLock>((std::filesystem::path(root) / ".connhost-lock").string(), "the folder " + root);
        for (auto& [s, p] : plan_.plans()) {
            auto file = std::make_unique<jsonl::StreamFile>(path_of(p.container, p.target()), p.staged);
            if (size_t torn = file->torn_bytes_removed())
                host().warn(file->path() + ": removed a torn last line (" + std::to_string(torn) +
                            " bytes never acknowledged, left by an interrupted sync); its records come again from the "
                            "saved state");
            files_.emplace(s, std::move(file));
        }
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        jsonl::StreamFile& f = *files_.at(&s);
        for (size_t i = 0; i < batch.size(); ++i) f.append_line(batch[i].json);
    }

    void commit() override {
        for (auto& [s, f] : files_)
            if (f) f->sync();
    }

    void complete_stream(const ConfiguredStream& s) override {
        std::unique_ptr<jsonl::StreamFile>& f = files_.at(&s);
        if (!f) return;
        f->close();
        plan_.complete(s, *this);
        const StreamPlan& p = plan_.at(s);
        if (p.mode == DestinationSyncMode::AppendDedup) jsonl::dedup_file(path_of(p.container, p.final_name), s);
        f.reset();
    }

    void close(bool success) override {
        for (auto& [s, f] : files_) {
            if (!f) continue;
            if (success)
                f->close();
            else
                f->abandon();  // keeps only what was committed
        }
        if (!success) plan_.drop_unfinished(*this, host());
        files_.clear();
    }

    // Each stream's file, line by line, as written; a file that does not exist is an empty stream.
    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        const NameRules rules = name_rules(ConfigView(config).string("destination_path"));
        for (const auto& s : catalog.streams()) {
            const StreamPlace place = rules.place(s);
            const std::string path = path_of(place.container, place.name);
            std::ifstream in(path, std::ios::binary);
            if (!in && std::filesystem::exists(path))
                throw SystemError("cannot read " + path + ": check its permissions");
            RecordBatchWriter out(host(), s.name, s.ns.value_or(""));
            for (std::string line; std::getline(in, line);)
                if (!line.empty()) out.add(line);
            out.flush();
        }
    }

private:
    // A stream's file: <root>/[<namespace>/]<stream>.jsonl, each part made a safe path component.
    static NameRules name_rules(const std::string& root) {
        NameRules r;
        r.connector = "dest_jsonl";
        r.kind = "file";
        r.separator = "/";
        r.place = [root](const ConfiguredStream& s) {
            std::filesystem::path dir(root);
            if (s.ns) dir /= jsonl::safe_component(*s.ns);
            return StreamPlace{dir.string(), jsonl::safe_component(s.name) + ".jsonl"};
        };
        return r;
    }

    static std::string path_of(const std::string& dir, const std::string& name) {
        return (std::filesystem::path(dir) / name).string();
    }

    void swap_in(StreamPlan& p) override {
        jsonl::durable_rename(path_of(p.container, p.staging_name), path_of(p.container, p.final_name));
    }

    void drop_staging(StreamPlan& p) override { std::remove(path_of(p.container, p.staging_name).c_str()); }

    TablePlan plan_;
    std::unique_ptr<PathLock> lock_;                                               // held while writing
    std::map<const ConfiguredStream*, std::unique_ptr<jsonl::StreamFile>> files_;  // null once the stream completed
};

}  // namespace

CONNHOST_PLUGIN(JsonlDestination, "dest_jsonl", "0.1.0",
                "Writes each stream to a JSON Lines file, one record's data a line")
