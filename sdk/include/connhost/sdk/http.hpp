// HttpClient: HTTP requests for sources over libcurl, robust by default — timeouts, retries with
// exponential back-off and jitter on 429/408/5xx/timeouts/dropped connections, Retry-After honoured,
// a client-side rate limit, authentication hooks, and cancellation that aborts a transfer in flight.
//
// The SDK stays header-only: a connector that includes this header links libcurl itself
// (find_package(CURL) and connhost_add_plugin(... LIBRARIES CURL::libcurl)).
// Companions: http_auth.hpp (bearer, basic, api_key, oauth2 client credentials),
// http_pagination.hpp (page_number, offset_limit, cursor, link_header), json_slice.hpp (exact record text).
//
// Messages never carry secrets: URLs are masked (user-info, secret query parameters) and every
// registered secret string is replaced with "***" in errors and logs. Every secret is also handed to the
// host (Host::add_secret), which masks it in all its spellings wherever it may be echoed: records, states too.
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/rate_limiter.hpp>
#include <connhost/sdk/status.hpp>
#include <connhost/sdk/url.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace connhost::sdk {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;  // ordered name: value pairs

// One request. Headers are sent as given; `body` is sent when non-empty (or for POST).
struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HttpHeaders headers;
    std::string body;
};

// A received response; header names as the server sent them, looked up case-insensitively.
struct HttpResponse {
    long status = 0;
    HttpHeaders headers;
    std::string body;
    std::string url;  // the URL that answered

    // The last value of header `name` (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const {
        std::optional<std::string> found;
        for (const auto& [k, v] : headers)
            if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                }))
                found = v;
        return found;
    }
};

// When and how often a failed request is tried again.
struct RetryPolicy {
    int max_attempts = 5;            // total attempts including the first (>= 1)
    double initial_delay_s = 1.0;    // back-off before the 2nd attempt; doubles each time, with jitter in [d/2, d]
    double max_delay_s = 60.0;       // cap of the exponential back-off
    double max_retry_after_s = 600;  // a server's Retry-After is honoured up to this many seconds
};

// Client settings; the defaults suit a public REST API.
struct HttpOptions {
    double connect_timeout_s = 10;  // TCP/TLS connect timeout
    double timeout_s = 60;          // whole-transfer timeout of one attempt
    RetryPolicy retry;
    double requests_per_second = 0;  // client-side rate limit, 0: none
    std::string user_agent = "connhost-sdk-http/1";
    bool follow_redirects = false;  // off by default: a redirect to another host would receive the auth headers
    size_t max_body_bytes = size_t(512) << 20;  // a larger response fails the attempt
    std::vector<std::string> secrets;           // strings masked in every message (tokens, passwords, keys)
    std::vector<std::string> secret_params;     // query parameter names whose values are masked in URLs
};

// Adds credentials to requests; implementations live in http_auth.hpp. Run thread (per-client serialised).
class Authenticator {
public:
    virtual ~Authenticator() = default;
    // Adds the credentials to `req` (a header or a query parameter); may fetch a token first.
    virtual void apply(HttpRequest& req) = 0;
    // Called once after a 401: drop cached credentials; true when a retry with fresh ones makes sense.
    virtual bool refresh_after_unauthorized() { return false; }
    // Strings that must never appear in messages (the token, password, key, client secret).
    virtual std::vector<std::string> secrets() const { return {}; }
    // Query parameter names that carry a secret.
    virtual std::vector<std::string> secret_params() const { return {}; }
};

// Checks a 2xx response; returns "" to accept it, or why it is unusable (then it is retried like a 5xx).
using ResponseValidator = std::function<std::string(const HttpResponse&)>;

