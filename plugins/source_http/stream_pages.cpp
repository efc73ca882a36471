#include "stream_pages.hpp"

#include <connhost/sdk/json_slice.hpp>

#include <strings.h>

namespace source_http {

std::string stream_url(const SourceConfig& cfg, const StreamConfig& stream, const sdk::QueryParams& extra) {
    return sdk::url_with_params(sdk::url_with_params(sdk::url_join(cfg.base_url, stream.path), stream.params), extra);
}

StreamPages::StreamPages(sdk::HttpClient& client, const SourceConfig& cfg, const StreamConfig& stream,
                         sdk::QueryParams extra)
    : client_(client),
      cfg_(cfg),
      stream_(stream),
      stream_url_(stream_url(cfg, stream, extra)),
      paginator_(sdk::make_paginator(stream.paginator, "config.streams." + stream.name + ".paginator")),
      pending_(paginator_->first()) {}

bool StreamPages::next(Page& page) {
    if (!pending_) return false;
    if (stream_.max_pages > 0 && pages_ >= stream_.max_pages) {
        client_.host().warn("stream " + stream_.name +
                            ": stopped after max_pages=" + std::to_string(stream_.max_pages) + " pages");
        return false;
    }
    const std::string url = sdk::page_request_url(stream_url_, *pending_);
    page.response = fetch(url);
    page.number = ++pages_;
    cut_records(page, url);
    if (page.number == 1 && !page.records_found)
        client_.host().warn("stream " + stream_.name + ": records_pointer \"" + stream_.records_pointer +
                            "\" matches nothing in the first response (" + client_.mask_url_text(url) +
                            "), so no records were read from it; the body starts: " +
                            client_.mask(sdk::detail::body_start(page.response.body)));
    if (repeats_.repeats(page.records))
        throw sdk::ConfigError(
            "stream " + stream_.name + ": page " + std::to_string(page.number) + " (" + client_.mask_url_text(url) +
            ") has the same " + std::to_string(page.records.size()) + " records as page " +
            std::to_string(page.number - 1) +
            "; none of them was emitted again. The API answers past its last page with that page again, or ignores the "
            "paginator's parameters: configure paginator.has_more_pointer or paginator.total_pointer (or page_size), "
            "or fix the paginator's parameter names");
    advance(page, url);
    return true;
}

sdk::HttpResponse StreamPages::fetch(const std::string& url) {
    // A next link to another origin would receive our credentials: refuse it.
    if (sdk::url_origin(url) != sdk::url_origin(cfg_.base_url))
        throw sdk::SystemError("stream " + stream_.name + ": the API's next page " + client_.mask_url_text(url) +
                               " is on another origin than base_url (" + sdk::url_origin(cfg_.base_url) +
                               "); not sending credentials there");
    if (!seen_urls_.insert(url).second)
        throw sdk::SystemError("stream " + stream_.name + ": the paginator asked for " + client_.mask_url_text(url) +
                               " a second time (the API repeats its next page); check the paginator config");
    sdk::HttpRequest req;
    req.url = url;
    req.headers = cfg_.headers;
    bool has_accept = false;
    for (const auto& h : req.headers)
        has_accept |= (h.first.size() == 6 && strncasecmp(h.first.c_str(), "accept", 6) == 0);
    if (!has_accept) req.headers.emplace_back("Accept", "application/json");
    return client_.send(req, [](const sdk::HttpResponse& r) -> std::string {
        boost::system::error_code ec;
        json::parse(json::string_view(r.body.data(), r.body.size()), ec);
        if (ec) return "the body is not valid JSON (" + ec.message() + ", " + std::to_string(r.body.size()) + " bytes)";
        return {};
    });
}

void StreamPages::cut_records(Page& page, const std::string& url) const {
    page.records.clear();
    page.records_found = true;
    std::optional<std::string_view> at = sdk::json_find(page.response.body, stream_.records_pointer);
    if (!at || *at == "null") {
        page.records_found = false;
    } else if (at->front() == '[') {
        page.records = sdk::json_array_elements(*at);
        for (size_t i = 0; i < page.records.size(); ++i)
            if (page.records[i].front() != '{')
                throw sdk::ConfigError("stream " + stream_.name + ": element " + std::to_string(i) +
                                       " at records_pointer \"" + stream_.records_pointer + "\" of " +
                                       client_.mask_url_text(url) +
                                       " is not a JSON object; point records_pointer at an array of objects");
    } else if (at->front() == '{') {
        page.records.push_back(*at);
    } else {
        throw sdk::ConfigError("stream " + stream_.name + ": records_pointer \"" + stream_.records_pointer + "\" of " +
                               client_.mask_url_text(url) +
                               " is neither an array nor an object; point it at the array of records");
    }
}

void StreamPages::advance(const Page& page, const std::string& url) {
    try {
        pending_ = paginator_->next(sdk::PageInfo{page.response, page.records.size()});
    } catch (const sdk::ConfigError& e) {
        throw sdk::ConfigError("stream " + stream_.name + ": " + e.what() + " (in the response of " +
                               client_.mask_url_text(url) + ")");
    }
    for (const std::string& w : paginator_->take_warnings())
        client_.host().warn("stream " + stream_.name + ": " + w + " (" + client_.mask_url_text(url) + ")");
}

}  // namespace source_http
