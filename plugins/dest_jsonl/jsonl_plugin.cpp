// dest_jsonl: writes each stream's records to <destination_path>/[<namespace>/]<stream>.jsonl, one data object a line.
#include "dedup.hpp"
#include "stream_file.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

namespace {

using namespace connhost::sdk;

constexpr const char* kStagingSuffix = ".connhost-staging";

class JsonlDestination final : public Destination {
public:
    using Destination::Destination;

    json::object spec() override {
        return parse_object(R"({
          "documentationUrl": "https://connhost.invalid/docs/connectors/dest_jsonl",
          "supported_destination_sync_modes": ["append", "overwrite", "append_dedup"],
          "connectionSpecification": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "JSON Lines destination",
            "type": "object",
            "required": ["destination_path"],
            "properties": {
              "destination_path": {"type": "string", "description": "directory that receives <stream>.jsonl files", "connhost_target": true}
            }
          }
        })", "spec");
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
        root_ = ConfigView(config).string("destination_path");
        lock_ = std::make_unique<PathLock>((std::filesystem::path(root_) / ".connhost-lock").string(), "the folder " + root_);
        for (const auto& s : catalog.streams()) {
            Target t;
            t.final_path = path_for(s);
            const bool overwrite = s.destination_sync_mode == "overwrite";
            t.file = std::make_unique<jsonl::StreamFile>(overwrite ? t.final_path + kStagingSuffix : t.final_path, overwrite);
            if (size_t torn = t.file->torn_bytes_removed())
                host().warn(t.final_path + ": removed a torn last line (" + std::to_string(torn) +
                            " bytes never acknowledged, left by an interrupted sync); its records come again from the saved state");
            targets_.emplace(&s, std::move(t));
        }
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        jsonl::StreamFile& f = *targets_.at(&s).file;
        for (size_t i = 0; i < batch.size(); ++i) f.append_line(batch[i].json);
    }

    void commit() override {
        for (auto& [s, t] : targets_)
            if (t.file) t.file->sync();
    }

    void complete_stream(const ConfiguredStream& s) override {
        Target& t = targets_.at(&s);
        if (!t.file) return;
        t.file->close();
        if (s.destination_sync_mode == "overwrite") jsonl::durable_rename(t.file->path(), t.final_path);
        else if (s.destination_sync_mode == "append_dedup") jsonl::dedup_file(t.final_path, s);
        t.file.reset();
    }

    void close(bool success) override {
        for (auto& [s, t] : targets_) {
            if (!t.file) continue;
            if (success) t.file->close();
            else t.file->abandon();  // keeps only what was committed
            // An unfinished overwrite never replaces the previous data.
            if (!success && s->destination_sync_mode == "overwrite") std::remove(t.file->path().c_str());
        }
        targets_.clear();
    }

private:
    struct Target {
        std::string final_path;
        std::unique_ptr<jsonl::StreamFile> file;
    };

    std::string path_for(const ConfiguredStream& s) const {
        std::filesystem::path p(root_);
        if (s.ns) p /= jsonl::safe_component(*s.ns);
        p /= jsonl::safe_component(s.name) + ".jsonl";
        return p.string();
    }

    std::string root_;
    std::unique_ptr<PathLock> lock_;  // held while writing
    std::map<const ConfiguredStream*, Target> targets_;
};

}  // namespace

CONNHOST_PLUGIN(JsonlDestination, "dest_jsonl", "0.1.0", "Writes each stream to a JSON Lines file, one record's data a line")
