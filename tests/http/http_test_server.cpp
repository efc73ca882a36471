// http_test_server: a real HTTP server on 127.0.0.1 for the source_http tests (cpp-httplib).
//
// Serves one collection of items in every pagination style, behind a configurable auth mode, with
// injectable faults, and records every request it receives so tests can assert what was asked.
//
//   http_test_server [--lifetime SECONDS]    prints "PORT <n>" on stdout, then serves until the lifetime
//                                            ends, stdin closes, or POST /admin/shutdown.
// Admin (never faulted, never authenticated, not recorded):
//   POST /admin/reset?items=N&auth=MODE&user=U&secret=S&expires_in=SEC&token_max_uses=K
//        MODE: none | bearer | basic | api_key_header | api_key_query | oauth2 (secret = token/password/key/client
//        secret)
//   POST /admin/add?count=K                  K newer items
//   POST /admin/fault?kind=K&at=I&times=T&retry_after=S&http_date=1&delay_ms=D
//        K: 429 | 500 | slow | truncated | drop; applies to data requests number I..I+T-1 (1-based)
//   GET  /admin/requests                     JSON array of {method, path, query, raw_query, headers, body, t, fault}
//                                            (query: the first value of each name; raw_query: the query string as sent)
// Data (authenticated, faulted, recorded):
//   GET /page/items?page=&per_page=          {"data": [...], "page": p}
//   GET /offset/items?offset=&limit=         {"results": [...]}   (records pretty-printed over several lines)
//   GET /cursor/items?cursor=&limit=         {"items": [...], "meta": {"next_cursor": "..."|null}}
//   GET /link/items?page=&per_page=          [...] with Link: <...>; rel="next"
//   GET /single/items                        {"records": [...]}
//   GET /clamped/items?_page=&_per_page=     json-server 1.x: {"first", "prev", "next", "last", "pages", "items",
//   "data": [...]}
//                                            plus "meta": {"has_more": bool}; a page past the last answers the last
//                                            page
//   GET /health                              {"ok": true}
//   every data endpoint filters with updated_since (strictly newer) and sorts by updated_at.
//   POST /oauth/token                        client credentials grant (recorded, not faulted)
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::string esc(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            o.push_back('\\');
            o.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else
            o.push_back(static_cast<char>(c));
    }
    return o + "\"";
}

struct Fault {
    std::string kind;
    int at = 0, times = 0, retry_after = 0, delay_ms = 0;
    bool http_date = false;
};

struct Token {
    Clock::time_point expires;
    int uses = 0;
};

struct State {
    std::mutex mu;
    int items = 0;
    std::string auth = "none", user, secret;
    int expires_in = 3600, token_max_uses = 0, tokens_issued = 0;
    std::map<std::string, Token> tokens;
    std::vector<Fault> faults;
    int data_requests = 0;
    std::vector<std::string> log;  // JSON objects
    Clock::time_point t0 = Clock::now();
};
State g;
std::atomic<bool> g_stopping{false};  // set before svr.stop(): slow handlers give up their sleep

void stop_server(httplib::Server& svr) {
    g_stopping = true;
    svr.stop();
}

// Item `id` (1-based): updated_at one minute apart; fields vary so schema inference has work to do.
std::string item(int id, bool pretty) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2024-01-01T%02d:%02d:00Z", (id / 60) % 24, id % 60);
    const char* nl = pretty ? "\n    " : "";
    std::string o = "{";
    o += nl + std::string("\"id\": ") + std::to_string(id) + ",";
    o += nl + std::string("\"name\": ") + esc(id == 4 ? "say \"hi\"" : "item-" + std::to_string(id)) + ",";
    o += nl + std::string("\"updated_at\": \"") + ts + "\",";
    if (id % 3 == 0)
        o += nl + std::string("\"email\": null,");
    else if (id % 3 == 1)
        o += nl + std::string("\"email\": \"u") + std::to_string(id) + "@example.com\",";
    if (id == 2) {
        o += nl + std::string("\"amount\": 123456789012345678901234567890123456789012345678901234567890,");
        o += nl + std::string("\"price\": 0.1000000000000000055511151231257827021181583404541015625,");
        o += nl + std::string("\"tiny\": 1E-400,");
    }
    o += nl + std::string("\"tags\": [\"t") + std::to_string(id % 2) + "\"],";
    o += nl + std::string("\"score\": ") + (id % 2 ? "1.5" : std::to_string(id * 10));
    o += pretty ? "\n  }" : "}";
    return o;
}

