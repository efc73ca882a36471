// Paginators: how a source walks the pages of an HTTP collection —
// none | page_number | offset_limit | cursor (next token at a JSON pointer) | link_header (RFC 8288 rel="next").
//
// A paginator yields the first page's request, then, from each fetched page, the next page's request
// or "done". A request is either extra query parameters on the stream's own URL or a whole URL
// (a next link). Each object walks one stream once; run thread only.
#pragma once
#include <connhost/sdk/http.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/url.hpp>

#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// What a paginator sees of a fetched page.
struct PageInfo {
    const HttpResponse& response;  // status, headers, body, answering URL
    size_t record_count;           // records found on the page
};

// The request for a page: `url` when non-empty (fetched as is), else the stream URL plus `params`.
struct PageRequest {
    QueryParams params;
    std::string url;
};

// Walks the pages of one stream.
class Paginator {
public:
    virtual ~Paginator() = default;
    // The first page's request.
    virtual PageRequest first() = 0;
    // The next page's request after `page`, or nullopt when `page` was the last.
    virtual std::optional<PageRequest> next(const PageInfo& page) = 0;
};

// One page only.
class NoPagination final : public Paginator {
public:
    PageRequest first() override { return {}; }
    std::optional<PageRequest> next(const PageInfo&) override { return std::nullopt; }
};

// ?page=N (from `start`), optionally ?per_page=S; stops at an empty page or one shorter than S.
class PageNumberPaginator final : public Paginator {
public:
    PageNumberPaginator(std::string page_param = "page", int64_t start = 1, std::string size_param = {}, int64_t page_size = 0)
        : page_param_(std::move(page_param)), size_param_(std::move(size_param)), page_(start), size_(page_size) {}
    PageRequest first() override { return request(); }
    std::optional<PageRequest> next(const PageInfo& p) override {
        if (p.record_count == 0 || (size_ > 0 && p.record_count < static_cast<size_t>(size_))) return std::nullopt;
        ++page_;
        return request();
    }

private:
    PageRequest request() const {
        PageRequest r;
        r.params.emplace_back(page_param_, std::to_string(page_));
        if (!size_param_.empty() && size_ > 0) r.params.emplace_back(size_param_, std::to_string(size_));
        return r;
    }
    std::string page_param_, size_param_;
    int64_t page_, size_;
};

// ?offset=O&limit=L; the offset advances by the records received; stops at a page shorter than L.
class OffsetLimitPaginator final : public Paginator {
public:
    OffsetLimitPaginator(std::string offset_param = "offset", std::string limit_param = "limit", int64_t limit = 100, int64_t start = 0)
        : offset_param_(std::move(offset_param)), limit_param_(std::move(limit_param)), limit_(limit), offset_(start) {}
    PageRequest first() override { return request(); }
    std::optional<PageRequest> next(const PageInfo& p) override {
        if (p.record_count == 0 || p.record_count < static_cast<size_t>(limit_)) return std::nullopt;
        offset_ += static_cast<int64_t>(p.record_count);
        return request();
    }

private:
    PageRequest request() const {
        return {{{offset_param_, std::to_string(offset_)}, {limit_param_, std::to_string(limit_)}}, {}};
    }
    std::string offset_param_, limit_param_;
    int64_t limit_, offset_;
};

// The next token is read at JSON pointer `token_pointer` of the body and sent as ?<cursor_param>=token.
// A token that is an absolute URL ("http(s)://...") is fetched as the next page's URL instead.
// Stops when the token is missing, null, false or "", or when `has_more_pointer` (if set) is false.
class CursorPaginator final : public Paginator {
public:
    CursorPaginator(std::string token_pointer, std::string cursor_param = "cursor", std::string has_more_pointer = {},
                    std::string size_param = {}, int64_t page_size = 0)
        : pointer_(std::move(token_pointer)), param_(std::move(cursor_param)), has_more_(std::move(has_more_pointer)),
          size_param_(std::move(size_param)), size_(page_size) {}
    PageRequest first() override { return with_size({}); }
    std::optional<PageRequest> next(const PageInfo& p) override {
        const std::string& body = p.response.body;
        if (!has_more_.empty()) {
            auto hm = json_find(body, has_more_);
            if (!hm || *hm == "false" || *hm == "null") return std::nullopt;
        }
        auto raw = json_find(body, pointer_);
        if (!raw || *raw == "null" || *raw == "false" || *raw == "\"\"") return std::nullopt;
        std::string token = json_scalar_text(*raw);
        PageRequest r;
        if (token.rfind("http://", 0) == 0 || token.rfind("https://", 0) == 0) {
            r.url = url_resolve(p.response.url, token);
            return r;
        }
        r.params.emplace_back(param_, token);
        return with_size(std::move(r));
    }

private:
    PageRequest with_size(PageRequest r) const {
        if (!size_param_.empty() && size_ > 0) r.params.emplace_back(size_param_, std::to_string(size_));
        return r;
    }
    std::string pointer_, param_, has_more_, size_param_;
    int64_t size_;
};

