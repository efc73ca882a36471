#!/usr/bin/env bash
# bench/record_size: memory for one large record (issue 14 item 10), as a ratio against the record itself.
# Feeds `connhost run write` one RECORD line of MIB MiB (default 60, under the 64 MiB default record size limit)
# between two small records and a STATE, into dest_null and into dest_jsonl, and prints for each:
#   peak RSS / line size   (target <= 2: the line is held about once, not copied into every layer)
# and the peak RSS of the same run without the large line, for scale. It prints figures and never asserts one;
# it fails only if a run fails or does not echo its STATE.
#
#   BUILD=build MIB=60 bench/record_size.sh
set -euo pipefail
BUILD=${BUILD:-build}
MIB=${MIB:-60}
CONNHOST=$BUILD/bin/connhost
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "bench/record_size needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

echo '{"streams": [{"stream": {"name": "big", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
  "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}' > "$work/catalog.json"
small='{"type":"RECORD","record":{"stream":"big","data":{"id":1},"emitted_at":1}}'
state='{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"big"},"stream_state":{"n":1}}}}'
printf '%s\n%s\n' "$small" "$state" > "$work/small.jsonl"
"${PYTHON:-python3}" - "$work/big.jsonl" "$MIB" "$small" "$state" <<'PY'
import sys
path, mib, small, state = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
head, tail = '{"type":"RECORD","record":{"stream":"big","data":{"id":2,"blob":"', '"},"emitted_at":1}}'
with open(path, "w") as f:
    f.write(small + "\n")
    f.write(head + "x" * (mib * 2**20 - len(head) - len(tail)) + tail + "\n")
    f.write(small + "\n" + state + "\n")
PY
line_bytes=$(sed -n 2p "$work/big.jsonl" | wc -c)
line_bytes=$(( line_bytes - 1 ))

# peak_kb DEST INPUT: peak RSS (KiB) of `connhost run write` of INPUT into DEST; checks that the STATE was echoed.
peak_kb() {
  local dest=$1 input=$2 cfg='{}'
  [ "$dest" = dest_jsonl ] && cfg="{\"destination_path\": \"$work/out\"}"
  rm -rf "$work/out"
  echo "$cfg" > "$work/config.json"
  /usr/bin/time -f '%M' -o "$work/rss" "$CONNHOST" run --log-level warn --plugin "$dest" write --config "$work/config.json" \
    --catalog "$work/catalog.json" < "$input" > "$work/out.jsonl" 2> "$work/err.log" || { cat "$work/err.log" >&2; exit 1; }
  grep -q '"type":"STATE"' "$work/out.jsonl" || { echo "$dest: the STATE was not echoed" >&2; cat "$work/err.log" >&2; exit 1; }
  tail -1 "$work/rss"
}

printf 'one RECORD line of %.1f MiB into connhost run write (peak RSS / line size, target <= 2):\n' \
  "$(echo "$line_bytes / 1048576" | bc -l)"
for dest in dest_null dest_jsonl; do
  base=$(peak_kb "$dest" "$work/small.jsonl")
  kb=$(peak_kb "$dest" "$work/big.jsonl")
  printf '  %-10s peak %6.1f MiB  ratio %.2f   (without the large line: %.1f MiB)\n' "$dest" "$(echo "$kb / 1024" | bc -l)" \
    "$(echo "$kb * 1024 / $line_bytes" | bc -l)" "$(echo "$base / 1024" | bc -l)"
done