std::string b64(const std::string& in) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string o;
    unsigned v = 0;
    int bits = 0;
    for (unsigned char c : in) {
        v = (v << 8) | c;
        bits += 8;
        while (bits >= 6) o.push_back(t[(v >> (bits -= 6)) & 63]);
    }
    if (bits) o.push_back(t[(v << (6 - bits)) & 63]);
    while (o.size() % 4) o.push_back('=');
    return o;
}

std::string unb64(const std::string& in) {
    std::string o;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char* p = c ? std::strchr(t, c) : nullptr;
        if (!p) break;
        v = (v << 6) | static_cast<unsigned>(p - t);
        bits += 6;
        if (bits >= 8) o.push_back(static_cast<char>((v >> (bits -= 8)) & 255));
    }
    return o;
}

std::string cut_ts(int id) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2024-01-01T%02d:%02d:00Z", (id / 60) % 24, id % 60);
    return ts;
}

// The ids of items newer than ?updated_since, ascending.
std::vector<int> visible(const httplib::Request& req) {
    std::vector<int> ids;
    std::string since = req.has_param("updated_since") ? req.get_param_value("updated_since") : "";
    std::lock_guard<std::mutex> lock(g.mu);
    for (int i = 1; i <= g.items; ++i)
        if (since.empty() || cut_ts(i) > since) ids.push_back(i);
    return ids;
}

std::string join(const std::vector<int>& ids, size_t from, size_t n, bool pretty = false) {
    std::string o = "[";
    for (size_t i = from; i < ids.size() && i < from + n; ++i)
        o += (i > from ? "," : "") + std::string(pretty ? "\n  " : "") + item(ids[i], pretty);
    return o + (pretty ? "\n]" : "]");
}

int param_int(const httplib::Request& req, const char* name, int dflt) {
    return req.has_param(name) ? std::atoi(req.get_param_value(name).c_str()) : dflt;
}

void record(const httplib::Request& req, const std::string& fault) {
    std::string q = "{", h = "{";
    for (const auto& [k, v] : req.params) q += (q.size() > 1 ? "," : "") + esc(k) + ":" + esc(v);
    for (const auto& [k, v] : req.headers) {
        std::string lk = k;
        for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lk == "remote_addr" || lk == "remote_port" || lk == "local_addr" || lk == "local_port") continue;
        h += (h.size() > 1 ? "," : "") + esc(lk) + ":" + esc(v);
    }
    double t = std::chrono::duration<double>(Clock::now() - g.t0).count();
    size_t qm = req.target.find('?');
    std::string raw_query = qm == std::string::npos ? "" : req.target.substr(qm + 1);
    std::string e = "{\"method\":" + esc(req.method) + ",\"path\":" + esc(req.path) + ",\"query\":" + q +
        "},\"raw_query\":" + esc(raw_query) + ",\"headers\":" + h + "},\"body\":" + esc(req.body) +
        ",\"t\":" + std::to_string(t) + ",\"fault\":" + esc(fault) + "}";
    g.log.push_back(std::move(e));
}

bool authorized(const httplib::Request& req) {
    std::string auth = req.get_header_value("Authorization");
    if (g.auth == "none") return true;
    if (g.auth == "bearer") return auth == "Bearer " + g.secret;
    if (g.auth == "basic") return auth == "Basic " + b64(g.user + ":" + g.secret);
    if (g.auth == "api_key_header") return req.get_header_value("X-API-Key") == g.secret;
    if (g.auth == "api_key_query") return req.has_param("api_key") && req.get_param_value("api_key") == g.secret;
    if (g.auth == "oauth2") {
        if (auth.rfind("Bearer ", 0) != 0) return false;
        auto it = g.tokens.find(auth.substr(7));
        if (it == g.tokens.end() || Clock::now() >= it->second.expires) return false;
        if (g.token_max_uses > 0 && it->second.uses >= g.token_max_uses) return false;
        ++it->second.uses;
        return true;
    }
    return false;
}

