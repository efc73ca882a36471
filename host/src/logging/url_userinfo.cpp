#include "logging/url_userinfo.hpp"

namespace connhost::logging {

namespace {

bool ends_authority(unsigned char c) noexcept {
    return c <= ' ' || c == 0x7F || c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '\\' ||
        c == '<' || c == '>';
}

}  // namespace

std::vector<std::pair<size_t, size_t>> url_userinfo_ranges(std::string_view text) {
    std::vector<std::pair<size_t, size_t>> ranges;
    for (size_t colon = text.find(':'); colon != std::string_view::npos; colon = text.find(':', colon + 1)) {
        const std::string_view rest = text.substr(colon + 1);
        const size_t sep = rest.starts_with("//") ? 2 : rest.starts_with("\\/\\/") ? 4 : 0;
        if (sep == 0) continue;
        const size_t begin = colon + 1 + sep;
        size_t end = begin, at = std::string_view::npos;
        for (; end < text.size() && !ends_authority(static_cast<unsigned char>(text[end])); ++end)
            if (text[end] == '@') at = end;
        if (at != std::string_view::npos && at > begin) ranges.emplace_back(begin, at);
        colon = end - 1;  // the authority holds no URL of its own
    }
    return ranges;
}

}  // namespace connhost::logging
