// Reading input files and replacing output files atomically, with errors that name the file.
#pragma once
#include <string>
#include <string_view>

namespace connhost::runtime {

// The whole content of `path`; throws std::runtime_error "cannot read <what> <path>: <reason>".
std::string read_file(const std::string& path, const std::string& what);

// Replaces `path` with `content` atomically: write a temp file beside it, fsync, rename, fsync the directory.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace connhost::runtime
