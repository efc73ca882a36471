#include "pg_lane.hpp"

#include <connhost/sdk/status.hpp>

namespace pgdest {

bool PgLane::begin_if_needed() {
    if (in_transaction) return false;
    bool reconnected = false;
    try {
        conn->exec("BEGIN", "BEGIN");
    } catch (const connhost::sdk::Error&) {
        if (!conn->broken()) throw;
        conn->reconnect();
        for (StreamTable* t : tables) t->session_lost();
        active = nullptr;
        conn->exec("BEGIN", "BEGIN");
        reconnected = true;
    }
    in_transaction = true;
    return reconnected;
}

void PgLane::copy_into(StreamTable* t) {
    if (active && active != t) active->end_copy();
    active = t;
}

void PgLane::end_rows() {
    if (active) active->end_copy();
    active = nullptr;
}

bool PgLane::send_merges() {
    conn->settle();
    std::string merges;
    for (StreamTable* t : tables)
        if (std::string sql = t->merge_statement(); !sql.empty()) merges += (merges.empty() ? "" : "; ") + sql;
    if (merges.empty()) return false;
    conn->send(merges, "merging the new rows of append_dedup streams");
    return true;
}

void PgLane::merge_wait() { conn->wait("merging the new rows of append_dedup streams"); }

void PgLane::commit() {
    conn->commit();
    in_transaction = false;
    appended.clear();
}

void PgLane::roll_back() noexcept {
    try {
        if (conn) conn->settle();  // the answer to an ended COPY: read it, failed or not, before the ROLLBACK
    } catch (...) {}
    try {
        if (conn && !conn->broken() && (in_transaction || conn->in_copy())) conn->exec("ROLLBACK", "ROLLBACK");
    } catch (...) {}
    in_transaction = false;
    appended.clear();
}

}  // namespace pgdest
