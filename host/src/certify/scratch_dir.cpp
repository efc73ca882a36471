#include "certify/certify_context.hpp"

#include "runtime/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace connhost::certify {

ScratchDir::ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "connhost-test-plugin-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("cannot create a scratch folder " + tmpl + ": " + std::strerror(errno) +
                                 " (set TMPDIR to a writable folder)");
    path_ = tmpl;
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path ScratchDir::write(const std::string& name, std::string_view content) const {
    auto p = path_ / name;
    runtime::write_file_atomically(p.string(), content);
    return p;
}

}  // namespace connhost::certify
