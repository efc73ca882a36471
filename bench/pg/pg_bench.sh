#!/usr/bin/env bash
# bench/pg: 1M records into PostgreSQL through `connhost run --plugin dest_pg write` (from a JSONL file of
# RECORD lines) against `psql \copy` of the same rows as CSV into a table of the same shape, in one run,
# on a throwaway cluster (tests/pg/pg_server.sh). Prints both times and the ratio (target <= 1.25).
#
#   bench/pg/pg_bench.sh [CONNHOST_BINARY] [RECORDS]      (default build/bin/connhost, 1000000)
# Each side runs ROUNDS times (default 2) into an emptied table after a CHECKPOINT, alternating; the best
# time of each side is compared. Both load over TCP on 127.0.0.1 into the same server, fsync on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=pg
. "$root/bench/pg/bench_cluster.sh"

echo "generating $n rows (JSONL and CSV)..."
"$PY" "$here/gen_rows.py" "$n" "$work/rows.jsonl" "$work/rows.csv"
"$PY" "$here/gen_rows.py" --catalog > "$work/catalog.json"
"$PY" - "$info" "$work/config.json" <<'PYEOF'
import json, sys
i = json.load(open(sys.argv[1]))
json.dump({"host": i["host"], "port": i["port"], "database": i["database"], "username": i["username"],
           "password": i["password"], "ssl_mode": "disable"}, open(sys.argv[2], "w"))
PYEOF
echo "jsonl: $(du -h "$work/rows.jsonl" | cut -f1), csv: $(du -h "$work/rows.csv" | cut -f1)"

# dest_pg creates its table from one record; the \copy table copies its shape (columns, types, order).
head -1 "$work/rows.jsonl" | "$connhost" run --plugin dest_pg write --config "$work/config.json" --catalog "$work/catalog.json" >/dev/null
psql_tcp "$db" -c 'CREATE TABLE public.bench_copy (LIKE public.bench)'
cols=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import gen_rows; print(", ".join("\"%s\"" % c for c in gen_rows.COLUMNS))' "$here")

now() { date +%s.%N; }
best_pg="" best_copy=""
for r in $(seq 1 "$rounds"); do
  psql_su "$db" -c 'TRUNCATE public.bench, public.bench_copy' -c 'CHECKPOINT'
  t0=$(now)
  psql_tcp "$db" -c "\\copy public.bench_copy ($cols) FROM '$work/rows.csv' WITH (FORMAT csv)"
  t_copy=$("$PY" -c "print($(now) - $t0)")
  psql_su "$db" -c 'CHECKPOINT'
  t0=$(now)
  "$connhost" run --plugin dest_pg write --config "$work/config.json" --catalog "$work/catalog.json" < "$work/rows.jsonl" > "$work/out.txt"
  t_pg=$("$PY" -c "print($(now) - $t0)")
  rows_pg=$(psql_su "$db" -c 'SELECT count(*) FROM public.bench')
  rows_copy=$(psql_su "$db" -c 'SELECT count(*) FROM public.bench_copy')
  [ "$rows_pg" = "$n" ] && [ "$rows_copy" = "$n" ] || { echo "row counts: dest_pg $rows_pg, \\copy $rows_copy, expected $n" >&2; exit 1; }
  printf 'round %d: psql \\copy %.2f s, dest_pg %.2f s\n' "$r" "$t_copy" "$t_pg"
  best_copy=$("$PY" -c "print(min(x for x in [$t_copy, ${best_copy:-1e9}]))")
  best_pg=$("$PY" -c "print(min(x for x in [$t_pg, ${best_pg:-1e9}]))")
done
# Same values on both sides (a sample compared cell by cell, the raw ids aside).
diff <(psql_su "$db" -c "SELECT id, name, email, score, active, created_at, payload, _connhost_meta, _connhost_extracted_at, _connhost_generation_id FROM public.bench WHERE id % 9973 = 0 ORDER BY id") \
     <(psql_su "$db" -c "SELECT id, name, email, score, active, created_at, payload, _connhost_meta, _connhost_extracted_at, _connhost_generation_id FROM public.bench_copy WHERE id % 9973 = 0 ORDER BY id") \
  >/dev/null || { echo "dest_pg and \\copy stored different values" >&2; exit 1; }
"$PY" -c "
c, p = $best_copy, $best_pg
print('records: %d' % $n)
print('psql \\\\copy (CSV):      %.2f s  (%.0f records/s)' % (c, $n / c))
print('connhost dest_pg write: %.2f s  (%.0f records/s)' % (p, $n / p))
print('ratio dest_pg / \\\\copy: %.2f  (target <= 1.25)' % (p / c))
"
