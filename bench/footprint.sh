#!/usr/bin/env bash
# bench/footprint: the memory and start-up budget of DESIGN.md §6, as ratios against their limits.
#   memory:   peak RSS of `connhost sync` source_faker -> dest_null (and -> dest_jsonl) for 10^5, 10^6 and
#             10^7 records (all three streams, append). Each run must stay under 100 MB, and flat means that
#             what the largest run needs beyond the smallest fits in the queue between the threads: at most
#             --queue-mb (16 MiB) of records, held in buffers of up to twice that capacity. Prints each
#             peak / 100 MB, and (peak at 10^7 - peak at 10^5) / (2 x 16 MiB).
#   start-up: `connhost run --plugin dest_null spec`, best of R runs, against the 20 ms budget.
# Nothing here fails on a figure; it fails if a sync fails or moves the wrong number of records.
#
#   BUILD=build N_MAX=10000000 R=20 bench/footprint.sh
set -euo pipefail
BUILD=${BUILD:-build}
N_MAX=${N_MAX:-10000000}
R=${R:-20}
CONNHOST=$BUILD/bin/connhost
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "bench/footprint needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

# peak_kb DEST COUNT: peak RSS (KiB) of a sync of COUNT records per stream into DEST.
peak_kb() {
  local dest=$1 count=$2 cfg='{}'
  [ "$dest" = dest_jsonl ] && cfg="{\"destination_path\": \"$work/out\"}"
  rm -rf "$work/out" "$work/state.json"
  cat > "$work/conn.json" <<JSON
{"source": {"plugin": "source_faker", "config": {"count": $count, "state_interval": 10000}},
 "destination": {"plugin": "$dest", "config": $cfg}, "state_file": "$work/state.json",
 "streams": [{"name": "users", "destination_sync_mode": "append"}, {"name": "products", "destination_sync_mode": "append"},
             {"name": "purchases", "destination_sync_mode": "append"}]}
JSON
  /usr/bin/time -f '%M' -o "$work/rss" "$CONNHOST" sync --log-level warn "$work/conn.json" > /dev/null 2> "$work/sync.log" \
    || { cat "$work/sync.log" >&2; exit 1; }
  grep -q "^$(( count * 3 )) records committed" "$work/sync.log" \
    || { echo "$dest: the sync of $count records a stream did not commit $(( count * 3 ))" >&2; tail -5 "$work/sync.log" >&2; exit 1; }
  tail -1 "$work/rss"
}

echo "peak RSS of connhost sync source_faker -> DEST (3 streams), limit 100 MB:"
for dest in dest_null dest_jsonl; do
  first="" last=""
  n=100000
  while [ "$n" -le "$N_MAX" ]; do
    per=$(( n / 3 ))
    kb=$(peak_kb "$dest" "$per")
    [ -n "$first" ] || first=$kb
    printf '  %-10s %9d records: %6.1f MB  (%.2f of the limit)\n' "$dest" "$(( per * 3 ))" "$(echo "$kb / 1024" | bc -l)" \
      "$(echo "$kb / 1024 / 100" | bc -l)"
    last=$kb
    n=$(( n * 10 ))
  done
  printf '  %-10s growth from 10^5 to the largest: %.1f MB, %.2f of the queue bound  (target <= 1)\n' "$dest" \
    "$(echo "($last - $first) / 1024" | bc -l)" "$(echo "($last - $first) / 1024 / 32" | bc -l)"
done

best=""
for _ in $(seq "$R"); do
  s=$(date +%s%N)
  "$CONNHOST" run --plugin dest_null spec > /dev/null
  e=$(date +%s%N)
  t=$(( (e - s) / 1000 ))
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
printf 'start-up: connhost run --plugin dest_null spec, best of %d: %.1f ms  (%.2f of the 20 ms budget)\n' "$R" \
  "$(echo "$best / 1000" | bc -l)" "$(echo "$best / 1000 / 20" | bc -l)"
