// PostgreSQL connections for connectors that link libpq: the Airbyte-style connection config
// (host, port, database, username, password, ssl_mode), a connect with retries whose errors say
// what failed, and an owned PGresult. Include only from a connector that links
// libpq (this header includes libpq-fe.h).
#pragma once
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/status.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace connhost::sdk {

// A PGresult owned for one scope.
class PgResult {
public:
    explicit PgResult(PGresult* r = nullptr) noexcept : r_(r) {}
    ~PgResult() {
        if (r_) PQclear(r_);
    }
    PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    PgResult& operator=(PgResult&& o) noexcept {
        std::swap(r_, o.r_);
        return *this;
    }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    PGresult* get() const noexcept { return r_; }
    // True for a completed command or query (not an error, not COPY).
    bool ok() const noexcept {
        const ExecStatusType st = PQresultStatus(r_);
        return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    }
    int rows() const noexcept { return PQntuples(r_); }
    bool is_null(int row, int col) const noexcept { return PQgetisnull(r_, row, col) != 0; }
    std::string text(int row, int col) const {
        return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
    }
    // The value's bytes, valid while this result lives.
    std::string_view view(int row, int col) const noexcept {
        return {PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col))};
    }

private:
    PGresult* r_;
};

// Runs `sql` with text parameters ($1, $2, ...) and returns its result, failed or not (see PgResult::ok). Run thread.
inline PgResult pg_exec_params(PGconn* conn, const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    return PgResult(
        PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

// Where and how to connect; parsed by parse_pg_connect().
struct PgConnectConfig {
    std::string host;
    int port = 5432;
    std::string database;
    std::string username;
    std::string password;
    std::string ssl_mode = "prefer";   // libpq sslmode
    int connect_timeout_seconds = 10;  // per attempt
    int connect_attempts = 5;          // tries per connect, >= 1
    int connect_backoff_ms = 500;      // first wait between tries; doubles up to 8 s
    int network_timeout_seconds = 60;  // unanswered packets fail the connection after this long; 0: the OS's TCP

    // "host:port", for messages.
    std::string endpoint() const { return host + ":" + std::to_string(port); }
};

// Reads the connection fields of `config`; throws ConfigError naming the field. ssl_mode is a libpq
// sslmode string or Airbyte's {"mode": "..."} object.
inline PgConnectConfig parse_pg_connect(const json::object& config) {
    ConfigView c(config);
    PgConnectConfig p;
    p.host = c.string("host");
    p.port = static_cast<int>(c.integer_or("port", 5432, 1, 65535));
    p.database = c.string("database");
    p.username = c.string("username");
    p.password = c.string_or("password", "");
    static const std::initializer_list<std::string_view> modes = {"disable", "allow",     "prefer",
                                                                  "require", "verify-ca", "verify-full"};
    if (auto it = config.find("ssl_mode"); it != config.end() && it->value().is_object()) {
        ConfigView ssl(it->value().as_object(), "config.ssl_mode");
        p.ssl_mode = ssl.choice_or("mode", modes, "prefer");
    } else {
        p.ssl_mode = c.choice_or("ssl_mode", modes, "prefer");
    }
    p.connect_timeout_seconds = static_cast<int>(c.integer_or("connect_timeout_seconds", 10, 1, 3600));
    p.connect_attempts = static_cast<int>(c.integer_or("connect_attempts", 5, 1, 100));
    p.connect_backoff_ms = static_cast<int>(c.integer_or("connect_backoff_ms", 500, 0, 600000));
    p.network_timeout_seconds = static_cast<int>(c.integer_or("network_timeout_seconds", 60, 0, 86400));
    return p;
}

// The spec properties of the connection fields.
inline json::object pg_connect_spec_properties() {
    return parse_object(R"SPEC({
      "host": {"type": "string", "title": "Host", "order": 0, "description": "server host name or IP address",
               "connhost_target": true},
      "port": {"type": "integer", "title": "Port", "order": 1, "default": 5432, "minimum": 1, "maximum": 65535,
               "connhost_target": true},
      "database": {"type": "string", "title": "Database", "order": 2, "connhost_target": true},
      "username": {"type": "string", "title": "User", "order": 4},
      "password": {"type": "string", "title": "Password", "order": 5, "airbyte_secret": true},
      "ssl_mode": {"title": "SSL mode", "order": 6, "default": "prefer",
                   "description": "libpq sslmode; a string or Airbyte's {\"mode\": ...} object",
                   "oneOf": [{"type": "string", "enum": ["disable", "allow", "prefer", "require", "verify-ca",
                     "verify-full"]},
                             {"type": "object", "properties": {"mode": {"type": "string"}}}]},
      "connect_timeout_seconds": {"type": "integer", "default": 10, "minimum": 1,
                                  "description": "per connection attempt"},
      "connect_attempts": {"type": "integer", "default": 5, "minimum": 1,
                           "description": "tries to (re)connect when the server refuses or drops the connection"},
      "connect_backoff_ms": {"type": "integer", "default": 500, "minimum": 0,
                             "description": "first wait between connection tries; doubles each time, at most 8 s"},
      "network_timeout_seconds": {"type": "integer", "default": 60, "minimum": 0, "maximum": 86400,
                                  "description": "a connection whose packets go unanswered this long (a network cut, a vanished host) fails instead of hanging; 0 leaves it to the operating system's TCP settings (hours)"}
    })SPEC",
                        "spec");
}

