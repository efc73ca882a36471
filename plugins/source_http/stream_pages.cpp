#include "stream_pages.hpp"

#include <connhost/sdk/json_slice.hpp>

#include <strings.h>

namespace source_http {

std::string page_url(const SourceConfig& cfg, const StreamConfig& stream, const sdk::QueryParams& extra, const sdk::PageRequest& req) {
    if (!req.url.empty()) return req.url;
    sdk::QueryParams all = stream.params;
    all.insert(all.end(), extra.begin(), extra.end());
    all.insert(all.end(), req.params.begin(), req.params.end());
    return sdk::url_with_params(sdk::url_join(cfg.base_url, stream.path), all);
}

StreamPages::StreamPages(sdk::HttpClient& client, const SourceConfig& cfg, const StreamConfig& stream, sdk::QueryParams extra)
    : client_(client), cfg_(cfg), stream_(stream), extra_(std::move(extra)),
      paginator_(sdk::make_paginator(stream.paginator, "config.streams." + stream.name + ".paginator")), pending_(paginator_->first()) {}

bool StreamPages::next(Page& page) {
    if (!pending_) return false;
    if (stream_.max_pages > 0 && pages_ >= stream_.max_pages) {
        client_.host().warn("stream " + stream_.name + ": stopped after max_pages=" + std::to_string(stream_.max_pages) + " pages");
        return false;
    }
    sdk::HttpRequest req;
    req.url = page_url(cfg_, stream_, extra_, *pending_);
    // A next link to another origin would receive our credentials: refuse it.
    if (sdk::url_origin(req.url) != sdk::url_origin(cfg_.base_url))
        throw sdk::SystemError("stream " + stream_.name + ": the API's next page " + client_.mask_url_text(req.url) +
                               " is on another origin than base_url (" + sdk::url_origin(cfg_.base_url) + "); not sending credentials there");
    if (!seen_urls_.insert(req.url).second)
        throw sdk::SystemError("stream " + stream_.name + ": the paginator asked for " + client_.mask_url_text(req.url) +
                               " a second time (the API repeats its next page); check the paginator config");
    req.headers = cfg_.headers;
    bool has_accept = false;
    for (const auto& h : req.headers) has_accept |= (h.first.size() == 6 && strncasecmp(h.first.c_str(), "accept", 6) == 0);
    if (!has_accept) req.headers.emplace_back("Accept", "application/json");
    page.response = client_.send(req, [](const sdk::HttpResponse& r) -> std::string {
        boost::system::error_code ec;
        json::parse(json::string_view(r.body.data(), r.body.size()), ec);
        if (ec) return "the body is not valid JSON (" + ec.message() + ", " + std::to_string(r.body.size()) + " bytes)";
        return {};
    });
    page.number = ++pages_;
    page.records.clear();
    page.records_found = true;
    const std::string& body = page.response.body;
    std::optional<std::string_view> at = sdk::json_find(body, stream_.records_pointer);
    if (!at || *at == "null") {
        page.records_found = false;
    } else if (at->front() == '[') {
        page.records = sdk::json_array_elements(*at);
        for (size_t i = 0; i < page.records.size(); ++i)
            if (page.records[i].front() != '{')
                throw sdk::ConfigError("stream " + stream_.name + ": element " + std::to_string(i) + " at records_pointer \"" + stream_.records_pointer +
                                       "\" of " + client_.mask_url_text(req.url) + " is not a JSON object; point records_pointer at an array of objects");
    } else if (at->front() == '{') {
        page.records.push_back(*at);
    } else {
        throw sdk::ConfigError("stream " + stream_.name + ": records_pointer \"" + stream_.records_pointer + "\" of " + client_.mask_url_text(req.url) +
                               " is neither an array nor an object; point it at the array of records");
    }
    pending_ = paginator_->next(sdk::PageInfo{page.response, page.records.size()});
    return true;
}

}  // namespace source_http
