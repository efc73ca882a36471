#!/usr/bin/env bash
# The main job: `connhost sync` of source_faker (100k records a stream) into the embedded default, dest_sqlite,
# with a durable state file, then a summary and a sample query. Re-running it resumes from the saved state.
set -euo pipefail
BUILD=${BUILD:-build}
CONNHOST=$BUILD/bin/connhost
out=${DEMO_DIR:-out/demo}
mkdir -p "$out"
db=$(cd "$out" && pwd)/demo.sqlite   # plugin configs are opaque to the host: give the plugin an absolute path
cat > "$out/connection.json" <<JSON
{
  "source": {"plugin": "source_faker", "config": {"count": 100000, "seed": 42, "state_interval": 10000}},
  "destination": {"plugin": "dest_sqlite", "config": {"path": "$db"}},
  "streams": [
    {"name": "users", "sync_mode": "incremental", "cursor_field": ["updated_at"], "destination_sync_mode": "append_dedup", "primary_key": [["id"]]},
    {"name": "products", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
    {"name": "purchases", "sync_mode": "incremental", "cursor_field": ["updated_at"], "destination_sync_mode": "append"}
  ],
  "state_file": "state.json"
}
JSON
"$CONNHOST" sync "$out/connection.json"
echo
echo "database: $out/demo.sqlite   state: $out/state.json"
sqlite3 -header -column "$out/demo.sqlite" \
  "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM purchases) AS purchases;"
echo
sqlite3 -header -column "$out/demo.sqlite" \
  "SELECT u.name, count(*) AS purchases, sum(p.quantity) AS items FROM purchases p JOIN users u ON u.id = p.user_id GROUP BY u.id ORDER BY items DESC LIMIT 5;"