namespace detail {

inline void curl_global_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), or nullopt when unreadable.
inline std::optional<double> parse_retry_after(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    if (v.find_first_not_of("0123456789") == std::string_view::npos) return std::stod(std::string(v.substr(0, 9)));
    std::tm tm{};
    std::string s(v);
    // IMF-fixdate (RFC 9110): "Sun, 06 Nov 1994 08:49:37 GMT"
    if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return std::nullopt;
    time_t when = timegm(&tm);
    double delta = std::difftime(when, std::time(nullptr));
    return delta > 0 ? delta : 0.0;
}

// `body`'s first `n` bytes as one printable line.
inline std::string body_start(std::string_view body, size_t n = 200) {
    std::string out(body.substr(0, n));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    if (body.size() > n) out += "...";
    return out;
}

}  // namespace detail

// Sends requests with retries, back-off, rate limit and auth. Not thread-safe: one client per run thread.
class HttpClient {
public:
    HttpClient(Host host, HttpOptions options)
        : host_(host), opt_(std::move(options)), limiter_(opt_.requests_per_second, 1), rng_(std::random_device{}()) {
        detail::curl_global_once();
        curl_ = curl_easy_init();
        if (!curl_) throw SystemError("libcurl could not create a handle (out of memory?)");
        if (opt_.retry.max_attempts < 1) opt_.retry.max_attempts = 1;
        for (const std::string& secret : opt_.secrets) host_.add_secret(secret);
    }
    ~HttpClient() {
        if (curl_) curl_easy_cleanup(curl_);
    }
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    const HttpOptions& options() const noexcept { return opt_; }
    Host host() const noexcept { return host_; }

    // Registers a string to mask in every message from now on (e.g. a freshly fetched token), here and by the host.
    void add_secret(std::string s) {
        if (s.empty()) return;
        host_.add_secret(s);
        opt_.secrets.push_back(std::move(s));
    }
    // `text` with every secret masked.
    std::string mask(std::string text) const { return mask_secrets(std::move(text), all_secrets()); }
    // `url` with user-info, secret query parameters and secrets masked.
    std::string mask_url_text(std::string_view url) const { return mask_url(url, all_secret_params(), all_secrets()); }

    // Makes `auth` add the credentials of every send() (nullptr: none); its secrets are masked from now on.
    void set_authenticator(std::unique_ptr<Authenticator> auth) {
        auth_ = std::move(auth);
        shared_auth_secrets_ = 0;
        share_auth_secrets();
    }
    Authenticator* authenticator() const noexcept { return auth_.get(); }

    // Sends `req` with the credentials of the authenticator until it gets an acceptable 2xx response,
    // retrying transient failures per the policy (a 401 makes the authenticator refresh once). Throws
    // Cancelled when the host cancels (even mid-transfer), ConfigError on 4xx other than 408/429,
    // TransientError once the attempts are used up; every message names the method, the masked URL,
    // the status or transport error and the body's first bytes.
    HttpResponse send(const HttpRequest& req, const ResponseValidator& validate = {}) {
        return send_with(req, auth_.get(), validate);
    }
    // send() without credentials (e.g. the token request of an authenticator).
    HttpResponse send_unauthenticated(const HttpRequest& req, const ResponseValidator& validate = {}) {
        return send_with(req, nullptr, validate);
    }

