#!/usr/bin/env bash
# The demo: source_faker -> dest_jsonl through two `connhost run` processes, then shows the result.
set -euo pipefail
BUILD=${BUILD:-build}
CONNHOST=$BUILD/bin/connhost
out=${DEMO_DIR:-out/demo}
mkdir -p "$out"
echo '{"count": 100000, "seed": 42, "state_interval": 10000}' > "$out/faker.json"
echo "{\"destination_path\": \"$out/jsonl\"}" > "$out/jsonl.json"
cat > "$out/catalog.json" <<'JSON'
{"streams": [
 {"stream": {"name": "users"}, "sync_mode": "incremental", "cursor_field": ["updated_at"], "destination_sync_mode": "append_dedup", "primary_key": [["id"]]},
 {"stream": {"name": "products"}, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"},
 {"stream": {"name": "purchases"}, "sync_mode": "incremental", "cursor_field": ["updated_at"], "destination_sync_mode": "append"}
]}
JSON
"$CONNHOST" run --plugin source_faker read --config "$out/faker.json" --catalog "$out/catalog.json" |
  "$CONNHOST" run --plugin dest_jsonl write --config "$out/jsonl.json" --catalog "$out/catalog.json" > "$out/states.jsonl"
echo "states acknowledged: $(grep -c '"type":"STATE"' "$out/states.jsonl")"
wc -l "$out"/jsonl/*.jsonl
echo "first user:"
head -n 1 "$out/jsonl/users.jsonl"