// Adds the connection fields to spec.connectionSpecification.properties (which must be an object).
inline void add_pg_connect_spec(json::object& spec) {
    auto& props = spec["connectionSpecification"].as_object()["properties"].as_object();
    for (auto& kv : pg_connect_spec_properties()) props[kv.key()] = kv.value();
}

namespace detail {
// libpq's connection keywords and values for `cfg`, as owned strings (the key and value arrays point into them).
struct PgConnectParams {
    std::vector<std::pair<const char*, std::string>> kv;
    std::vector<const char*> keys, values;

    PgConnectParams(const PgConnectConfig& cfg, const char* application_name) {
        kv = {{"host", cfg.host},
              {"port", std::to_string(cfg.port)},
              {"dbname", cfg.database},
              {"user", cfg.username},
              {"password", cfg.password},
              {"sslmode", cfg.ssl_mode},
              {"connect_timeout", std::to_string(cfg.connect_timeout_seconds)},
              {"application_name", application_name ? application_name : ""},
              {"client_encoding", "UTF8"},
              {"options", "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3"}};
        if (const int t = cfg.network_timeout_seconds; t > 0 && PQlibVersion() >= 120000) {  // tcp_user_timeout: 12
            // Sent data unacknowledged for t fails the socket (tcp_user_timeout); a silent one is probed after t/3
            // and dropped after three probes t/6 apart, so a read waiting on a cut network fails within t as well.
            kv.insert(kv.end(),
                      {{"keepalives", "1"},
                       {"keepalives_idle", std::to_string(std::max(1, t / 3))},
                       {"keepalives_interval", std::to_string(std::max(1, t / 6))},
                       {"keepalives_count", "3"},
                       {"tcp_user_timeout", std::to_string(t * 1000)}});
        }
        for (const auto& [k, v] : kv) {
            keys.push_back(k);
            values.push_back(v.c_str());
        }
        keys.push_back(nullptr);
        values.push_back(nullptr);
    }
    PgConnectParams(const PgConnectParams&) = delete;  // keys and values point into kv
    PgConnectParams& operator=(const PgConnectParams&) = delete;
};

inline std::string pg_trimmed(const char* s) {
    std::string out = s ? s : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}
}  // namespace detail

// Opens a connection (client_encoding UTF8, TimeZone UTC, DateStyle ISO, IntervalStyle iso_8601,
// extra_float_digits 3; TCP keepalives and tcp_user_timeout from network_timeout_seconds), retrying
// an unreachable or starting server with back-off. Returns an open connection the caller
// PQfinish()es; throws ConfigError when the server rejects the login or the database, SystemError
// when it stays unreachable. Run thread.
inline PGconn* pg_connect(const PgConnectConfig& cfg, Host host, const char* application_name) {
    const detail::PgConnectParams params(cfg, application_name);
    const char* const* keys = params.keys.data();
    const char* const* values = params.values.data();
    int wait_ms = cfg.connect_backoff_ms;
    std::string last;
    PGconn* conn = nullptr;
    for (int attempt = 1; attempt <= cfg.connect_attempts; ++attempt) {
        if (conn) PQfinish(conn);
        conn = PQconnectdbParams(keys, values, 0);
        if (conn && PQstatus(conn) == CONNECTION_OK) {
            PQsetNoticeProcessor(
                conn, [](void*, const char*) {}, nullptr);  // "already exists, skipping" and the like
            return conn;
        }
        last = detail::pg_trimmed(conn ? PQerrorMessage(conn) : "out of memory");
        // Only an unreachable or not-yet-ready server is worth another try; a rejected login is not.
        const PGPing ping = PQpingParams(keys, values, 0);
        if (ping == PQPING_OK || ping == PQPING_NO_ATTEMPT) {
            if (conn) PQfinish(conn);
            throw ConfigError("connecting to PostgreSQL at " + cfg.endpoint() + " (database \"" + cfg.database +
                              "\", user \"" + cfg.username + "\") failed: " + last +
                              ": check config.username, config.password, config.database and config.ssl_mode");
        }
        if (attempt < cfg.connect_attempts) {
            host.warn("PostgreSQL at " + cfg.endpoint() + " is not reachable (attempt " + std::to_string(attempt) +
                      " of " + std::to_string(cfg.connect_attempts) + "): " + last + "; retrying in " +
                      std::to_string(wait_ms) + " ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
            wait_ms = std::min(wait_ms * 2, 8000);
        }
    }
    if (conn) PQfinish(conn);
    throw SystemError("cannot connect to PostgreSQL at " + cfg.endpoint() + " after " +
                      std::to_string(cfg.connect_attempts) + " attempt(s): " + last +
                      ": check that the server is running and accepts TCP connections there " +
                      "(config.host, config.port), then re-run; a sync resumes from its last saved state");
}

}  // namespace connhost::sdk
