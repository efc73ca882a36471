// Finding the user-info ("user:password" in scheme://user:password@host) of the URLs in a text.
#pragma once
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::logging {

// The [begin, end) byte ranges of the user-info of every URL in `text` (written "scheme://" or, JSON-escaped,
// "scheme:\/\/"), the '@' excluded, in order. A URL's authority ends at '/', '?', '#', white space, a quote,
// '\', '<', '>' or a control character; its user-info is what comes before the last '@' in it.
std::vector<std::pair<size_t, size_t>> url_userinfo_ranges(std::string_view text);

}  // namespace connhost::logging
