// StreamFile: one stream's JSONL file, written through a buffer and made durable with fdatasync.
#pragma once
#include <string>
#include <sys/types.h>
#include <string_view>

namespace jsonl {

// Appends lines to a file through a buffer of about 1 MiB; sync() makes them durable. Not thread-safe. Throws
// SystemError naming the file.
class StreamFile {
public:
    // Opens `path` for appending (truncate: start empty). Parent directories are created. An appended-to
    // file that does not end in a newline (a write torn by a killed process) is cut back to its last one.
    StreamFile(std::string path, bool truncate);
    ~StreamFile();
    StreamFile(const StreamFile&) = delete;
    StreamFile& operator=(const StreamFile&) = delete;

    // Appends `json` and a newline; line breaks inside (white space between tokens) become spaces.
    void append_line(std::string_view json);
    // Writes the buffer out and fdatasyncs the file if anything changed since the last sync.
    void sync();
    // Writes out, syncs and closes the file.
    void close();
    // Closes the file without keeping anything appended since the last sync (after a failure): the
    // buffer is dropped and the file cut back to its synced length.
    void abandon();
    const std::string& path() const noexcept { return path_; }
    // Bytes of a torn last line removed when the file was opened (0: the file was whole).
    size_t torn_bytes_removed() const noexcept { return torn_; }

private:
    static constexpr size_t kBufferBytes = 1u << 20;

    void write_out();
    void cut_torn_tail();
    // The offset just past the last '\n' among the first `size` bytes (0 when there is none).
    off_t end_of_last_line(off_t size);

    std::string path_;
    int fd_ = -1;
    std::string buf_;
    bool dirty_ = false;
    size_t torn_ = 0;
    off_t size_ = 0;         // bytes in the file, written out
    off_t synced_size_ = 0;  // bytes in the file at the last sync
};

// Makes a stream or namespace name safe as one path component: '/' and NUL become '_', "" "." ".." get a '_' prefix.
std::string safe_component(std::string_view name);
// fsyncs the directory holding `path`, so a rename inside it is durable.
void sync_parent_dir(const std::string& path);
// Renames `from` over `to` durably; throws SystemError naming both.
void durable_rename(const std::string& from, const std::string& to);

}  // namespace jsonl
