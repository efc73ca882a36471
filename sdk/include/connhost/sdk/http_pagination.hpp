// Paginators: how a source walks the pages of an HTTP collection —
// none | page_number | offset_limit | cursor (next token at a JSON pointer) | link_header (RFC 8288 rel="next").
//
// A paginator yields the first page's request, then, from each fetched page, the next page's request
// or "done". A request is either query parameters set on the stream's own URL (replacing same-named
// ones, see page_request_url) or a whole URL (a next link). Every paginator also honours optional stop
// signals in the response body (BodyStopSignals) and notes a configured signal missing from the first
// response as a warning. Each object walks one stream once; run thread only.
#pragma once
#include <connhost/sdk/http.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/url.hpp>

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connhost::sdk {

// What a paginator sees of a fetched page.
struct PageInfo {
    const HttpResponse& response;  // status, headers, body, answering URL
    size_t record_count;           // records found on the page
};

// The request for a page: `url` when non-empty (fetched as is), else the stream URL with `params` set.
struct PageRequest {
    QueryParams params;
    std::string url;
};

// The URL that fetches `req` for a stream at `stream_url` (which may carry the stream's own query):
// req.url when set, else stream_url with req.params replacing every same-named parameter it has.
inline std::string page_request_url(const std::string& stream_url, const PageRequest& req) {
    return req.url.empty() ? url_with_params(stream_url, req.params) : req.url;
}

// Body fields that end a walk, each a JSON pointer ("" = not used).
struct BodyStopSignals {
    std::string has_more_pointer;  // the walk ends when the value there is false or null, or missing
    std::string total_pointer;     // the total record count: the walk ends once that many records came
};

// The record count at `raw` (a non-negative JSON integer or a string of digits), or nullopt when `raw` is null;
// throws ConfigError naming `pointer` otherwise.
inline std::optional<uint64_t> record_count_text(std::string_view raw, std::string_view pointer) {
    if (raw == "null") return std::nullopt;
    std::string t = json_scalar_text(raw);
    if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos)
        throw ConfigError("total_pointer \"" + std::string(pointer) + "\" holds " + std::string(raw.substr(0, 40)) +
                          ", not a record count; point it at the total number of records");
    return std::stoull(t);
}

// Walks the pages of one stream: first(), then next() after every page until it returns nullopt.
class Paginator {
public:
    virtual ~Paginator() = default;
    // The first page's request; starts the walk.
    PageRequest first() {
        pages_ = 0;
        received_ = 0;
        total_.reset();
        return first_request();
    }
    // The next page's request after `page`, or nullopt when `page` was the last: a body stop signal ends
    // the walk first, else the paginator's own rule decides. Throws ConfigError when total_pointer holds no count.
    std::optional<PageRequest> next(const PageInfo& page) {
        ++pages_;
        received_ += page.record_count;
        if (body_says_stop(page.response.body)) return std::nullopt;
        return next_request(page);
    }
    // Makes next() honour `s` (pointers already validated, e.g. by make_paginator).
    void set_stop_signals(BodyStopSignals s) { signals_ = std::move(s); }
    // What the last next() noticed that may mean an under-read (e.g. a configured pointer missing from the
    // first response), one sentence each; the call clears them.
    std::vector<std::string> take_warnings() { return std::exchange(warnings_, {}); }

protected:
    // The first page's request of this paginator type.
    virtual PageRequest first_request() = 0;
    // The next page's request by this paginator type's own rule, or nullopt.
    virtual std::optional<PageRequest> next_request(const PageInfo& page) = 0;
    // Pages passed to next() so far, the current one included (1 while deciding after the first page).
    int pages() const noexcept { return pages_; }
    // Records a warning for take_warnings().
    void warn(std::string w) { warnings_.push_back(std::move(w)); }

private:
    bool body_says_stop(const std::string& body) {
        if (!signals_.has_more_pointer.empty()) {
            auto hm = json_find(body, signals_.has_more_pointer);
            if (!hm && pages_ == 1)
                warn("has_more_pointer \"" + signals_.has_more_pointer +
                     "\" matches nothing in the first response, so the walk ends there");
            if (!hm || *hm == "false" || *hm == "null") return true;
        }
        if (!signals_.total_pointer.empty()) {
            auto raw = json_find(body, signals_.total_pointer);
            if (raw) {
                if (auto t = record_count_text(*raw, signals_.total_pointer)) total_ = t;
            } else if (pages_ == 1) {
                warn("total_pointer \"" + signals_.total_pointer +
                     "\" matches nothing in the first response; the paginator's own rule decides when to stop");
            }
            if (total_ && received_ >= *total_) return true;
        }
        return false;
    }