// Records the request, applies auth and faults; false when the response is already decided.
// `body_fault` receives truncated/drop for the handler to apply to its body.
bool admit(const httplib::Request& req, httplib::Response& res, std::string& body_fault) {
    int delay = 0;
    {
        std::lock_guard<std::mutex> lock(g.mu);
        int n = ++g.data_requests;
        const Fault* f = nullptr;
        for (const auto& x : g.faults)
            if (n >= x.at && n < x.at + x.times) f = &x;
        record(req, f ? f->kind : "");
        if (!authorized(req)) {
            res.status = 401;
            res.set_content("{\"error\":\"unauthorized\"}", "application/json");
            return false;
        }
        if (f && f->kind == "429") {
            res.status = 429;
            if (f->http_date) {
                std::time_t when = std::time(nullptr) + f->retry_after;
                char buf[64];
                std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&when));
                res.set_header("Retry-After", buf);
            } else {
                res.set_header("Retry-After", std::to_string(f->retry_after));
            }
            res.set_content("{\"error\":\"slow down\"}", "application/json");
            return false;
        }
        if (f && f->kind == "500") {
            res.status = 500;
            res.set_content("{\"error\":\"internal boom\"}", "application/json");
            return false;
        }
        if (f && f->kind == "slow") delay = f->delay_ms;
        if (f && (f->kind == "truncated" || f->kind == "drop")) body_fault = f->kind;
    }
    for (auto until = Clock::now() + std::chrono::milliseconds(delay); Clock::now() < until && !g_stopping;)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return true;
}

void reply(httplib::Response& res, const std::string& body, const std::string& fault) {
    if (fault == "truncated") {
        res.set_content(body.substr(0, body.size() / 2), "application/json");
    } else if (fault == "drop") {
        auto half = std::make_shared<std::string>(body.substr(0, body.size() / 2));
        res.set_content_provider(body.size(), "application/json",
                                 [half](size_t offset, size_t, httplib::DataSink& sink) {
                                     if (offset == 0) sink.write(half->data(), half->size());
                                     return false;  // connection dropped mid-body
                                 });
    } else {
        res.set_content(body, "application/json");
    }
}

std::string self_url(const httplib::Request& req) { return "http://" + req.get_header_value("Host"); }

std::string passthrough(const httplib::Request& req) {  // params a next link must carry
    std::string q;
    for (const char* p : {"updated_since"})
        if (req.has_param(p))
            q += std::string("&") + p + "=" + httplib::detail::encode_query_param(req.get_param_value(p));
    return q;
}

// GET /clamped/items: json-server 1.x paging (_page, _per_page default 10), which answers a page past the
// last one with the last page; "next" is null and "meta.has_more" false on the last page, "items" the total.
void clamped_items(const httplib::Request& req, httplib::Response& res) {
    std::string fault;
    if (!admit(req, res, fault)) return;
    auto ids = visible(req);
    int per = std::max(1, param_int(req, "_per_page", 10));
    int last = std::max(1, static_cast<int>((ids.size() + per - 1) / per));
    int page = std::min(std::max(1, param_int(req, "_page", 1)), last);
    auto num_or_null = [](bool has, int n) { return has ? std::to_string(n) : std::string("null"); };
    reply(res,
          "{\"first\": 1, \"prev\": " + num_or_null(page > 1, page - 1) +
              ", \"next\": " + num_or_null(page < last, page + 1) + ", \"last\": " + std::to_string(last) +
              ", \"pages\": " + std::to_string(last) + ", \"items\": " + std::to_string(ids.size()) +
              ", \"data\": " + join(ids, static_cast<size_t>((page - 1) * per), per) +
              ", \"meta\": {\"has_more\": " + (page < last ? "true" : "false") + "}}",
          fault);
}