    // Waits `seconds`, waking every 50 ms to throw Cancelled if the host cancels.
    void sleep_cancellable(double seconds) const {
        const auto until = std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
        while (std::chrono::steady_clock::now() < until) {
            host_.throw_if_cancelled();
            std::chrono::steady_clock::duration left = until - std::chrono::steady_clock::now();
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
        }
        host_.throw_if_cancelled();
    }

private:
    HttpResponse send_with(const HttpRequest& req, Authenticator* auth, const ResponseValidator& validate) {
        bool refreshed = false;
        const int max = opt_.retry.max_attempts;
        std::string last_reason;
        for (int attempt = 1;; ++attempt) {
            host_.throw_if_cancelled();
            HttpRequest r = req;
            if (auth) auth->apply(r);
            share_auth_secrets();  // a token apply() just fetched is masked before anything can echo it
            limiter_.acquire([this] { return host_.cancelled(); });
            Attempt a = perform(r);
            std::optional<double> retry_after;
            if (a.curl_code != CURLE_OK) {
                if (a.curl_code == CURLE_ABORTED_BY_CALLBACK && host_.cancelled()) throw Cancelled();
                last_reason = a.curl_error.empty() ? std::string(curl_easy_strerror(a.curl_code)) : a.curl_error;
                if (!transport_retryable(a.curl_code)) throw SystemError(describe(r, "failed: " + last_reason, {}));
            } else if (a.response.status >= 200 && a.response.status < 300) {
                std::string why = validate ? validate(a.response) : std::string();
                if (why.empty()) return std::move(a.response);
                last_reason = "HTTP " + std::to_string(a.response.status) + " but " + why;
            } else if (a.response.status == 401 && auth && !refreshed) {
                refreshed = true;
                if (auth->refresh_after_unauthorized()) {
                    host_.info(mask("HTTP 401 from " + mask_url_text(r.url) +
                                    ": refreshing the credentials and trying again"));
                    --attempt;  // a refresh is not a failed attempt
                    continue;
                }
                throw ConfigError(
                    describe(r, "was refused: HTTP 401 Unauthorized (check the credentials)", a.response.body));
            } else if (status_retryable(a.response.status)) {
                last_reason = "HTTP " + std::to_string(a.response.status);
                if (auto ra = a.response.header("Retry-After")) retry_after = detail::parse_retry_after(*ra);
            } else {
                std::string what = "was refused: HTTP " + std::to_string(a.response.status);
                if (a.response.status == 401 || a.response.status == 403) what += " (check the credentials)";
                throw ConfigError(describe(r, what, a.response.body));
            }
            const std::string& body = a.curl_code == CURLE_OK ? a.response.body : std::string();
            if (attempt >= max)
                throw TransientError(describe(
                    r, "failed after " + std::to_string(max) + (max == 1 ? " attempt: " : " attempts: ") + last_reason,
                    body));
            double delay = backoff(attempt);
            if (retry_after) delay = std::min(*retry_after, opt_.retry.max_retry_after_s);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.1f", delay);
            host_.warn(mask(r.method + " " + mask_url_text(r.url) + ": " + last_reason +
                            (retry_after ? " (Retry-After honoured)" : "") + "; retrying in " + buf + " s (attempt " +
                            std::to_string(attempt + 1) + " of " + std::to_string(max) + ")"));
            sleep_cancellable(delay);
        }
    }

    struct Attempt {
        CURLcode curl_code = CURLE_OK;
        std::string curl_error;
        HttpResponse response;
    };

