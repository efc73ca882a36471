#include "stream_file.hpp"

#include <connhost/sdk/status.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace jsonl {

using connhost::sdk::SystemError;

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw SystemError("cannot " + what + " " + path + ": " + std::strerror(errno) +
                      " (check free space and permissions)");
}
}  // namespace

StreamFile::StreamFile(std::string path, bool truncate) : path_(std::move(path)) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    if (ec) throw SystemError("cannot create the directory of " + path_ + ": " + ec.message());
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0644);
    if (fd_ < 0) fail("open", path_);
    if (!truncate) cut_torn_tail();
    size_ = synced_size_ = ::lseek(fd_, 0, SEEK_END);
    if (size_ < 0) fail("seek in", path_);
    buf_.reserve(kBufferBytes + 1);
    dirty_ = truncate;
}

StreamFile::~StreamFile() {
    if (fd_ >= 0) ::close(fd_);
}

void StreamFile::cut_torn_tail() {
    const off_t size = ::lseek(fd_, 0, SEEK_END);
    if (size < 0) fail("seek in", path_);
    // Every acknowledged line was whole and synced, so bytes after the last newline were never acknowledged.
    const off_t end = end_of_last_line(size);
    if (end == size) return;
    if (::ftruncate(fd_, end) != 0) fail("truncate the torn last line of", path_);
    if (::fdatasync(fd_) != 0) fail("fdatasync", path_);
    torn_ = static_cast<size_t>(size - end);
}

off_t StreamFile::end_of_last_line(off_t size) {
    char chunk[4096];
    for (off_t end = size; end > 0;) {
        const off_t start = end > static_cast<off_t>(sizeof chunk) ? end - static_cast<off_t>(sizeof chunk) : 0;
        const ssize_t n = ::pread(fd_, chunk, static_cast<size_t>(end - start), start);
        if (n < 0 && errno == EINTR) continue;
        if (n != end - start) fail("read", path_);
        for (ssize_t i = n; i > 0; --i)
            if (chunk[i - 1] == '\n') return start + i;
        end = start;
    }
    return 0;
}

void StreamFile::append_line(std::string_view json) {
    while (!json.empty()) {  // a slice at a time, so a record of any size costs at most the buffer
        if (buf_.size() >= kBufferBytes) write_out();
        const std::string_view part = json.substr(0, kBufferBytes - buf_.size());
        const size_t start = buf_.size();
        buf_.append(part);
        if (part.find_first_of("\r\n") != std::string_view::npos)
            for (size_t i = start; i < buf_.size(); ++i)
                if (buf_[i] == '\n' || buf_[i] == '\r') buf_[i] = ' ';
        json.remove_prefix(part.size());
    }
    buf_.push_back('\n');
    dirty_ = true;
    if (buf_.size() >= kBufferBytes) write_out();
}

void StreamFile::write_out() {
    size_t off = 0;
    while (off < buf_.size()) {
        ssize_t n = ::write(fd_, buf_.data() + off, buf_.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("write", path_);
        off += static_cast<size_t>(n);
    }
    size_ += static_cast<off_t>(buf_.size());
    buf_.clear();
}

void StreamFile::sync() {
    if (!dirty_ || fd_ < 0) return;
    write_out();
    if (::fdatasync(fd_) != 0) fail("fdatasync", path_);
    synced_size_ = size_;
    dirty_ = false;
}

void StreamFile::abandon() {
    if (fd_ < 0) return;
    buf_.clear();
    if (size_ != synced_size_ && ::ftruncate(fd_, synced_size_) != 0)
        fail("cut back the unacknowledged lines of", path_);
    ::close(fd_);
    fd_ = -1;
}

void StreamFile::close() {
    if (fd_ < 0) return;
    sync();
    ::close(fd_);
    fd_ = -1;
}

std::string safe_component(std::string_view name) {
    std::string s(name);
    for (char& c : s)
        if (c == '/' || c == '\0') c = '_';
    if (s.empty() || s == "." || s == "..") s = "_" + s;
    return s;
}

void sync_parent_dir(const std::string& path) {
    auto dir = std::filesystem::path(path).parent_path();
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void durable_rename(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("rename " + from + " to", to);
    sync_parent_dir(to);
}

}  // namespace jsonl
