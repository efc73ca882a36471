#!/usr/bin/env bash
# bench/pg_to_pg: 1M rows PostgreSQL -> PostgreSQL through `connhost sync` (source_postgres -> dest_pg) against
# `psql -c "\copy (SELECT ...) TO STDOUT" | psql -c "\copy ... FROM STDIN"` of the same table, in one run, on a
# throwaway cluster (tests/pg/pg_server.sh). Prints both times and the ratio connhost / pipe (target <= 1.5).
#
#   bench/pg_to_pg/pg_to_pg.sh [CONNHOST_BINARY] [RECORDS]      (default build/bin/connhost, 1000000)
# The source table public.bench_src (id, name, email, score, active, created_at, payload) is generated
# server-side in the cluster's test database; a second database receives both sides: connhost writes
# public.bench_src (full_refresh / overwrite), the pipe writes public.bench_pipe, a table of the shape dest_pg
# created (LIKE), with the same _connhost_* metadata columns (computed in the pipe's SELECT). Each side runs
# ROUNDS times (default 2) into emptied tables after a CHECKPOINT, alternating; the best time of each side is
# compared. Both read and write over TCP on 127.0.0.1, fsync on. Timing never fails the run; differing row
# counts or sampled values (id % 9973 = 0) between the two destination tables and the source do.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=pg2pg
. "$root/bench/pg/bench_cluster.sh"
src_db=$db
dst_db=bench_dst

echo "generating $n rows in $src_db.public.bench_src..."
psql_tcp "$src_db" -v n="$n" <<'SQL'
CREATE TABLE public.bench_src (
  id bigint PRIMARY KEY, name text NOT NULL, email text, score numeric(12,2), active boolean NOT NULL,
  created_at timestamptz NOT NULL, payload jsonb);
INSERT INTO public.bench_src
SELECT i,
       'user ' || i || ' ' || (ARRAY['alpha', 'beta', 'gamma', 'delta'])[1 + i % 4],
       CASE WHEN i % 101 = 7 THEN NULL ELSE 'user' || i || '@example.com' END,
       CASE WHEN i % 97 = 5 THEN NULL ELSE ((i * 7919) % 10000000) / 100.0 END,
       i % 3 <> 0,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1.234567 seconds',
       jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + i % 3], 'seats', i % 50,
                          'tags', jsonb_build_array('a', 'b' || (i % 7)))
FROM generate_series(1::bigint, :n) AS i;
CREATE DATABASE bench_dst;
SQL
# Hint bits set and statistics taken once, so neither side's first read pays for them.
psql_su "$src_db" -c 'VACUUM (FREEZE, ANALYZE) public.bench_src' -c 'CHECKPOINT'
echo "source table: $(psql_su "$src_db" -c "SELECT pg_size_pretty(pg_table_size('public.bench_src'))")"

"$PY" - "$info" "$dst_db" "$work/source.json" "$work/destination.json" <<'PYEOF'
import json, sys
i = json.load(open(sys.argv[1]))
c = {"host": i["host"], "port": i["port"], "database": i["database"], "username": i["username"],
     "password": i["password"], "ssl_mode": "disable"}
json.dump(c, open(sys.argv[3], "w"))
c["database"] = sys.argv[2]
json.dump(c, open(sys.argv[4], "w"))
PYEOF
# The configured catalog: the discovered bench_src stream, full_refresh into overwrite (rounds repeatable).
"$connhost" run --plugin source_postgres discover --config "$work/source.json" > "$work/discover.jsonl"
"$PY" - "$work/discover.jsonl" "$work/catalog.json" <<'PYEOF'
import json, sys
stream = None
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("type") == "CATALOG":
        for s in m["catalog"]["streams"]:
            if s["name"] == "bench_src" and s.get("namespace") == "public":
                stream = s
if stream is None:
    sys.exit("discover found no stream public.bench_src")
