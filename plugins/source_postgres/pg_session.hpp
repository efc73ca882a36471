// PgSession: one libpq connection for reading, with checked statements and a cancel usable from any thread.
#pragma once
#include "source_config.hpp"

#include <connhost/sdk/host.hpp>
#include <connhost/sdk/pg_connect.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsource {

using connhost::sdk::PgResult;

class PgSession {
public:
    // Connects (retried, see connhost::sdk::pg_connect); throws ConfigError / SystemError.
    PgSession(const connhost::sdk::PgConnectConfig& config, connhost::sdk::Host host);
    ~PgSession();
    PgSession(const PgSession&) = delete;
    PgSession& operator=(const PgSession&) = delete;

    // Runs a statement with text parameters; returns its result; throws naming `what`: TransientError when the
    // connection was lost (connhost/sdk/pg_error.hpp), else SystemError. Run thread.
    PgResult query(const std::string& sql, const std::vector<std::string>& params, std::string_view what);
    void exec(const std::string& sql, std::string_view what) { query(sql, {}, what); }
    // Starts `sql`, a COPY ... TO STDOUT, throwing as query() does unless the server begins sending rows. Run thread.
    void copy_out(const std::string& sql, std::string_view what);
    // The next row of the running COPY in `row` (valid until the next call), or false at its end, once the server said
    // it succeeded (throwing as query() does when it did not). Run thread.
    bool copy_row(std::string_view& row, std::string_view what);
    // Stops a COPY left before its end (a record or the host threw): asks the server to cancel it and drops what is
    // still coming, so the connection is usable again; never throws.
    void abandon_copy() noexcept;
    // `value` as an SQL string literal (PQescapeLiteral), for statements that take no parameters (COPY).
    std::string literal(const std::string& value);
    // Why the server cannot read `value` as type `sql_type` (a format_type() name): its message for invalid input
    // (SQLSTATE class 22), or nothing when it can. Throws SystemError for any other failure. Run thread.
    std::optional<std::string> cast_problem(const std::string& value, const std::string& sql_type);
    // Asks the server to abort the running statement. Any thread.
    void cancel() noexcept;

    const connhost::sdk::PgConnectConfig& config() const noexcept { return config_; }

private:
    // Throws the error of the statement that just failed, `result` its result (Cancelled when on_cancel() aborted it).
    [[noreturn]] void fail(std::string_view what, const PGresult* result);

    connhost::sdk::PgConnectConfig config_;
    connhost::sdk::Host host_;
    PGconn* conn_ = nullptr;
    bool copying_ = false;  // a copy_out() whose end copy_row() has not reached
    char* row_ = nullptr;   // the row copy_row() gave last (libpq's buffer)
    std::mutex cancel_mu_;
    PGcancel* cancel_ = nullptr;
};

}  // namespace pgsource
