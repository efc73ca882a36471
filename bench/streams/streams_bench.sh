#!/usr/bin/env bash
# bench/streams: 4 streams into PostgreSQL through `connhost run --plugin dest_pg write`, written concurrently over
# several connections ("connections": C, default 4) against the same streams written one at a time (4 writes, one
# connection each: what a sync of streams one after another costs), same total rows, in one run, on a throwaway
# cluster (tests/pg/pg_server.sh). The 4-stream input interleaves the streams in blocks of 1000 records, as a source
# reading its streams concurrently emits them (gen_streams.py). Also times the 4-stream input over one connection.
# Prints the times and the speed-up (one at a time / concurrent).
#
#   bench/streams/streams_bench.sh [CONNHOST_BINARY] [RECORDS]      (default build/bin/connhost, 1000000)
# Each variant runs ROUNDS times (default 2) into emptied tables after a CHECKPOINT, alternating; best times are
# compared. TCP on 127.0.0.1, fsync on. Row counts are checked; timing never fails the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=streams
. "$root/bench/pg/bench_cluster.sh"
connections=${CONNECTIONS:-4}

echo "generating $n records over 4 streams..."
"$PY" "$here/gen_streams.py" "$n" "$work"
config() {
  "$PY" - "$info" "$1" "$work/config-$1.json" <<'PYEOF'
import json, sys
i = json.load(open(sys.argv[1]))
json.dump({"host": i["host"], "port": i["port"], "database": i["database"], "username": i["username"],
           "password": i["password"], "ssl_mode": "disable", "connections": int(sys.argv[2])}, open(sys.argv[3], "w"))
PYEOF
}
config 1
config "$connections"
write() {  # write CONNECTIONS FILE
  "$connhost" run --plugin dest_pg write --config "$work/config-$1.json" --catalog "$work/catalog.json" < "$2" > "$work/out.txt"
}
write 1 /dev/null  # creates the tables
now() { date +%s.%N; }
count() { psql_su "$db" -c 'SELECT (SELECT count(*) FROM public.s0) + (SELECT count(*) FROM public.s1) + (SELECT count(*) FROM public.s2) + (SELECT count(*) FROM public.s3)'; }
reset() { psql_su "$db" -c 'TRUNCATE public.s0, public.s1, public.s2, public.s3' -c 'CHECKPOINT' >/dev/null; }
total=$(( n / 4 * 4 ))
best() { "$PY" -c "print(min(float(x) for x in '$1 ${2:-1e9}'.split()))"; }
b_seq="" b_one="" b_many=""
for r in $(seq 1 "$rounds"); do
  reset
  t0=$(now)
  for k in 0 1 2 3; do write 1 "$work/s$k.jsonl"; done
  t_seq=$("$PY" -c "print($(now) - $t0)")
  [ "$(count)" = "$total" ] || { echo "one at a time: $(count) rows, expected $total" >&2; exit 1; }
  reset
  t0=$(now)
  write 1 "$work/all.jsonl"
  t_one=$("$PY" -c "print($(now) - $t0)")
  [ "$(count)" = "$total" ] || { echo "4 streams, 1 connection: $(count) rows, expected $total" >&2; exit 1; }
  reset
  t0=$(now)
  write "$connections" "$work/all.jsonl"
  t_many=$("$PY" -c "print($(now) - $t0)")
  [ "$(count)" = "$total" ] || { echo "4 streams, $connections connections: $(count) rows, expected $total" >&2; exit 1; }
  printf 'round %d: one at a time %.2f s, 4 streams over 1 connection %.2f s, over %d connections %.2f s\n' \
    "$r" "$t_seq" "$t_one" "$connections" "$t_many"
  b_seq=$(best "$t_seq" "$b_seq") b_one=$(best "$t_one" "$b_one") b_many=$(best "$t_many" "$b_many")
done
"$PY" -c "
s, o, m, n = $b_seq, $b_one, $b_many, $total
print('records: %d in 4 streams (%d cores)' % (n, __import__('os').cpu_count()))
print('one stream at a time, 1 connection: %.2f s  (%.0f records/s)' % (s, n / s))
print('4 streams, 1 connection:            %.2f s  (%.0f records/s)' % (o, n / o))
print('4 streams, $connections connections:           %.2f s  (%.0f records/s)' % (m, n / m))
print('speed-up of the 4-stream write over one at a time: %.2fx' % (s / m))
"
