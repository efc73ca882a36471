// PgConnection: one libpq connection with retried connects, checked statements and COPY FROM STDIN.
// Every failure throws an SDK Error whose message names host:port and says what to do (a lost connection is a
// TransientError, connhost/sdk/pg_error.hpp). Run thread only.
#pragma once
#include "pg_config.hpp"

#include <connhost/sdk/host.hpp>
#include <connhost/sdk/pg_connect.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pgdest {

using connhost::sdk::PgResult;

class PgConnection {
public:
    // Connects (connhost::sdk::pg_connect: retried with back-off); throws SystemError (server
    // unreachable) or ConfigError (rejected credentials or database).
    PgConnection(const PgConfig& config, connhost::sdk::Host host);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Runs a statement without parameters; throws naming `what` on failure.
    void exec(const std::string& sql, std::string_view what);
    // Runs a statement like exec(), except that a failure with SQLSTATE `tolerated` returns false, the server's message
    // in `error` (the transaction is then aborted: run it inside a savepoint).
    bool exec_unless(const std::string& sql, std::string_view what, const char* tolerated, std::string& error);
    // Runs a statement with text parameters and returns its rows; throws naming `what`.
    PgResult query(const std::string& sql, const std::vector<std::string>& params, std::string_view what);
    // Sends `sql` (one or more statements) without waiting for it; wait() collects its results. Nothing else may run
    // on the connection in between.
    void send(const std::string& sql, std::string_view what);
    // Waits for what send() sent; throws naming `what` for the first statement that failed.
    void wait(std::string_view what);
    // Runs COMMIT and checks the server really committed (an aborted transaction answers ROLLBACK).
    void commit();

    // Starts COPY ... FROM STDIN (`sql` is the whole COPY statement).
    void copy_begin(const std::string& sql);
    // Sends COPY data; blocks while the server's socket is full (that is the back-pressure).
    void copy_send(std::string_view data);
    // Ends the COPY without waiting for the server's answer, so the caller can prepare its next rows while the server
    // writes these: the next statement or COPY on this connection (or settle()) first checks that every row was
    // accepted, and throws naming the COPY when not.
    void copy_end();
    // Waits for the answer to an ended COPY, if one is due; throws as copy_end() describes.
    void settle();
    bool in_copy() const noexcept { return in_copy_; }

    // True when the connection is gone (server stopped, network dropped).
    bool broken() const noexcept { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }
    // Replaces a broken connection with a new one (same retries as the constructor).
    void reconnect();

    const PgConfig& config() const noexcept { return config_; }
    // The server's version as PQserverVersion gives it (110000 for 11.0), 0 without a connection.
    int server_version() const noexcept { return conn_ ? PQserverVersion(conn_) : 0; }

private:
    void connect();
    // Throws connhost::sdk::throw_pg_error's error (TransientError for a lost connection, else SystemError) for
    // `what` failing with `detail`; `result` is the failed statement's result when there is one.
    [[noreturn]] void fail(std::string_view what, const char* detail, const PGresult* result = nullptr) const;
    // "<what> failed on PostgreSQL at host:port: <detail>", the start of every message of a failed statement.
    std::string failure(std::string_view what, const char* detail) const;
    // Throws ConfigError, saying to change the table, when the COPY's `error` (its `result`) is a data exception
    // (SQLSTATE class 22) or a constraint violation (23): rows a column of a table made beforehand cannot take.
    void refuse_rows(const std::string& error, const PGresult* result) const;

    PgConfig config_;
    connhost::sdk::Host host_;
    PGconn* conn_ = nullptr;
    bool in_copy_ = false;
    bool copy_answer_due_ = false;  // a COPY ended, its result not read yet
};

}  // namespace pgdest