// POST /admin/reset|add|fault|shutdown, GET /admin/requests: the test's controls and the request log.
void add_admin_endpoints(httplib::Server& svr) {
    svr.Post("/admin/reset", [](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(g.mu);
        g.items = param_int(req, "items", 12);
        g.auth = req.has_param("auth") ? req.get_param_value("auth") : "none";
        g.user = req.get_param_value("user");
        g.secret = req.get_param_value("secret");
        g.expires_in = param_int(req, "expires_in", 3600);
        g.token_max_uses = param_int(req, "token_max_uses", 0);
        g.tokens.clear();
        g.tokens_issued = 0;
        g.faults.clear();
        g.data_requests = 0;
        g.log.clear();
        g.t0 = Clock::now();
        res.set_content("{}", "application/json");
    });
    svr.Post("/admin/add", [](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(g.mu);
        g.items += param_int(req, "count", 1);
        res.set_content("{\"items\":" + std::to_string(g.items) + "}", "application/json");
    });
    svr.Post("/admin/fault", [](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(g.mu);
        Fault f;
        f.kind = req.get_param_value("kind");
        f.at = param_int(req, "at", 1);
        f.times = param_int(req, "times", 1);
        f.retry_after = param_int(req, "retry_after", 1);
        f.delay_ms = param_int(req, "delay_ms", 3000);
        f.http_date = req.has_param("http_date");
        g.faults.push_back(f);
        res.set_content("{}", "application/json");
    });
    svr.Get("/admin/requests", [](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(g.mu);
        std::string o = "[";
        for (size_t i = 0; i < g.log.size(); ++i) o += (i ? ",\n" : "") + g.log[i];
        res.set_content(o + "]", "application/json");
    });
    svr.Post("/admin/shutdown", [&svr](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
        std::thread([&svr] { stop_server(svr); }).detach();
    });
}

// POST /oauth/token: client credentials (Basic or form), tokens that expire after g.expires_in seconds.
void add_oauth_endpoint(httplib::Server& svr) {
    svr.Post("/oauth/token", [](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(g.mu);
        record(req, "");
        std::string id, secret;
        std::string auth = req.get_header_value("Authorization");
        if (auth.rfind("Basic ", 0) == 0) {
            std::string dec = unb64(auth.substr(6));
            id = dec.substr(0, dec.find(':'));
            secret = dec.find(':') == std::string::npos ? "" : dec.substr(dec.find(':') + 1);
        } else {
            id = req.get_param_value("client_id");
            secret = req.get_param_value("client_secret");
        }
        if (req.get_param_value("grant_type") != "client_credentials" || id != g.user || secret != g.secret) {
            res.status = 401;
            res.set_content("{\"error\":\"invalid_client\"}", "application/json");
            return;
        }
        std::string tok = "tok-" + std::to_string(++g.tokens_issued) + "-" + std::to_string(std::rand());
        g.tokens[tok] = Token{Clock::now() + std::chrono::seconds(g.expires_in), 0};
        res.set_content("{\"access_token\":" + esc(tok) +
                            ",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(g.expires_in) + "}",
                        "application/json");
    });
}

// GET /health and the paged item lists: page number, offset, opaque cursor, Link header, one page.
void add_paging_endpoints(httplib::Server& svr) {
    svr.Get("/health", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (admit(req, res, fault)) reply(res, "{\"ok\": true}", fault);
    });
    svr.Get("/page/items", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (!admit(req, res, fault)) return;
        auto ids = visible(req);
        int page = param_int(req, "page", 1), per = param_int(req, "per_page", 5);
        reply(res,
              "{\"data\": " + join(ids, static_cast<size_t>((page - 1) * per), per) +
                  ", \"page\": " + std::to_string(page) + "}",
              fault);
    });
    svr.Get("/offset/items", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (!admit(req, res, fault)) return;
        auto ids = visible(req);
        reply(res,
              "{\n\"results\": " + join(ids, param_int(req, "offset", 0), param_int(req, "limit", 5), true) + "\n}\n",
              fault);
    });
    svr.Get("/cursor/items", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (!admit(req, res, fault)) return;
        auto ids = visible(req);
        std::string c = req.get_param_value("cursor");
        size_t from = c.empty() ? 0 : std::stoul(unb64(c).substr(3));
        size_t n = param_int(req, "limit", 5);
        std::string next = from + n < ids.size() ? esc(b64("at:" + std::to_string(from + n))) : "null";
        reply(res, "{\"items\": " + join(ids, from, n) + ", \"meta\": {\"next_cursor\": " + next + "}}", fault);
    });
    svr.Get("/link/items", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (!admit(req, res, fault)) return;
        auto ids = visible(req);
        int page = param_int(req, "page", 1), per = param_int(req, "per_page", 5);
        std::string base = self_url(req) + "/link/items?per_page=" + std::to_string(per) + passthrough(req);
        std::string link = "<" + base + "&page=1>; rel=\"first\"";
        if (static_cast<size_t>(page * per) < ids.size())
            link += ", <" + base + "&page=" + std::to_string(page + 1) + ">; rel=\"next\"";
        res.set_header("Link", link);
        reply(res, join(ids, static_cast<size_t>((page - 1) * per), per), fault);
    });
    svr.Get("/single/items", [](const httplib::Request& req, httplib::Response& res) {
        std::string fault;
        if (!admit(req, res, fault)) return;
        auto ids = visible(req);
        reply(res, "{\"records\": " + join(ids, 0, ids.size()) + "}", fault);
    });
}

