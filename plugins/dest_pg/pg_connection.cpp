#include "pg_connection.hpp"

#include <connhost/sdk/status.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

namespace pgdest {

using connhost::sdk::ConfigError;
using connhost::sdk::SystemError;

namespace {
std::string trimmed(const char* s) {
    std::string out = s ? s : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}
}  // namespace

PgConnection::PgConnection(const PgConfig& config, connhost::sdk::Host host) : config_(config), host_(host) { connect(); }

PgConnection::~PgConnection() {
    if (conn_) PQfinish(conn_);
}

void PgConnection::connect() {
    const std::string port = std::to_string(config_.port);
    const std::string timeout = std::to_string(config_.connect_timeout_seconds);
    const char* keys[] = {"host", "port", "dbname", "user", "password", "sslmode", "connect_timeout",
                          "application_name", "client_encoding", "options", nullptr};
    const char* values[] = {config_.host.c_str(), port.c_str(), config_.database.c_str(), config_.username.c_str(),
                            config_.password.c_str(), config_.ssl_mode.c_str(), timeout.c_str(), "connhost dest_pg", "UTF8",
                            "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601", nullptr};
    int wait_ms = config_.connect_backoff_ms;
    std::string last;
    for (int attempt = 1; attempt <= config_.connect_attempts; ++attempt) {
        if (conn_) PQfinish(conn_);
        conn_ = PQconnectdbParams(keys, values, 0);
        if (conn_ && PQstatus(conn_) == CONNECTION_OK) {
            PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping" and the like
            in_copy_ = false;
            return;
        }
        last = trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory");
        // Only an unreachable or not-yet-ready server is worth another try; a rejected login is not.
        const PGPing ping = PQpingParams(keys, values, 0);
        if (ping == PQPING_OK || ping == PQPING_NO_ATTEMPT)
            throw ConfigError("connecting to PostgreSQL at " + config_.endpoint() + " (database \"" + config_.database + "\", user \"" +
                              config_.username + "\") failed: " + last +
                              ": check config.username, config.password, config.database and config.ssl_mode");
        if (attempt < config_.connect_attempts) {
            host_.warn("PostgreSQL at " + config_.endpoint() + " is not reachable (attempt " + std::to_string(attempt) + " of " +
                       std::to_string(config_.connect_attempts) + "): " + last + "; retrying in " + std::to_string(wait_ms) + " ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
            wait_ms = std::min(wait_ms * 2, 8000);
        }
    }
    throw SystemError("cannot connect to PostgreSQL at " + config_.endpoint() + " after " + std::to_string(config_.connect_attempts) +
                      " attempt(s): " + last + ": check that the server is running and accepts TCP connections there " +
                      "(config.host, config.port), then re-run the sync; it resumes from the last acknowledged state");
}

void PgConnection::reconnect() {
    host_.warn("the connection to PostgreSQL at " + config_.endpoint() + " was lost; reconnecting");
    connect();
}

void PgConnection::fail(std::string_view what, const char* detail) const {
    std::string msg = std::string(what) + " failed on PostgreSQL at " + config_.endpoint() + ": " + trimmed(detail);
    if (broken())
        throw SystemError(msg + " (the connection was lost: the server stopped or the network dropped; the records since the last "
                                "acknowledged state were not committed: re-run the sync once the server is back, it resumes from that state)");
    throw SystemError(msg);
}

void PgConnection::exec(const std::string& sql, std::string_view what) {
    PgResult r(PQexec(conn_, sql.c_str()));
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(what, PQerrorMessage(conn_));
}

PgResult PgConnection::query(const std::string& sql, const std::vector<std::string>& params, std::string_view what) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PgResult r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(what, PQerrorMessage(conn_));
    return r;
}

void PgConnection::commit() {
    PgResult r(PQexec(conn_, "COMMIT"));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail("COMMIT", PQerrorMessage(conn_));
    if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
        throw SystemError("COMMIT on PostgreSQL at " + config_.endpoint() + " rolled the transaction back (an earlier statement failed): nothing was acknowledged");
}

void PgConnection::copy_begin(const std::string& sql) {
    PgResult r(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) fail("starting COPY", PQerrorMessage(conn_));
    in_copy_ = true;
}

void PgConnection::copy_send(std::string_view data) {
    if (data.empty()) return;
    if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
        in_copy_ = false;
        fail("sending COPY data", PQerrorMessage(conn_));
    }
}

void PgConnection::copy_end() {
    in_copy_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) fail("ending COPY", PQerrorMessage(conn_));
    std::string error;
    while (PGresult* raw = PQgetResult(conn_)) {
        PgResult r(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK && error.empty()) error = PQresultErrorMessage(raw);
    }
    if (!error.empty() || broken()) fail("COPY", error.empty() ? PQerrorMessage(conn_) : error.c_str());
}

}  // namespace pgdest
