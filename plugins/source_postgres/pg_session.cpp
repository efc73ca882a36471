#include "pg_session.hpp"

#include <connhost/sdk/pg_connect.hpp>
#include <connhost/sdk/pg_error.hpp>
#include <connhost/sdk/status.hpp>

namespace pgsource {

PgSession::PgSession(const connhost::sdk::PgConnectConfig& config, connhost::sdk::Host host)
    : config_(config), host_(host) {
    conn_ = connhost::sdk::pg_connect(config_, host_, "connhost source_postgres");
    std::lock_guard<std::mutex> lock(cancel_mu_);
    cancel_ = PQgetCancel(conn_);
}

PgSession::~PgSession() {
    if (row_) PQfreemem(row_);
    {
        std::lock_guard<std::mutex> lock(cancel_mu_);
        if (cancel_) PQfreeCancel(cancel_);
        cancel_ = nullptr;
    }
    if (conn_) PQfinish(conn_);
}

PgResult PgSession::query(const std::string& sql, const std::vector<std::string>& params, std::string_view what) {
    PgResult r = connhost::sdk::pg_exec_params(conn_, sql, params);
    if (!r.ok()) fail(what, r.get());
    return r;
}

void PgSession::copy_out(const std::string& sql, std::string_view what) {
    PgResult r(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT) fail(what, r.get());
    copying_ = true;
}

bool PgSession::copy_row(std::string_view& row, std::string_view what) {
    if (row_) PQfreemem(row_);
    row_ = nullptr;
    const int n = PQgetCopyData(conn_, &row_, 0);
    if (n > 0) {
        row = std::string_view(row_, static_cast<size_t>(n));
        return true;
    }
    copying_ = false;
    PgResult r(PQgetResult(conn_));
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);  // the statement's end (nullptr)
    if (n == -2 || !r.get() || !r.ok()) fail(what, r.get());
    return false;
}

void PgSession::abandon_copy() noexcept {
    if (row_) PQfreemem(row_);
    row_ = nullptr;
    if (!copying_) return;
    copying_ = false;
    cancel();
    char* rest = nullptr;
    while (PQgetCopyData(conn_, &rest, 0) > 0) PQfreemem(rest);
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
}

std::string PgSession::literal(const std::string& value) {
    char* quoted = PQescapeLiteral(conn_, value.data(), value.size());
    if (!quoted) fail("quoting a key value for the read", nullptr);
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

std::optional<std::string> PgSession::cast_problem(const std::string& value, const std::string& sql_type) {
    PgResult r = connhost::sdk::pg_exec_params(conn_, "SELECT $1::" + sql_type, {value});
    if (r.ok()) return std::nullopt;
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
    if (state && std::string_view(state).substr(0, 2) == "22") return std::string(message ? message : "invalid input");
    fail("checking the saved cursor value", r.get());
}

void PgSession::fail(std::string_view what, const PGresult* result) {
    if (host_.cancelled()) throw connhost::sdk::Cancelled();  // on_cancel() aborted the statement
    connhost::sdk::throw_pg_error(conn_, result,
                                  std::string(what) + " failed on PostgreSQL at " + config_.endpoint() + ": " +
                                      connhost::sdk::detail::pg_trimmed(PQerrorMessage(conn_)));
}

void PgSession::cancel() noexcept {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (!cancel_) return;
    char err[256];
    PQcancel(cancel_, err, sizeof err);
}

}  // namespace pgsource
