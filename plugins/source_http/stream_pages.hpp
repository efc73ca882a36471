// StreamPages: walks the pages of one stream (paginator + HTTP client) and cuts each page's records out as exact text.
#pragma once
#include "source_config.hpp"

#include <connhost/sdk/http.hpp>
#include <connhost/sdk/http_pagination.hpp>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace source_http {

// One fetched page: the response and views of its records' JSON text (into response.body).
struct Page {
    int number = 0;                        // 1-based
    sdk::HttpResponse response;
    std::vector<std::string_view> records; // each a JSON object's exact text
    bool records_found = true;             // false when records_pointer was absent (or null) in the body
};

// Fetches the pages of `stream` in order; `extra` params (e.g. the cursor param) go with every request
// to the stream's own URL. Throws sdk::Error with the URL masked. Run thread.
class StreamPages {
public:
    StreamPages(sdk::HttpClient& client, const SourceConfig& cfg, const StreamConfig& stream, sdk::QueryParams extra = {});

    // Fetches the next page into `page`; false when the previous page was the last.
    bool next(Page& page);

private:
    sdk::HttpClient& client_;
    const SourceConfig& cfg_;
    const StreamConfig& stream_;
    sdk::QueryParams extra_;
    std::unique_ptr<sdk::Paginator> paginator_;
    std::optional<sdk::PageRequest> pending_;
    std::set<std::string> seen_urls_;
    int pages_ = 0;
};

// The URL of a page request of `stream`: base_url + path + stream params + `extra` + paginator params, or the paginator's URL.
std::string page_url(const SourceConfig& cfg, const StreamConfig& stream, const sdk::QueryParams& extra, const sdk::PageRequest& req);

}  // namespace source_http
