#!/usr/bin/env bash
# bench/passthrough: host overhead of `connhost run write` against the parse limit (DESIGN.md §6).
# Generates N faker records as Airbyte RECORD lines, then times, best of R runs each:
#   limit: json_parse_loop (a bare Boost.JSON parse of every line, the same file)
#   host:  connhost run --plugin dest_null write < the file
# and prints both and the ratio host/limit (target <= 1.25, acceptance <= 1.5).
set -euo pipefail
BUILD=${BUILD:-build}
N=${N:-1000000}
R=${R:-3}
CONNHOST=$BUILD/bin/connhost
LOOP=$BUILD/bin/json_parse_loop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

per_stream=$(( (N + 2) / 3 ))
echo "{\"count\": $per_stream, \"state_interval\": 10000}" > "$work/faker.json"
"$CONNHOST" run --plugin source_faker discover --config "$work/faker.json" |
  "${PYTHON:-python3}" -c '
import json, sys
cat = json.loads(sys.stdin.readline())["catalog"]
print(json.dumps({"streams": [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"} for s in cat["streams"]]}))
' > "$work/catalog.json"
"$CONNHOST" run --log-level warn --plugin source_faker read --config "$work/faker.json" --catalog "$work/catalog.json" |
  grep '"type":"RECORD"' | head -n "$N" > "$work/records.jsonl"
echo '{}' > "$work/null.json"
lines=$(wc -l < "$work/records.jsonl")
size=$(du -m "$work/records.jsonl" | cut -f1)
echo "input: $lines RECORD lines, ${size} MiB"

best() {  # best wall time in seconds of R runs of "$@"
  local b=""
  for _ in $(seq "$R"); do
    local s e t
    s=$(date +%s.%N)
    "$@" > /dev/null || { echo "benchmark command failed: $*" >&2; exit 1; }
    e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
  done
  echo "$b"
}
limit=$(best "$LOOP" "$work/records.jsonl")
host=$(best sh -c "'$CONNHOST' run --log-level warn --plugin dest_null write --config '$work/null.json' --catalog '$work/catalog.json' < '$work/records.jsonl'")
ratio=$(echo "$host / $limit" | bc -l)
printf 'limit (Boost.JSON parse loop): %.3f s\n' "$limit"
printf 'connhost run write -> dest_null: %.3f s\n' "$host"
printf 'ratio host/limit: %.2f (target <= 1.25, acceptance <= 1.5)\n' "$ratio"