json.dump({"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]},
          open(sys.argv[2], "w"))
PYEOF

sync() {
  rm -f "$work/state.json"
  "$connhost" sync --source source_postgres --source-config "$work/source.json" \
    --destination dest_pg --destination-config "$work/destination.json" \
    --catalog "$work/catalog.json" --state-file "$work/state.json" > "$work/sync.log" 2>&1 \
    || { echo "connhost sync failed:" >&2; cat "$work/sync.log" >&2; exit 1; }
}

# A first sync creates dest_pg's table; the pipe's table copies its shape (columns, types, order).
sync
psql_tcp "$dst_db" -c 'CREATE TABLE public.bench_pipe (LIKE public.bench_src)'
# The pipe writes every column dest_pg writes; the metadata ones get what dest_pg puts there.
data_cols="" dst_cols="" sel=""
while IFS= read -r c; do
  case "$c" in
    _connhost_raw_id) e='gen_random_uuid()' ;;
    _connhost_extracted_at) e='now()' ;;
    _connhost_generation_id) e='0::bigint' ;;
    _connhost_meta) e='NULL::jsonb' ;;  # what dest_pg stores for a record without meta or changes
    _connhost_sync_id) e='0::bigint' ;;
    _connhost_*) echo "dest_pg wrote a metadata column this benchmark does not know: $c" >&2; exit 1 ;;
    *) e="\"$c\""; data_cols+="${data_cols:+, }\"$c\"" ;;
  esac
  dst_cols+="${dst_cols:+, }\"$c\""
  sel+="${sel:+, }$e"
done < <(psql_su "$dst_db" -c "SELECT attname FROM pg_attribute WHERE attrelid = 'public.bench_src'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
[ "$data_cols" = '"id", "name", "email", "score", "active", "created_at", "payload"' ] \
  || { echo "dest_pg's table has data columns $data_cols" >&2; exit 1; }

now() { date +%s.%N; }
best_sync="" best_pipe=""
for r in $(seq 1 "$rounds"); do
  psql_su "$dst_db" -c 'TRUNCATE public.bench_src, public.bench_pipe' -c 'CHECKPOINT'
  t0=$(now)
  psql_tcp "$src_db" -c "\\copy (SELECT $sel FROM public.bench_src) TO STDOUT" \
    | psql_tcp "$dst_db" -c "\\copy public.bench_pipe ($dst_cols) FROM STDIN"
  t_pipe=$("$PY" -c "print($(now) - $t0)")
  psql_su "$dst_db" -c 'CHECKPOINT'
  t0=$(now)
  sync
  t_sync=$("$PY" -c "print($(now) - $t0)")
  rows_sync=$(psql_su "$dst_db" -c 'SELECT count(*) FROM public.bench_src')
  rows_pipe=$(psql_su "$dst_db" -c 'SELECT count(*) FROM public.bench_pipe')
  [ "$rows_sync" = "$n" ] && [ "$rows_pipe" = "$n" ] \
    || { echo "row counts: connhost sync $rows_sync, psql pipe $rows_pipe, expected $n" >&2; exit 1; }
  printf 'round %d: psql pipe %.2f s, connhost sync %.2f s\n' "$r" "$t_pipe" "$t_sync"
  best_pipe=$("$PY" -c "print(min(x for x in [$t_pipe, ${best_pipe:-1e9}]))")
  best_sync=$("$PY" -c "print(min(x for x in [$t_sync, ${best_sync:-1e9}]))")
done
# Same values on both sides and in the source (a sample compared cell by cell, the metadata aside).
sample="SELECT $data_cols FROM public.%s WHERE id %% 9973 = 0 ORDER BY id"
psql_su "$src_db" -c "$(printf "$sample" bench_src)" > "$work/sample_source.txt"
psql_su "$dst_db" -c "$(printf "$sample" bench_src)" > "$work/sample_sync.txt"
psql_su "$dst_db" -c "$(printf "$sample" bench_pipe)" > "$work/sample_pipe.txt"
[ -s "$work/sample_source.txt" ] || [ "$n" -lt 9973 ] || { echo "the sample of the source is empty" >&2; exit 1; }
diff "$work/sample_source.txt" "$work/sample_sync.txt" >&2 \
  || { echo "connhost sync stored values other than the source's (diff above: < source, > connhost)" >&2; exit 1; }
diff "$work/sample_sync.txt" "$work/sample_pipe.txt" >&2 \
  || { echo "connhost sync and the psql pipe stored different values (diff above: < connhost, > pipe)" >&2; exit 1; }
"$PY" -c "
c, p = $best_pipe, $best_sync
print('records: %d' % $n)
print('psql \\\\copy pipe:   %.2f s  (%.0f records/s)' % (c, $n / c))
print('connhost sync:     %.2f s  (%.0f records/s)' % (p, $n / p))
print('ratio connhost sync / psql pipe: %.2f  (target <= 1.5)' % (p / c))
"
