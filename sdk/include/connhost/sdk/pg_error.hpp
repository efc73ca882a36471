// Classifying a failed PostgreSQL statement: a lost connection (server restarted, backend terminated, network
// dropped) is transient, since a re-run reconnects and resumes from the last saved state; anything else is a system
// error. Include only from a connector that links libpq (this header includes libpq-fe.h).
#pragma once
#include <connhost/sdk/status.hpp>

#include <libpq-fe.h>

#include <cstring>
#include <string>
#include <string_view>

namespace connhost::sdk {

// True when `sqlstate` (may be null) says the connection, not the statement, failed: class 08 (connection
// exception), 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03
// cannot_connect_now (the server is starting or stopping).
inline bool pg_sqlstate_is_connection_loss(const char* sqlstate) noexcept {
    if (!sqlstate || std::strlen(sqlstate) != 5) return false;
    const std::string_view s(sqlstate);
    return s.substr(0, 2) == "08" || s == "57P01" || s == "57P02" || s == "57P03";
}

// True when a statement failed because the connection was lost: `conn` is no longer CONNECTION_OK, the error's
// SQLSTATE (of `result`, which may be null) is a connection loss, or libpq says the server closed the connection.
inline bool pg_connection_lost(const PGconn* conn, const PGresult* result) noexcept {
    if (!conn || PQstatus(conn) == CONNECTION_BAD) return true;
    if (result && pg_sqlstate_is_connection_loss(PQresultErrorField(result, PG_DIAG_SQLSTATE))) return true;
    const char* text = PQerrorMessage(conn);
    return text &&
        (std::strstr(text, "server closed the connection unexpectedly") ||
         std::strstr(text, "terminating connection due to"));
}

// What a message about a lost connection ends with: nothing after the last acknowledged state was committed, so a
// re-run loses nothing (a sync re-run with the same command resumes from its saved state).
inline const char* pg_connection_lost_advice() noexcept {
    return " (the connection was lost: the server restarted or stopped, the session was terminated, or the network "
           "dropped; nothing after the last acknowledged state was committed, so a re-run loses nothing: a sync "
           "re-run with the same command resumes from its saved state)";
}

// Throws the Error for a failed statement described by `message`: TransientError (with
// pg_connection_lost_advice()) when pg_connection_lost(conn, result), else SystemError. Run thread.
[[noreturn]] inline void throw_pg_error(const PGconn* conn, const PGresult* result, const std::string& message) {
    if (pg_connection_lost(conn, result)) throw TransientError(message + pg_connection_lost_advice());
    throw SystemError(message);
}

}  // namespace connhost::sdk