    BodyStopSignals signals_;
    int pages_ = 0;
    uint64_t received_ = 0;
    std::optional<uint64_t> total_;
    std::vector<std::string> warnings_;
};

// Tells a page whose records repeat the previous page's byte for byte (compared by 64-bit FNV-1a digest):
// the API answers past its end with its last page again (json-server 1.x does) or ignores the page parameter.
class RepeatedPageCheck {
public:
    // True when `records` is non-empty and equal to the records last passed here.
    bool repeats(const std::vector<std::string_view>& records) {
        if (records.empty()) {
            last_.reset();
            return false;
        }
        uint64_t h = 1469598103934665603ull;
        auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
        for (std::string_view r : records) {
            for (char c : r) mix(static_cast<unsigned char>(c));
            mix(0xff);  // never in UTF-8 JSON text: separates records
        }
        bool same = last_ == h;
        last_ = h;
        return same;
    }

private:
    std::optional<uint64_t> last_;
};

// One page only.
class NoPagination final : public Paginator {
protected:
    PageRequest first_request() override { return {}; }
    std::optional<PageRequest> next_request(const PageInfo&) override { return std::nullopt; }
};

// ?page=N (from `start`), optionally ?per_page=S; stops at an empty page or one shorter than S.
class PageNumberPaginator final : public Paginator {
public:
    PageNumberPaginator(std::string page_param = "page", int64_t start = 1, std::string size_param = {},
                        int64_t page_size = 0)
        : page_param_(std::move(page_param)), size_param_(std::move(size_param)), page_(start), size_(page_size) {}

protected:
    PageRequest first_request() override { return request(); }
    std::optional<PageRequest> next_request(const PageInfo& p) override {
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
    OffsetLimitPaginator(std::string offset_param = "offset", std::string limit_param = "limit", int64_t limit = 100,
                         int64_t start = 0)
        : offset_param_(std::move(offset_param)), limit_param_(std::move(limit_param)), limit_(limit), offset_(start) {}

protected:
    PageRequest first_request() override { return request(); }
    std::optional<PageRequest> next_request(const PageInfo& p) override {
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
// Stops when the token is missing, null, false or "" (a token pointer missing from the first response is warned about).
class CursorPaginator final : public Paginator {
public:
    CursorPaginator(std::string token_pointer, std::string cursor_param = "cursor", std::string size_param = {},
                    int64_t page_size = 0)
        : pointer_(std::move(token_pointer)),
          param_(std::move(cursor_param)),
          size_param_(std::move(size_param)),
          size_(page_size) {}

protected:
    PageRequest first_request() override { return with_size({}); }
    std::optional<PageRequest> next_request(const PageInfo& p) override {
        auto raw = json_find(p.response.body, pointer_);
        if (!raw && pages() == 1)
            warn("token_pointer \"" + pointer_ +
                 "\" matches nothing in the first response, so only that page was read");
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
    std::string pointer_, param_, size_param_;
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

// Follows the Link header's rel="next" URL (RFC 8288); stops when there is none (a first response with
// no Link header at all is warned about: the API may not paginate that way).
class LinkHeaderPaginator final : public Paginator {
public:
    explicit LinkHeaderPaginator(std::string size_param = {}, int64_t page_size = 0)
        : size_param_(std::move(size_param)), size_(page_size) {}

protected:
    PageRequest first_request() override {
        PageRequest r;
        if (!size_param_.empty() && size_ > 0) r.params.emplace_back(size_param_, std::to_string(size_));
        return r;
    }
    std::optional<PageRequest> next_request(const PageInfo& p) override {
        std::optional<std::string> links;
        std::string next;
        for (const auto& [k, v] : p.response.headers) {
            if (k.size() != 4 || std::tolower(static_cast<unsigned char>(k[0])) != 'l' ||
                std::tolower(static_cast<unsigned char>(k[1])) != 'i' ||
                std::tolower(static_cast<unsigned char>(k[2])) != 'n' ||
                std::tolower(static_cast<unsigned char>(k[3])) != 'k')
                continue;
            links = v;
            next = link_header_target(v, "next", p.response.url);
            if (!next.empty()) break;
        }
        if (!links && pages() == 1)
            warn("the first response has no Link header, so link_header pagination read only that page");
        if (next.empty()) return std::nullopt;
        PageRequest r;
        r.url = std::move(next);
        return r;
    }

private:
    std::string size_param_;
    int64_t size_;
};

namespace detail {

// The paginator of type `type` (not "none") from config `c`, its keys checked.
inline std::unique_ptr<Paginator> make_typed_paginator(const ConfigView& c, const std::string& type) {
    const std::string ctx = "for paginator type " + type;
    if (type == "page_number") {
        c.reject_unknown_keys(
            {"type", "page_param", "start_page", "page_size_param", "page_size", "has_more_pointer", "total_pointer"},
            ctx);
        return std::make_unique<PageNumberPaginator>(c.string_or("page_param", "page"), c.integer_or("start_page", 1),
                                                     c.string_or("page_size_param", ""),
                                                     c.integer_or("page_size", 0, 0));
    }
    if (type == "offset_limit") {
        c.reject_unknown_keys(
            {"type", "offset_param", "limit_param", "limit", "start_offset", "has_more_pointer", "total_pointer"}, ctx);
        return std::make_unique<OffsetLimitPaginator>(
            c.string_or("offset_param", "offset"), c.string_or("limit_param", "limit"), c.integer_or("limit", 100, 1),
            c.integer_or("start_offset", 0, 0));
    }
    if (type == "cursor") {
        c.reject_unknown_keys({"type", "token_pointer", "cursor_param", "page_size_param", "page_size",
                               "has_more_pointer", "total_pointer"},
                              ctx);
        return std::make_unique<CursorPaginator>(c.string("token_pointer"), c.string_or("cursor_param", "cursor"),
                                                 c.string_or("page_size_param", ""), c.integer_or("page_size", 0, 0));
    }
    c.reject_unknown_keys({"type", "page_size_param", "page_size", "has_more_pointer", "total_pointer"}, ctx);
    return std::make_unique<LinkHeaderPaginator>(c.string_or("page_size_param", ""), c.integer_or("page_size", 0, 0));
}

// Config string `key` of `c` checked as an RFC 6901 JSON pointer ("" when absent).
inline std::string config_pointer(const ConfigView& c, std::string_view key, const std::string& where) {
    std::string ptr = c.string_or(key, "");
    try {
        json_pointer_tokens(ptr);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(where + "." + std::string(key) + ": " + e.what());
    }
    return ptr;
}

}  // namespace detail

// Builds the paginator described by config object `p` (absent or {} means none):
//   {"type": "none"}
//   {"type": "page_number", "page_param": "page", "start_page": 1, "page_size_param": "", "page_size": 0}
//   {"type": "offset_limit", "offset_param": "offset", "limit_param": "limit", "limit": 100, "start_offset": 0}
//   {"type": "cursor", "token_pointer": "/next", "cursor_param": "cursor", "page_size_param": "", "page_size": 0}
//   {"type": "link_header", "page_size_param": "", "page_size": 0}
// and, for every type but none, the body stop signals "has_more_pointer" and "total_pointer" (JSON pointers).
// Throws ConfigError naming the bad or unknown field; `where` prefixes field names.
inline std::unique_ptr<Paginator> make_paginator(const json::object& p, const std::string& where) {
    ConfigView c(p, where);
    std::string type = c.choice_or("type", {"none", "page_number", "offset_limit", "cursor", "link_header"}, "none");
    if (type == "none") {
        c.reject_unknown_keys({"type"}, "for paginator type none");
        return std::make_unique<NoPagination>();
    }
    BodyStopSignals signals{detail::config_pointer(c, "has_more_pointer", where),
                            detail::config_pointer(c, "total_pointer", where)};
    if (type == "cursor") detail::config_pointer(c, "token_pointer", where);
    std::unique_ptr<Paginator> pg = detail::make_typed_paginator(c, type);
    pg->set_stop_signals(std::move(signals));
    return pg;
}

}  // namespace connhost::sdk
