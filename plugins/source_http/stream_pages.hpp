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
    int number = 0;  // 1-based
    sdk::HttpResponse response;
    std::vector<std::string_view> records;  // each a JSON object's exact text
    bool records_found = true;              // false when records_pointer was absent (or null) in the body
};

// Fetches the pages of `stream` in order; `extra` params (e.g. the cursor param) go with every request
// to the stream's own URL. Warns (naming the stream) when the first page looks like an under-read: no
// records at records_pointer, or a paginator signal missing. Throws sdk::Error with the URL masked,
// ConfigError when a page repeats the previous page's records. Run thread.
class StreamPages {
public:
    StreamPages(sdk::HttpClient& client, const SourceConfig& cfg, const StreamConfig& stream,
                sdk::QueryParams extra = {});

    // Fetches the next page into `page`; false when the previous page was the last.
    bool next(Page& page);

private:
    // GETs `url` (same origin as base_url, never twice) until the body is valid JSON.
    sdk::HttpResponse fetch(const std::string& url);
    // Sets page.records (and records_found) from the body at records_pointer; throws ConfigError for non-objects.
    void cut_records(Page& page, const std::string& url) const;
    // Asks the paginator for the request after `page` and logs its warnings.
    void advance(const Page& page, const std::string& url);

    sdk::HttpClient& client_;
    const SourceConfig& cfg_;
    const StreamConfig& stream_;
    const std::string stream_url_;  // base_url + path with the stream params, then `extra`, set
    std::unique_ptr<sdk::Paginator> paginator_;
    std::optional<sdk::PageRequest> pending_;
    std::set<std::string> seen_urls_;
    sdk::RepeatedPageCheck repeats_;
    int pages_ = 0;
};

// The URL of the stream's requests before paging: base_url + path, with the stream params and then `extra`
// set in its query (each replacing same-named parameters before it).
std::string stream_url(const SourceConfig& cfg, const StreamConfig& stream, const sdk::QueryParams& extra);

}  // namespace source_http
