#!/usr/bin/env bash
# bench/sqlite: `connhost sync` source_faker -> dest_sqlite of N records (the users stream, append) against the
# limit measured in the same run: `sqlite3 .import` of the same rows as CSV into a table of the same shape
# (same columns and types, created from the synced table's own schema). Prints both times and the ratio.
set -euo pipefail
BUILD=${BUILD:-build}
N=${N:-1000000}
CONNHOST=$BUILD/bin/connhost
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/conn.json" <<JSON
{"source": {"plugin": "source_faker", "config": {"count": $N, "state_interval": 100000}},
 "destination": {"plugin": "dest_sqlite", "config": {"path": "$work/sync.sqlite"}},
 "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "append"}],
 "state_file": "$work/state.json"}
JSON
s=$(date +%s.%N)
"$CONNHOST" sync --log-level warn "$work/conn.json" 2> "$work/sync.log" || { cat "$work/sync.log"; exit 1; }
e=$(date +%s.%N)
host=$(echo "$e - $s" | bc -l)
rows=$(sqlite3 "$work/sync.sqlite" "SELECT count(*) FROM users")
[ "$rows" = "$N" ] || { echo "sync wrote $rows rows, expected $N"; exit 1; }

# The same rows as CSV, and an empty table of the same shape for the limit.
sqlite3 -csv "$work/sync.sqlite" "SELECT * FROM users" > "$work/users.csv"
schema=$(sqlite3 "$work/sync.sqlite" "SELECT sql FROM sqlite_master WHERE type='table' AND name='users'")
sqlite3 "$work/limit.sqlite" "$schema"
s=$(date +%s.%N)
sqlite3 "$work/limit.sqlite" ".mode csv" ".import $work/users.csv users"
e=$(date +%s.%N)
limit=$(echo "$e - $s" | bc -l)
[ "$(sqlite3 "$work/limit.sqlite" "SELECT count(*) FROM users")" = "$N" ] || { echo "import lost rows"; exit 1; }

printf 'rows: %s (%s MiB as CSV)\n' "$N" "$(du -m "$work/users.csv" | cut -f1)"
printf 'limit (sqlite3 .import of the CSV): %.3f s\n' "$limit"
printf 'connhost sync faker -> dest_sqlite: %.3f s\n' "$host"
printf 'ratio sync/import: %.2f (target <= 1.5)\n' "$(echo "$host / $limit" | bc -l)"