// The URL of the Link header entry (RFC 8288) whose rel list contains `rel`, resolved against `base`; "" if none.
inline std::string link_header_target(std::string_view header, std::string_view rel, std::string_view base) {
    size_t i = 0;
    while (i < header.size()) {
        size_t lt = header.find('<', i);
        if (lt == std::string_view::npos) break;
        size_t gt = header.find('>', lt);
        if (gt == std::string_view::npos) break;
        std::string_view target = header.substr(lt + 1, gt - lt - 1);
        // the parameters run until a ',' outside quotes
        size_t j = gt + 1;
        bool quoted = false;
        while (j < header.size() && (quoted || header[j] != ',')) {
            if (header[j] == '"') quoted = !quoted;
            ++j;
        }
        std::string params(header.substr(gt + 1, j - gt - 1));
        for (char& c : params) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t at = 0;
        while ((at = params.find("rel", at)) != std::string::npos) {
            size_t k = at + 3;
            bool word_start = at == 0 || params[at - 1] == ';' || params[at - 1] == ' ' || params[at - 1] == '\t';
            while (k < params.size() && params[k] == ' ') ++k;
            if (!word_start || k >= params.size() || params[k] != '=') {
                at += 3;
                continue;
            }
            ++k;
            while (k < params.size() && params[k] == ' ') ++k;
            std::string value;
            if (k < params.size() && params[k] == '"') {
                size_t end = params.find('"', k + 1);
                value = params.substr(k + 1, end == std::string::npos ? std::string::npos : end - k - 1);
            } else {
                size_t end = params.find_first_of("; ", k);
                value = params.substr(k, end == std::string::npos ? std::string::npos : end - k);
            }
            // rel is a space-separated list of relation types
            size_t s = 0;
            while (s < value.size()) {
                size_t e = value.find(' ', s);
                if (e == std::string::npos) e = value.size();
                if (std::string_view(value).substr(s, e - s) == rel) return url_resolve(base, target);
                s = e + 1;
            }
            break;
        }
        i = j + 1;
    }
    return {};
}

// Follows the Link header's rel="next" URL (RFC 8288); stops when there is none.
class LinkHeaderPaginator final : public Paginator {
public:
    explicit LinkHeaderPaginator(std::string size_param = {}, int64_t page_size = 0) : size_param_(std::move(size_param)), size_(page_size) {}
    PageRequest first() override {
        PageRequest r;
        if (!size_param_.empty() && size_ > 0) r.params.emplace_back(size_param_, std::to_string(size_));
        return r;
    }
    std::optional<PageRequest> next(const PageInfo& p) override {
        std::string next;
        for (const auto& [k, v] : p.response.headers) {
            if (k.size() != 4 || std::tolower(static_cast<unsigned char>(k[0])) != 'l' || std::tolower(static_cast<unsigned char>(k[1])) != 'i' ||
                std::tolower(static_cast<unsigned char>(k[2])) != 'n' || std::tolower(static_cast<unsigned char>(k[3])) != 'k')
                continue;
            next = link_header_target(v, "next", p.response.url);
            if (!next.empty()) break;
        }
        if (next.empty()) return std::nullopt;
        PageRequest r;
        r.url = std::move(next);
        return r;
    }

private:
    std::string size_param_;
    int64_t size_;
};

// Builds the paginator described by config object `p` (absent or {} means none):
//   {"type": "none"}
//   {"type": "page_number", "page_param": "page", "start_page": 1, "page_size_param": "", "page_size": 0}
//   {"type": "offset_limit", "offset_param": "offset", "limit_param": "limit", "limit": 100}
//   {"type": "cursor", "token_pointer": "/next", "cursor_param": "cursor", "has_more_pointer": "", "page_size_param": "", "page_size": 0}
//   {"type": "link_header", "page_size_param": "", "page_size": 0}
// Throws ConfigError naming the bad field; `where` prefixes field names.
inline std::unique_ptr<Paginator> make_paginator(const json::object& p, const std::string& where) {
    ConfigView c(p, where);
    std::string type = c.choice_or("type", {"none", "page_number", "offset_limit", "cursor", "link_header"}, "none");
    if (type == "none") return std::make_unique<NoPagination>();
    if (type == "page_number")
        return std::make_unique<PageNumberPaginator>(c.string_or("page_param", "page"), c.integer_or("start_page", 1),
                                                     c.string_or("page_size_param", ""), c.integer_or("page_size", 0, 0));
    if (type == "offset_limit")
        return std::make_unique<OffsetLimitPaginator>(c.string_or("offset_param", "offset"), c.string_or("limit_param", "limit"),
                                                      c.integer_or("limit", 100, 1), c.integer_or("start_offset", 0, 0));
    if (type == "cursor") {
        std::string ptr = c.string("token_pointer");
        try {
            json_pointer_tokens(ptr);
            json_pointer_tokens(c.string_or("has_more_pointer", ""));
        } catch (const std::invalid_argument& e) {
            throw ConfigError(where + ": " + e.what());
        }
        return std::make_unique<CursorPaginator>(ptr, c.string_or("cursor_param", "cursor"), c.string_or("has_more_pointer", ""),
                                                 c.string_or("page_size_param", ""), c.integer_or("page_size", 0, 0));
    }
    return std::make_unique<LinkHeaderPaginator>(c.string_or("page_size_param", ""), c.integer_or("page_size", 0, 0));
}

}  // namespace connhost::sdk
