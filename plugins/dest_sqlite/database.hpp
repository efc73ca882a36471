// Database / Statement: thin RAII wrappers over a sqlite3 connection and prepared statement.
// Every failure throws an SDK Error whose message names the database file and what to do.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sqlitedest {

// One open connection. Not thread-safe (run thread only).
class Database {
public:
    // Opens (creating if missing, with its parent folders) the database at `path`; throws SystemError.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements without results; throws naming `sql`.
    void exec(const std::string& sql);
    // Whether a table of exactly this name exists.
    bool has_table(const std::string& name);
    // Throws the Error for the connection's last failure, prefixed by `what`.
    [[noreturn]] void fail(int rc, const std::string& what) const;
    sqlite3* handle() const noexcept { return db_; }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// A prepared statement, reset after each step. Not thread-safe.
class Statement {
public:
    Statement() = default;
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement& operator=(Statement&& o) noexcept;

    explicit operator bool() const noexcept { return st_ != nullptr; }
    // Parameters are 1-based. Text bound with bind_text_static must stay alive until step() returns.
    void bind_null(int i);
    void bind_int(int i, int64_t v);
    void bind_text_static(int i, std::string_view s);
    void bind_text_copy(int i, std::string_view s);
    void clear_bindings();
    // Steps once; true while a row is available. Throws on error.
    bool step();
    // Steps to completion and resets (for statements without results).
    void run();
    void reset();
    int64_t column_int(int i) const;
    std::string column_text(int i) const;
    bool column_is_null(int i) const;

private:
    Database* db_ = nullptr;
    sqlite3_stmt* st_ = nullptr;
    std::string sql_;
};

}  // namespace sqlitedest
