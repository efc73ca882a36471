#include "pg_session.hpp"

#include <connhost/sdk/pg_connect.hpp>
#include <connhost/sdk/status.hpp>

namespace pgsource {

using connhost::sdk::SystemError;

PgSession::PgSession(const connhost::sdk::PgConnectConfig& config, connhost::sdk::Host host)
    : config_(config), host_(host) {
    conn_ = connhost::sdk::pg_connect(config_, host_, "connhost source_postgres");
    std::lock_guard<std::mutex> lock(cancel_mu_);
    cancel_ = PQgetCancel(conn_);
}

PgSession::~PgSession() {
    {
        std::lock_guard<std::mutex> lock(cancel_mu_);
        if (cancel_) PQfreeCancel(cancel_);
        cancel_ = nullptr;
    }
    if (conn_) PQfinish(conn_);
}

PgResult PgSession::query(const std::string& sql, const std::vector<std::string>& params, std::string_view what) {
    PgResult r = connhost::sdk::pg_exec_params(conn_, sql, params);
    if (!r.ok()) {
        if (host_.cancelled()) throw connhost::sdk::Cancelled();  // on_cancel() aborted the statement
        std::string msg = std::string(what) + " failed on PostgreSQL at " + config_.endpoint() + ": " +
            connhost::sdk::detail::pg_trimmed(PQerrorMessage(conn_));
        if (PQstatus(conn_) != CONNECTION_OK)
            msg +=
                " (the connection was lost: the server stopped or the network dropped; re-run the sync, it resumes "
                "from the last state)";
        throw SystemError(msg);
    }
    return r;
}

void PgSession::cancel() noexcept {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (!cancel_) return;
    char err[256];
    PQcancel(cancel_, err, sizeof err);
}

}  // namespace pgsource
