#include "pg_connection.hpp"

#include <connhost/sdk/pg_error.hpp>
#include <connhost/sdk/status.hpp>

#include <cstring>

namespace pgdest {

using connhost::sdk::ConfigError;
using connhost::sdk::SystemError;

using connhost::sdk::detail::pg_trimmed;

PgConnection::PgConnection(const PgConfig& config, connhost::sdk::Host host) : config_(config), host_(host) {
    connect();
}

PgConnection::~PgConnection() {
    if (conn_) PQfinish(conn_);
}

void PgConnection::connect() {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    conn_ = connhost::sdk::pg_connect(config_.conn, host_, "connhost dest_pg");
    in_copy_ = false;
    copy_answer_due_ = false;
}

void PgConnection::reconnect() {
    host_.warn("the connection to PostgreSQL at " + config_.conn.endpoint() + " was lost; reconnecting");
    connect();
}

std::string PgConnection::failure(std::string_view what, const char* detail) const {
    return std::string(what) + " failed on PostgreSQL at " + config_.conn.endpoint() + ": " + pg_trimmed(detail);
}

void PgConnection::fail(std::string_view what, const char* detail, const PGresult* result) const {
    connhost::sdk::throw_pg_error(conn_, result, failure(what, detail));
}

void PgConnection::exec(const std::string& sql, std::string_view what) {
    settle();
    PgResult r(PQexec(conn_, sql.c_str()));
    if (!r.ok()) fail(what, PQerrorMessage(conn_), r.get());
}

bool PgConnection::exec_unless(const std::string& sql, std::string_view what, const char* tolerated,
                               std::string& error) {
    settle();
    PgResult r(PQexec(conn_, sql.c_str()));
    if (r.ok()) return true;
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (!state || std::strcmp(state, tolerated) != 0 || broken()) fail(what, PQerrorMessage(conn_), r.get());
    error = pg_trimmed(PQerrorMessage(conn_));
    return false;
}

PgResult PgConnection::query(const std::string& sql, const std::vector<std::string>& params, std::string_view what) {
    settle();
    PgResult r = connhost::sdk::pg_exec_params(conn_, sql, params);
    if (!r.ok()) fail(what, PQerrorMessage(conn_), r.get());
    return r;
}

void PgConnection::send(const std::string& sql, std::string_view what) {
    settle();
    if (PQsendQuery(conn_, sql.c_str()) != 1) fail(what, PQerrorMessage(conn_));
}

void PgConnection::wait(std::string_view what) {
    std::string error;
    PgResult failed;  // the first failed result, for its SQLSTATE
    while (PGresult* raw = PQgetResult(conn_)) {
        PgResult r(raw);
        if (!r.ok() && error.empty()) {
            error = PQresultErrorMessage(raw);
            failed = std::move(r);
        }
    }
    if (!error.empty() || broken()) fail(what, error.empty() ? PQerrorMessage(conn_) : error.c_str(), failed.get());
}

void PgConnection::commit() {
    settle();
    PgResult r(PQexec(conn_, "COMMIT"));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail("COMMIT", PQerrorMessage(conn_), r.get());
    if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
        throw SystemError("COMMIT on PostgreSQL at " + config_.conn.endpoint() +
                          " rolled the transaction back (an earlier statement failed): nothing was acknowledged");
}

void PgConnection::copy_begin(const std::string& sql) {
    settle();
    PgResult r(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) fail("starting COPY", PQerrorMessage(conn_), r.get());
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
    copy_answer_due_ = true;
}

void PgConnection::settle() {
    if (!copy_answer_due_) return;
    copy_answer_due_ = false;
    std::string error;
    PgResult failed;  // the first failed result, for its SQLSTATE
    while (PGresult* raw = PQgetResult(conn_)) {
        PgResult r(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK && error.empty()) {
            error = PQresultErrorMessage(raw);
            failed = std::move(r);
        }
    }
    if (!error.empty() && !broken()) refuse_rows(error, failed.get());
    if (!error.empty() || broken()) fail("COPY", error.empty() ? PQerrorMessage(conn_) : error.c_str(), failed.get());
}

void PgConnection::refuse_rows(const std::string& error, const PGresult* result) const {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (!state || (std::strncmp(state, "22", 2) != 0 && std::strncmp(state, "23", 2) != 0)) return;
    throw ConfigError(failure("COPY", error.c_str()) +
                      " (the table refuses the value: a type, length or constraint of a column it had before dest_pg "
                      "wrote to it does not hold it. Change the table (widen the column, drop the constraint, or drop "
                      "the column for dest_pg to create with its own type), then re-run; nothing after the last "
                      "acknowledged state was committed, and a re-run fails the same way until the table changes)");
}

}  // namespace pgdest
