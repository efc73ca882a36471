#include "database.hpp"

#include <connhost/sdk/status.hpp>

#include <filesystem>
#include <utility>

namespace sqlitedest {

using connhost::sdk::Error;
using connhost::sdk::SystemError;
using connhost::sdk::TransientError;

namespace {

std::string advice(int rc) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return " (another process holds a lock on the database: stop it or retry later)";
        case SQLITE_FULL: return " (the disk is full: free space, then re-run)";
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_CANTOPEN:
            return " (check that the folder exists and the file and folder are writable by this user)";
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT: return " (the file is not a healthy SQLite database: point config.path at another file)";
        case SQLITE_IOERR: return " (an I/O error: check the disk)";
        default: return "";
    }
}

[[noreturn]] void throw_for(int rc, const std::string& message) {
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) throw TransientError(message);
    throw SystemError(message);
}

}  // namespace

Database::Database(const std::string& path) : path_(path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw_for(rc, "cannot open the SQLite database " + path + ": " + msg + advice(rc));
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 10000);
}

Database::~Database() {
    if (db_) sqlite3_close_v2(db_);
}

void Database::exec(const std::string& sql) {
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "SQL failed (" + sql.substr(0, 200) + ")");
}

bool Database::has_table(const std::string& name) {
    Statement q(*this, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    q.bind_text_copy(1, name);
    return q.step();
}

void Database::fail(int rc, const std::string& what) const {
    throw_for(rc, "SQLite database " + path_ + ": " + what + ": " + sqlite3_errmsg(db_) + advice(rc));
}

Statement::Statement(Database& db, const std::string& sql) : db_(&db), sql_(sql) {
    int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st_,
                                nullptr);
    if (rc != SQLITE_OK) db.fail(rc, "cannot prepare (" + sql.substr(0, 200) + ")");
}

Statement::~Statement() {
    if (st_) sqlite3_finalize(st_);
}

Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), st_(std::exchange(o.st_, nullptr)), sql_(std::move(o.sql_)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        if (st_) sqlite3_finalize(st_);
        db_ = o.db_;
        st_ = std::exchange(o.st_, nullptr);
        sql_ = std::move(o.sql_);
    }
    return *this;
}

void Statement::bind_null(int i) { sqlite3_bind_null(st_, i); }
void Statement::bind_int(int i, int64_t v) { sqlite3_bind_int64(st_, i, v); }
void Statement::bind_text_static(int i, std::string_view s) {
    sqlite3_bind_text64(st_, i, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
}
void Statement::bind_text_copy(int i, std::string_view s) {
    sqlite3_bind_text64(st_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::clear_bindings() { sqlite3_clear_bindings(st_); }

bool Statement::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(st_);
    db_->fail(rc, "statement failed (" + sql_.substr(0, 200) + ")");
}

void Statement::run() {
    while (step()) {}
    sqlite3_reset(st_);
}

void Statement::reset() { sqlite3_reset(st_); }
int64_t Statement::column_int(int i) const { return sqlite3_column_int64(st_, i); }
std::string Statement::column_text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string();
}
bool Statement::column_is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }

}  // namespace sqlitedest
