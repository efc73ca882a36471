// StreamFile: one stream's JSONL file, written through a buffer and made durable with fdatasync.
#pragma once
#include <string>
#include <string_view>

namespace jsonl {

// Appends lines to a file; sync() makes them durable. Not thread-safe. Throws SystemError naming the file.
class StreamFile {
public:
    // Opens `path` for appending (truncate: start empty). Parent directories are created.
    StreamFile(std::string path, bool truncate);
    ~StreamFile();
    StreamFile(const StreamFile&) = delete;
    StreamFile& operator=(const StreamFile&) = delete;

    // Appends `json` and a newline; line breaks inside (white space between tokens) become spaces.
    void append_line(std::string_view json);
    // Writes the buffer out and fdatasyncs the file if anything changed since the last sync.
    void sync();
    void close();
    const std::string& path() const noexcept { return path_; }

private:
    void write_out();

    std::string path_;
    int fd_ = -1;
    std::string buf_;
    bool dirty_ = false;
};

// Makes a stream or namespace name safe as one path component: '/' and NUL become '_', "" "." ".." get a '_' prefix.
std::string safe_component(std::string_view name);
// fsyncs the directory holding `path`, so a rename inside it is durable.
void sync_parent_dir(const std::string& path);
// Renames `from` over `to` durably; throws SystemError naming both.
void durable_rename(const std::string& from, const std::string& to);

}  // namespace jsonl
