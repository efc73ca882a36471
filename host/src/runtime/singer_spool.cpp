#include "runtime/singer_spool.hpp"

#include "protocol/message.hpp"
#include "protocol/singer_catalog.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace connhost::runtime {

namespace {

constexpr size_t kSpoolBuffer = 1u << 20;

// The next line of `lines`; false at the end of input, or at a line over the limit (kept in `too_long`).
bool next_line(protocol::LineReader& lines, std::string_view& line, std::optional<protocol::LineTooLong>& too_long) {
    try {
        return lines.next(line);
    } catch (const protocol::LineTooLong& e) {
        too_long = e;
        return false;
    }
}

void write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0)
            throw std::runtime_error(std::string("cannot spool the input to a temp file: ") + std::strerror(errno) +
                                     " (set TMPDIR to a disk with room)");
        p += w;
        n -= static_cast<size_t>(w);
    }
}

}  // namespace

SpooledInput spool_singer_input(protocol::LineReader& lines) {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/connhost-spool-XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        throw std::runtime_error("cannot create a spool file in " + tmpl + ": " + std::strerror(errno) +
                                 " (set TMPDIR)");
    ::unlink(tmpl.c_str());
    protocol::SingerCatalogBuilder builder;
    protocol::ParsedMessage msg;
    bool building = true, seen_schema = false;
    std::string buf;
    std::optional<protocol::LineTooLong> too_long;
    std::string_view line;
    while (next_line(lines, line, too_long)) {
        if (buf.size() + line.size() >= kSpoolBuffer) {  // a long line goes out as it is, not through the buffer
            write_all(fd, buf.data(), buf.size());
            buf.clear();
            if (line.size() >= kSpoolBuffer) write_all(fd, line.data(), line.size());
        }
        if (line.size() < kSpoolBuffer) buf.append(line);
        buf.push_back('\n');
        if (!building || line.find("SCHEMA") == std::string_view::npos)
            continue;  // only SCHEMA lines shape the catalog
        try {
            protocol::parse_message(line, msg);
            if (msg.type != protocol::MessageType::SingerSchema) continue;
            seen_schema = true;
            builder.schema(msg);
        } catch (const std::exception&) {
            building = false;  // the replay stops at this line and says why
        }
    }
    write_all(fd, buf.data(), buf.size());
    if (::lseek(fd, 0, SEEK_SET) != 0)
        throw std::runtime_error(std::string("cannot rewind the spool file: ") + std::strerror(errno));
    return {fd, builder.configured_catalog(), seen_schema, std::move(too_long)};
}

}  // namespace connhost::runtime