// Stops the server after `lifetime` seconds, or as soon as stdin closes (the test that started it went away).
void stop_when_abandoned(httplib::Server& svr, int lifetime) {
    std::thread([&svr, lifetime] {  // bounded lifetime
        std::this_thread::sleep_for(std::chrono::seconds(lifetime));
        std::fprintf(stderr, "http_test_server: lifetime of %d s over, stopping\n", lifetime);
        stop_server(svr);
    })
        .detach();
    std::thread([&svr] {  // the test that started us went away
        char buf[256];
        while (std::fread(buf, 1, sizeof buf, stdin) > 0) {}
        stop_server(svr);
    })
        .detach();
}

}  // namespace

void add_echo_endpoint(httplib::Server& svr);  // defined at the end of this file

int main(int argc, char** argv) {
    int lifetime = 300;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--lifetime") lifetime = std::atoi(argv[i + 1]);

    httplib::Server svr;
    svr.new_task_queue = [] { return new httplib::ThreadPool(16); };
    add_admin_endpoints(svr);
    add_oauth_endpoint(svr);
    add_paging_endpoints(svr);
    add_echo_endpoint(svr);
    svr.Get("/clamped/items", clamped_items);

    int port = svr.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
        std::fprintf(stderr, "http_test_server: cannot bind 127.0.0.1\n");
        return 1;
    }
    std::printf("PORT %d\n", port);
    std::fflush(stdout);
    stop_when_abandoned(svr, lifetime);
    svr.listen_after_bind();
    return 0;
}

// GET|POST /echo/items[?status=CODE]: echoes each request as a record {"id", "seen", "request_line", "query",
// "headers", "body"} ("seen": the request line and every header as one text, a cursor that puts them into states),
// answering
// {"records": [this request's echo, the previous request's echo], "access_token": ...}: the token makes the endpoint
// an OAuth2 token_url too, and the previous echo brings the token request into the records of the data request after
// it. With status=CODE the answer is that status and the body {"error": request line and headers, credentials first}.
// Recorded in /admin/requests; never authenticated or faulted.
void add_echo_endpoint(httplib::Server& svr) {
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
        static int requests = 0;
        static std::string previous;  // the echo of the request before this one
        std::lock_guard<std::mutex> lock(g.mu);
        record(req, "");
        const std::string line = req.method + " " + req.target + " " + req.version;
        std::string first, rest, headers = "{", query = "{";
        for (const auto& [k, v] : req.headers) {
            if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
            std::string lk = k;
            for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            bool credential = lk == "authorization" || lk == "x-api-key";
            (credential ? first : rest) += " | " + k + ": " + v;
            headers += (headers.size() > 1 ? "," : "") + esc(k) + ":" + esc(v);
        }
        for (const auto& [k, v] : req.params) query += (query.size() > 1 ? "," : "") + esc(k) + ":" + esc(v);
        const std::string seen = line + first + rest;
        const std::string echoed = "{\"id\": " + std::to_string(++requests) + ", \"seen\": " + esc(seen) +
            ", \"request_line\": " + esc(line) + ", \"query\": " + query + "}, \"headers\": " + headers +
            "}, \"body\": " + esc(req.body) + "}";
        const std::string records = "[" + echoed + (previous.empty() ? "" : ", " + previous) + "]";
        previous = echoed;
        if (req.has_param("status")) {
            res.status = std::atoi(req.get_param_value("status").c_str());
            res.set_content("{\"error\": " + esc(seen) + "}", "application/json");
            return;
        }
        const std::string token = "Echo/Tok+" + std::to_string(requests) + "==";
        res.set_content("{\"records\": " + records + ", \"access_token\": " + esc(token) +
                            ", \"token_type\": \"Bearer\", \"expires_in\": 3600}",
                        "application/json");
    };
    svr.Get("/echo/items", echo);
    svr.Post("/echo/items", echo);
}
