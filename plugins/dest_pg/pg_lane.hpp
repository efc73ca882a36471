// PgLane: one connection of dest_pg and the stream tables written over it. A lane holds at most one open COPY (its
// active table); lanes are independent server sessions, so their server processes load rows concurrently while the
// run thread encodes. Run thread only.
#pragma once
#include "pg_connection.hpp"
#include "stream_table.hpp"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace pgdest {

struct PgLane {
    std::unique_ptr<PgConnection> conn;
    std::vector<StreamTable*> tables;  // the streams this lane writes
    StreamTable* active = nullptr;     // the table whose COPY may be open
    bool in_transaction = false;
    std::set<std::string> appended;  // append tables given rows in the open transaction (quoted, qualified)

    // BEGIN unless a transaction is open, re-opening the connection first if it was dropped while idle (nothing is
    // in flight then). Returns true when it re-connected (session state such as locks is gone).
    bool begin_if_needed();
    // Makes `t` the table being copied into, ending another table's COPY first.
    void copy_into(StreamTable* t);
    // Ends the open COPY without waiting for the server: the lanes' servers finish their rows at the same time.
    void end_rows();
    // After end_rows(): checks the server took every row (throws when not), then sends the merges of the
    // append_dedup rows of the open transaction without waiting. Returns whether merge_wait() must collect them.
    bool send_merges();
    // Waits for the merges send_merges() sent.
    void merge_wait();
    // COMMIT (checked); the lane is then outside a transaction.
    void commit();
    // After a failure: ROLLBACK when the connection still works; never throws.
    void roll_back() noexcept;
};

}  // namespace pgdest
