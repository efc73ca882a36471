#!/usr/bin/env bash
# bench/streams: 4 streams into PostgreSQL through `connhost run --plugin dest_pg write`, written concurrently over
# several connections ("connections": C, default 4) against the same streams written one at a time (4 writes, one
# connection each: what a sync of streams one after another costs), same total rows, in one run, on a throwaway
# cluster (tests/pg/pg_server.sh). The 4-stream input interleaves the streams in blocks of 1000 records, as a source
# reading its streams concurrently emits them (gen_streams.py). Also times the 4-stream input over one connection.
# Prints the times and the speed-up (one at a time / concurrent); then the same for a real `connhost sync` of
# source_faker's 3 streams (one after another over 1 connection vs read in turns and written over 3). Beside each
# time: how busy the machine's cores were meanwhile (timed, bench/pg/bench_cluster.sh: the whole machine's, so read it
# from a run on an otherwise idle one). A speed-up needs cores that one stream at a time leaves idle.
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
config 3
write() {  # write CONNECTIONS FILE
  "$connhost" run --plugin dest_pg write --config "$work/config-$1.json" --catalog "$work/catalog.json" < "$2" > "$work/out.txt"
}
write 1 /dev/null  # creates the tables
count() { psql_su "$db" -c 'SELECT (SELECT count(*) FROM public.s0) + (SELECT count(*) FROM public.s1) + (SELECT count(*) FROM public.s2) + (SELECT count(*) FROM public.s3)'; }
reset() { psql_su "$db" -c 'TRUNCATE public.s0, public.s1, public.s2, public.s3' -c 'CHECKPOINT' >/dev/null; }
total=$(( n / 4 * 4 ))
write_each() { for k in 0 1 2 3; do write 1 "$work/s$k.jsonl"; done; }  # the 4 streams one at a time
b_seq="" b_one="" b_many="" cb_seq="" cb_one="" cb_many=""
for r in $(seq 1 "$rounds"); do
  reset
  timed write_each
  t_seq=$took
  read -r _ c_seq _ <<< "$cpu"  # how busy the cores were
  keep_best b_seq cb_seq
  [ "$(count)" = "$total" ] || { echo "one at a time: $(count) rows, expected $total" >&2; exit 1; }
  reset
  timed write 1 "$work/all.jsonl"
  t_one=$took
  read -r _ c_one _ <<< "$cpu"
  keep_best b_one cb_one
  [ "$(count)" = "$total" ] || { echo "4 streams, 1 connection: $(count) rows, expected $total" >&2; exit 1; }
  reset
  timed write "$connections" "$work/all.jsonl"
  t_many=$took
  read -r _ c_many _ <<< "$cpu"
  keep_best b_many cb_many
  [ "$(count)" = "$total" ] || { echo "4 streams, $connections connections: $(count) rows, expected $total" >&2; exit 1; }
  printf 'round %d: one at a time %.2f s (cores %s%% busy), 4 streams over 1 connection %.2f s (%s%%), over %d connections %.2f s (%s%%)\n' \
    "$r" "$t_seq" "$c_seq" "$t_one" "$c_one" "$connections" "$t_many" "$c_many"
done
read -r _ p_seq _ <<< "$cb_seq"  # how busy the cores were in each best round
read -r _ p_one _ <<< "$cb_one"
read -r _ p_many _ <<< "$cb_many"
"$PY" -c "
s, o, m, n = $b_seq, $b_one, $b_many, $total
print('records: %d in 4 streams (%d cores)' % (n, __import__('os').cpu_count()))
print('one stream at a time, 1 connection: %.2f s  (%.0f records/s, cores $p_seq%% busy)' % (s, n / s))
print('4 streams, 1 connection:            %.2f s  (%.0f records/s, cores $p_one%% busy)' % (o, n / o))
print('4 streams, $connections connections:           %.2f s  (%.0f records/s, cores $p_many%% busy)' % (m, n / m))
print('speed-up of the 4-stream write over one at a time: %.2fx' % (s / m))
print('the 4 interleaved streams over 1 connection against one at a time: %.2fx the time' % (o / s))
"

# The same as a real `connhost sync`: source_faker's 3 streams (users, products, purchases; n/3 records each, append)
# into dest_pg, read one after another over one connection, against read in turns ("interleave") and written over
# 3 connections. Each round starts from new tables and no state file.
per_stream=$(( n / 3 ))
faker_config() {  # faker_config INTERLEAVE FILE
  printf '{"count": %d, "seed": 7, "state_interval": 1000, "interleave": %s}' "$per_stream" "$1" > "$2"
}
faker_config false "$work/faker-seq.json"
faker_config true "$work/faker-inter.json"
"$connhost" run --plugin source_faker discover --config "$work/faker-seq.json" |
  "$PY" -c '
import json, sys
cat = next(json.loads(l)["catalog"] for l in sys.stdin if json.loads(l).get("type") == "CATALOG")
json.dump({"streams": [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                       for s in cat["streams"]]}, open(sys.argv[1], "w"))' "$work/faker-catalog.json"
sync_run() {  # sync_run FAKER_CONFIG CONNECTIONS
  rm -f "$work/sync-state.json"
  "$connhost" sync --source source_faker --source-config "$1" --destination dest_pg \
    --destination-config "$work/config-$2.json" --catalog "$work/faker-catalog.json" \
    --state-file "$work/sync-state.json" > "$work/sync.log" 2>&1 || { cat "$work/sync.log" >&2; exit 1; }
}
sync_total=$(( per_stream * 3 ))
sync_count() { psql_su "$db" -c 'SELECT (SELECT count(*) FROM public.users) + (SELECT count(*) FROM public.products) + (SELECT count(*) FROM public.purchases)'; }
sync_reset() { psql_su "$db" -c 'SET client_min_messages = warning' -c 'DROP TABLE IF EXISTS public.users, public.products, public.purchases' -c 'CHECKPOINT' >/dev/null; }
b_sseq="" b_smany="" cb_sseq="" cb_smany=""
for r in $(seq 1 "$rounds"); do
  sync_reset
  timed sync_run "$work/faker-seq.json" 1
  t_sseq=$took
  read -r _ c_sseq _ <<< "$cpu"
  keep_best b_sseq cb_sseq
  [ "$(sync_count)" = "$sync_total" ] || { echo "sync one at a time: $(sync_count) rows, expected $sync_total" >&2; exit 1; }
  sync_reset
  timed sync_run "$work/faker-inter.json" 3
  t_smany=$took
  read -r _ c_smany _ <<< "$cpu"
  keep_best b_smany cb_smany
  [ "$(sync_count)" = "$sync_total" ] || { echo "sync in turns: $(sync_count) rows, expected $sync_total" >&2; exit 1; }
  printf 'sync round %d: 3 streams one at a time %.2f s (cores %s%% busy), in turns over 3 connections %.2f s (%s%%)\n' \
    "$r" "$t_sseq" "$c_sseq" "$t_smany" "$c_smany"
done
read -r _ p_sseq _ <<< "$cb_sseq"
read -r _ p_smany _ <<< "$cb_smany"
"$PY" -c "
s, m, n = $b_sseq, $b_smany, $sync_total
print('connhost sync source_faker -> dest_pg, %d records in 3 streams:' % n)
print('  one stream at a time, 1 connection:    %.2f s  (%.0f records/s, cores $p_sseq%% busy)' % (s, n / s))
print('  streams in turns, 3 connections:       %.2f s  (%.0f records/s, cores $p_smany%% busy)' % (m, n / m))
print('speed-up of the 3-stream sync over one at a time: %.2fx' % (s / m))
"