    static bool status_retryable(long s) noexcept { return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501); }
    static bool transport_retryable(CURLcode c) noexcept {
        switch (c) {
            case CURLE_OPERATION_TIMEDOUT:
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_GOT_NOTHING:
            case CURLE_RECV_ERROR:
            case CURLE_SEND_ERROR:
            case CURLE_PARTIAL_FILE:
            case CURLE_HTTP2:
            case CURLE_HTTP2_STREAM:
            case CURLE_SSL_CONNECT_ERROR: return true;
            default: return false;
        }
    }

    std::vector<std::string> all_secrets() const {
        std::vector<std::string> s = opt_.secrets;
        if (auth_)
            for (auto& x : auth_->secrets()) s.push_back(std::move(x));
        return s;
    }
    // Hands the authenticator's secrets to the host when their number changed (a token was fetched).
    void share_auth_secrets() {
        if (!auth_) return;
        const std::vector<std::string> s = auth_->secrets();
        if (s.size() == shared_auth_secrets_) return;
        for (const std::string& secret : s) host_.add_secret(secret);
        shared_auth_secrets_ = s.size();
    }
    std::vector<std::string> all_secret_params() const {
        std::vector<std::string> p = opt_.secret_params;
        if (auth_)
            for (auto& x : auth_->secret_params()) p.push_back(std::move(x));
        return p;
    }

    // "GET <masked url> <what>; body starts: ..." with every secret masked.
    std::string describe(const HttpRequest& r, const std::string& what, std::string_view body) const {
        std::string m = r.method + " " + mask_url_text(r.url) + " " + what;
        if (!body.empty()) m += "; body starts: " + detail::body_start(body);
        return mask(std::move(m));
    }

    double backoff(int attempt) {
        double d = opt_.retry.initial_delay_s * std::pow(2.0, attempt - 1);
        d = std::min(d, opt_.retry.max_delay_s);
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        return d * jitter(rng_);
    }

    static size_t on_body(char* data, size_t size, size_t n, void* self) {
        auto* a = static_cast<std::pair<Attempt*, size_t>*>(self);
        if (a->first->response.body.size() + size * n > a->second) return 0;  // too large: fail the transfer
        a->first->response.body.append(data, size * n);
        return size * n;
    }
    static size_t on_header(char* data, size_t size, size_t n, void* self) {
        auto* resp = static_cast<HttpResponse*>(self);
        std::string_view line(data, size * n);
        if (line.rfind("HTTP/", 0) == 0) {
            resp->headers.clear();  // a new response (redirect, 100 Continue): keep only the last one's headers
            return size * n;
        }
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return size * n;
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
        resp->headers.emplace_back(std::string(line.substr(0, colon)), std::string(v));
        return size * n;
    }
    static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<const HttpClient*>(self)->host_.cancelled() ? 1 : 0;  // non-zero aborts the transfer
    }

    Attempt perform(const HttpRequest& r) {
        Attempt a;
        char errbuf[CURL_ERROR_SIZE] = {0};
        std::pair<Attempt*, size_t> sink{&a, opt_.max_body_bytes};
        curl_slist* headers = nullptr;
        for (const auto& [k, v] : r.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
        curl_easy_reset(curl_);  // keeps the connection cache
        curl_easy_setopt(curl_, CURLOPT_URL, r.url.c_str());
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt_.connect_timeout_s * 1000));
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(opt_.timeout_s * 1000));
        curl_easy_setopt(curl_, CURLOPT_USERAGENT, opt_.user_agent.c_str());
        curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");  // any encoding curl can decode
        curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, opt_.follow_redirects ? 1L : 0L);
        curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &HttpClient::on_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &HttpClient::on_header);
        curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &a.response);
        curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &HttpClient::on_progress);
        curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, this);
        if (r.method == "GET") {
            curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, r.method.c_str());
            if (!r.body.empty() || r.method == "POST") {
                curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, r.body.data());
                curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
            }
        }
        auto t0 = std::chrono::steady_clock::now();
        a.curl_code = curl_easy_perform(curl_);
        a.curl_error = errbuf;
        curl_slist_free_all(headers);
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &a.response.status);
        char* eff = nullptr;
        if (curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
            a.response.url = eff;
        else
            a.response.url = r.url;
        if (host_.raw()) {
            long ms = static_cast<long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
            host_.debug(mask(r.method + " " + mask_url_text(r.url) + " -> " +
                             (a.curl_code == CURLE_OK ? std::to_string(a.response.status)
                                                      : std::string(curl_easy_strerror(a.curl_code))) +
                             " (" + std::to_string(a.response.body.size()) + " bytes, " + std::to_string(ms) + " ms)"));
        }
        return a;
    }

    Host host_;
    HttpOptions opt_;
    RateLimiter limiter_;
    std::mt19937_64 rng_;
    CURL* curl_ = nullptr;
    std::unique_ptr<Authenticator> auth_;
    size_t shared_auth_secrets_ = 0;  // how many of auth_->secrets() the host has
};

}  // namespace connhost::sdk
