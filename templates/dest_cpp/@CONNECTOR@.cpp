// @CONNECTOR@: a destination connector made by `connhost new destination @NAME@`.
//
// Writes each stream to <destination_path>/[<namespace>/]<stream>.jsonl, one record's data a line. Append adds to the
// file; an overwrite is written to a staging file (_connhost_tmp_<stream>.jsonl, the SDK's TablePlan) that replaces the
// old file only when the stream completes, so a sync that fails half way keeps the previous data. commit() makes every
// line durable (fdatasync) before the SDK acknowledges a state. ReadBack lets `connhost test-plugin` compare what
// the file holds with what was written. Replace StreamFile with your store's client.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/table_plan.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.1.0"
#endif

namespace {

using namespace connhost::sdk;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw SystemError(what + " " + path + ": " + std::strerror(errno) + "; check the folder's permissions and space");
}

// One stream's file, appended through a buffer; sync() makes what was appended durable. Run thread only.
class StreamFile {
public:
    StreamFile(std::string path, bool truncate) : path_(std::move(path)) {
        std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
        if (fd_ < 0) fail("cannot open", path_);
        synced_size_ = ::lseek(fd_, 0, SEEK_END);
    }
    ~StreamFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    StreamFile(const StreamFile&) = delete;
    StreamFile& operator=(const StreamFile&) = delete;

    void append_line(std::string_view json) {
        buf_.append(json);
        buf_ += '\n';
        if (buf_.size() >= (1u << 20)) write_out();
    }
    void sync() {
        write_out();
        if (::fdatasync(fd_) != 0) fail("cannot sync", path_);
        synced_size_ = ::lseek(fd_, 0, SEEK_END);
    }
    // Drops what was appended since the last sync (after a failure) and closes the file.
    void abandon() {
        buf_.clear();
        if (::ftruncate(fd_, synced_size_) != 0) fail("cannot cut back", path_);
        ::close(fd_);
        fd_ = -1;
    }

private:
    void write_out() {
        for (size_t done = 0; done < buf_.size();) {
            ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail("cannot write", path_);
            done += static_cast<size_t>(n);
        }
        buf_.clear();
    }

    std::string path_;
    int fd_ = -1;
    std::string buf_;
    off_t synced_size_ = 0;
};

class FileDestination final : public Destination, public ReadBack, private StagingStore {
public:
    using Destination::Destination;

    json::object spec() override {
        return parse_object(R"({
          "documentationUrl": "https://example.invalid/docs/@CONNECTOR@",
          "supported_destination_sync_modes": ["append", "overwrite"],
          "connectionSpecification": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "@NAME@ destination",
            "type": "object",
            "required": ["destination_path"],
            "properties": {
              "destination_path": {"type": "string", "description": "folder that receives <stream>.jsonl files"}
            }
          }
        })",
                            "spec");
    }

    void check(const json::object& config) override {
        const std::string probe = ConfigView(config).string("destination_path") + "/.@CONNECTOR@-check";
        StreamFile(probe, true).sync();
        std::remove(probe.c_str());
    }

    void open(const json::object& config, const ConfiguredCatalog& catalog) override {
        for (const auto& s : catalog.streams())
            if (s.destination_sync_mode == DestinationSyncMode::AppendDedup)
                throw ConfigError("stream " + s.display_name() +
                                  ": @CONNECTOR@ supports append and overwrite, not append_dedup");
        plan_ = TablePlan(catalog, name_rules(ConfigView(config).string("destination_path")));
        for (auto& [s, p] : plan_.plans()) files_.emplace(s, std::make_unique<StreamFile>(path_of(p), p.staged));
    }

    void write_batch(const ConfiguredStream& s, const BatchView& batch) override {
        StreamFile& f = *files_.at(&s);
        for (size_t i = 0; i < batch.size(); ++i) f.append_line(batch[i].json);
    }

    void commit() override {
        for (auto& [s, f] : files_)
            if (f) f->sync();
    }

    void complete_stream(const ConfiguredStream& s) override {
        files_.at(&s).reset();  // synced by the commit() before this call
        plan_.complete(s, *this);
    }

    void close(bool success) override {
        if (!success) {
            for (auto& [s, f] : files_)
                if (f) f->abandon();
            plan_.drop_unfinished(*this, host());
        }
        files_.clear();
    }

    void read_back(const json::object& config, const ConfiguredCatalog& catalog) override {
        const NameRules rules = name_rules(ConfigView(config).string("destination_path"));
        for (const auto& s : catalog.streams()) {
            const StreamPlace place = rules.place(s);
            std::ifstream in(std::filesystem::path(place.container) / place.name, std::ios::binary);
            RecordBatchWriter out(host(), s.name, s.ns.value_or(""));
            for (std::string line; std::getline(in, line);)
                if (!line.empty()) out.add(line);
            out.flush();
        }
    }

private:
    // Stream s lands in <root>/[<namespace>/]<name>.jsonl; a name or namespace that is not one path component is
    // refused.
    static NameRules name_rules(const std::string& root) {
        NameRules r;
        r.connector = "@CONNECTOR@";
        r.kind = "file";
        r.separator = "/";
        r.place = [root](const ConfiguredStream& s) {
            std::string dir = root;
            if (s.ns) dir += "/" + path_component(*s.ns, s);
            return StreamPlace{dir, path_component(s.name, s) + ".jsonl"};
        };
        return r;
    }

    static std::string path_component(const std::string& part, const ConfiguredStream& s) {
        if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos)
            throw ConfigError("stream " + s.display_name() + ": \"" + part +
                              "\" cannot be a file or folder name: rename it");
        return part;
    }

    static std::string path_of(const StreamPlan& p) { return p.container + "/" + p.target(); }

    void swap_in(StreamPlan& p) override {
        const std::string from = p.container + "/" + p.staging_name, to = p.container + "/" + p.final_name;
        if (std::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename " + from + " to", to);
        int dir = ::open(p.container.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
    }

    void drop_staging(StreamPlan& p) override { std::remove((p.container + "/" + p.staging_name).c_str()); }

    TablePlan plan_;
    std::map<const ConfiguredStream*, std::unique_ptr<StreamFile>> files_;  // null once the stream completed
};

}  // namespace

CONNHOST_PLUGIN(FileDestination, "@CONNECTOR@", CONNECTOR_VERSION, "@NAME@ destination made by connhost new")
