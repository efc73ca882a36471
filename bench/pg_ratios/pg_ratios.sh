#!/usr/bin/env bash
# bench/pg_ratios: the two PostgreSQL ratios of issue 13, each against a limit measured in the same run, on a
# throwaway cluster (tests/pg/pg_server.sh), for dest_pg's default table and its lean one ("metadata_columns": "lean").
#
#   bench/pg_ratios/pg_ratios.sh [CONNHOST_BINARY] [ACCOUNTS_ROWS]   (default build/bin/connhost, 1000000)
#   USERS=N (default 300000) rows of the users shape; ROUNDS=N (default 5) runs of each side, the best compared.
#   BEFORE=OTHER_CONNHOST_BINARY also times that build in each mode in the same rounds (a before/after
#   comparison against the same limits); MODES="full lean" (default) the dest_pg table modes run.
#
# Shapes (source tables in the cluster's test database):
#   accounts: pgbench_accounts as `pgbench -i -s 10` makes it (aid integer, bid integer, abalance integer,
#             filler character(84) blank-padded).
#   users:    9 columns: id bigint, username, email, full_name text, age integer, balance numeric(12,2),
#             is_active boolean, created_at timestamptz, profile jsonb (a few NULLs).
# (a) `connhost sync` source_postgres -> dest_pg (full_refresh / overwrite) against the BARE pipe
#     `psql \copy (SELECT user columns) TO STDOUT | psql \copy t (user columns) FROM STDIN` into a table of the user
#     columns only (no metadata), target <= 1.25. Beside it, the floor: the time the destination server alone takes to
#     write the rows the sync wrote (every column a row stores, COPY binary from a file), which no sync into that
#     table can beat; and for default tables the METADATA pipe, issue 13's other reference: the same pipe writing the
#     metadata columns too (`gen_random_uuid()`, `now()`, 0, NULL, 0 selected beside the user columns) into a table of
#     the sync's shape. And the CPU line: how busy the machine's cores were over each side's best round, and the least
#     time the CPU the sync used allows on those cores (its busy CPU time over their number) against the bare pipe:
#     the whole machine's, so read it from a run on an otherwise idle one; connhost's own CPU time is beside it.
# (b) `connhost run --plugin dest_pg write` of the users records (a file of source_postgres's RECORD lines, append
#     into an emptied table) against `psql \copy t (user columns) FROM FILE` of the same rows (COPY text from the
#     source) into a table of the user columns only, target <= 1.0. Its CPU line: how busy the cores were and the CPU
#     connhost used, whose one run thread reads, checks and encodes every line.
# Each side runs into emptied tables after a CHECKPOINT, alternating (the sync's overwrite drops the table it replaces
# when it ends: emptied first, as the pipe's is, so neither side's time holds the removal of the last round's rows);
# both over TCP on 127.0.0.1, fsync on. Timing never fails the run; differing row counts, or sampled rows
# (key % 997 = 0) that differ from the source, do.
set -euo pipefail
shopt -s inherit_errexit  # a failed step inside $(...) (the timed sides, the floor) stops the bench, not a bad time
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=pgratios
. "$root/bench/pg/bench_cluster.sh"
users=${USERS:-300000}
rounds=${ROUNDS:-5}  # one side varied by 0.1 s to over 1 s between rounds on a noisy 2-core machine: the best of 5
before=${BEFORE:-}
modes=${MODES:-full lean}
src_db=$db

echo "generating $n accounts rows and $users users rows in $src_db..."
psql_tcp "$src_db" -v n="$n" -v u="$users" <<'SQL'
CREATE TABLE public.accounts (aid integer PRIMARY KEY, bid integer, abalance integer, filler character(84));
INSERT INTO public.accounts SELECT i, (i - 1) / 100000 + 1, 0, '' FROM generate_series(1, :n) AS i;
CREATE TABLE public.users (
  id bigint PRIMARY KEY, username text NOT NULL, email text, full_name text, age integer, balance numeric(12,2),
  is_active boolean NOT NULL, created_at timestamptz NOT NULL, profile jsonb);
INSERT INTO public.users
SELECT i, 'user' || i,
       CASE WHEN i % 101 = 7 THEN NULL ELSE 'user' || i || '@example.com' END,
       (ARRAY['Ada', 'Grace', 'Alan', 'Edsger'])[1 + i % 4] || ' ' || (ARRAY['Lovelace', 'Hopper', 'Turing'])[1 + i % 3],
       CASE WHEN i % 53 = 3 THEN NULL ELSE 18 + i % 60 END,
       ((i * 7919) % 10000000) / 100.0,
       i % 3 <> 0,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1.234567 seconds',
       CASE WHEN i % 29 = 1 THEN NULL ELSE
         jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + i % 3], 'seats', i % 50,
                            'tags', jsonb_build_array('a', 'b' || (i % 7)), 'ok', i % 2 = 0) END
FROM generate_series(1::bigint, :u) AS i;
CREATE DATABASE bench_full;
CREATE DATABASE bench_lean;
SQL
psql_su "$src_db" -c 'VACUUM (FREEZE, ANALYZE) public.accounts, public.users' -c 'CHECKPOINT'

"$PY" - "$info" "$work" <<'PYEOF'
import json, sys
i, work = json.load(open(sys.argv[1])), sys.argv[2]
c = {"host": i["host"], "port": i["port"], "database": i["database"], "username": i["username"],
     "password": i["password"], "ssl_mode": "disable"}
json.dump(c, open(work + "/source.json", "w"))
json.dump(dict(c, database="bench_full"), open(work + "/dest_full.json", "w"))
json.dump(dict(c, database="bench_lean", metadata_columns="lean"), open(work + "/dest_lean.json", "w"))
PYEOF
"$connhost" run --plugin source_postgres discover --config "$work/source.json" > "$work/discover.jsonl"
# One configured catalog per shape and mode: sync (full_refresh/overwrite) and write (append).
"$PY" - "$work" <<'PYEOF'
import json, sys
work = sys.argv[1]
streams = {}
for line in open(work + "/discover.jsonl"):
    m = json.loads(line)
    if m.get("type") == "CATALOG":
        for s in m["catalog"]["streams"]:
            if s.get("namespace") == "public":
                streams[s["name"]] = s
for name in ("accounts", "users"):
    if name not in streams:
        sys.exit("discover found no stream public." + name)
    for kind, dest in (("sync", "overwrite"), ("write", "append")):
        json.dump({"streams": [{"stream": streams[name], "sync_mode": "full_refresh", "destination_sync_mode": dest}]},
                  open("%s/%s_%s.json" % (work, name, kind), "w"))
PYEOF

best() { "$PY" -c "print(min(x for x in [$1, ${2:-1e9}]))"; }
count() { psql_su "$1" -c "SELECT count(*) FROM public.$2"; }
cols_of() {  # the user columns of table $2 in database $1 (its _connhost_ metadata columns with $3 = meta), quoted, comma-separated
  local match='!~'
  [ "${3:-}" != meta ] || match='~'
  psql_su "$1" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                   WHERE attrelid = 'public.$2'::regclass AND attnum > 0 AND NOT attisdropped AND attname $match '^_connhost_'"
}
sync() {  # sync shape $1 into destination config $2 [with connhost binary $3]
  rm -f "$work/state.json"
  "${3:-$connhost}" sync --source source_postgres --source-config "$work/source.json" --destination dest_pg \
    --destination-config "$2" --catalog "$work/$1_sync.json" --state-file "$work/state.json" > "$work/sync.log" 2>&1 \
    || { echo "connhost sync failed:" >&2; cat "$work/sync.log" >&2; exit 1; }
}
same_sample() {  # table $2 of database $1 holds the source's sampled rows of shape $2 (table $3, default $2)
  local cols key q
  cols=$(cols_of "$src_db" "$2") key=${cols%%,*}
  q="SELECT $cols FROM public.%s WHERE $key %% 997 = 0 ORDER BY $key"
  psql_su "$src_db" -c "$(printf "$q" "$2")" > "$work/sample_src.txt"
  psql_su "$1" -c "$(printf "$q" "${3:-$2}")" > "$work/sample_dst.txt"
  [ -s "$work/sample_src.txt" ] || { echo "the sample of $2 is empty" >&2; exit 1; }
  diff "$work/sample_src.txt" "$work/sample_dst.txt" >&2 \
    || { echo "$1.public.${3:-$2} holds values other than the source's (diff above: < source)" >&2; exit 1; }
}
expect_rows() {  # database $1 table $2 has $3 rows
  local got
  got=$(count "$1" "$2")
  [ "$got" = "$3" ] || { echo "$1.public.$2 has $got rows, expected $3" >&2; exit 1; }
}

# write_floor SHAPE: the best of $rounds times of the destination server alone writing the rows the sync wrote (every
# column of bench_$mode.public.SHAPE each row stores, metadata included: an overwrite's generation and sync are kept
# in the catalog, dest_pg.md), COPY binary from a file into an empty table of those columns (NOT NULL kept): no
# source, no connhost, what no sync into that table shape can go below.
write_floor() {
  local b="" cols nn
  cols=$(psql_su "bench_$mode" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
    WHERE attrelid = 'public.$1'::regclass AND attnum > 0 AND NOT attisdropped AND NOT atthasmissing")
  nn=$(psql_su "bench_$mode" -c "SELECT coalesce(string_agg('ALTER COLUMN ' || quote_ident(attname) || ' SET NOT NULL',
    ', '), '') FROM pg_attribute WHERE attrelid = 'public.$1'::regclass AND attnum > 0 AND NOT attisdropped AND
    NOT atthasmissing AND attnotnull")
  psql_su "bench_$mode" -c "\\copy (SELECT $cols FROM public.$1) TO '$work/floor.bin' WITH (FORMAT binary)"
  psql_tcp "bench_$mode" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS public.${1}_floor" \
    -c "CREATE TABLE public.${1}_floor AS SELECT $cols FROM public.$1 WITH NO DATA"
  [ -z "$nn" ] || psql_tcp "bench_$mode" -c "ALTER TABLE public.${1}_floor $nn"
  for r in $(seq 1 "$rounds"); do
    psql_su "bench_$mode" -c "TRUNCATE public.${1}_floor" -c 'CHECKPOINT'
    timed psql_tcp "bench_$mode" -c "\\copy public.${1}_floor FROM '$work/floor.bin' WITH (FORMAT binary)"
    b=$(best "$took" "$b")
  done
  expect_rows "bench_$mode" "${1}_floor" "${rows[$1]}"
  psql_tcp "bench_$mode" -c "DROP TABLE public.${1}_floor"
  rm -f "$work/floor.bin"
  echo "$b"
}
# bare_pipe SHAPE SRC_COLS COLS: the bare pipe, the source's user columns SRC_COLS of SHAPE into ${SHAPE}_pipe (COLS).
bare_pipe() {
  psql_tcp "$src_db" -c "\\copy (SELECT $2 FROM public.$1) TO STDOUT" \
    | psql_tcp "bench_$mode" -c "\\copy public.${1}_pipe ($3) FROM STDIN"
}
# meta_exprs META: the values the metadata pipe selects for the metadata columns META (cols_of ... meta), in order.
meta_exprs() {
  local exprs
  exprs=$(echo "$1" | sed -e 's/_connhost_raw_id/gen_random_uuid()/' -e 's/_connhost_extracted_at/now()/' \
    -e 's/_connhost_generation_id/0::bigint/' -e 's/_connhost_meta/NULL::jsonb/' -e 's/_connhost_sync_id/0::bigint/')
  [ "$(echo "$exprs" | tr -d ' ' | tr ',' '\n' | LC_ALL=C sort | tr '\n' ' ')" = "0::bigint 0::bigint NULL::jsonb gen_random_uuid() now() " ] \
    || { echo "bench_$mode has the metadata columns '$1', which meta_exprs does not know" >&2; exit 1; }
  echo "$exprs"
}
# meta_pipe SHAPE SRC_COLS COLS META EXPRS: the bare pipe of SHAPE writing the default table's metadata columns META
# too (selected as EXPRS), as issue 13 measured it (5.75 s against the bare pipe's 2.14 s there), into
# ${SHAPE}_meta_pipe.
meta_pipe() {
  psql_tcp "$src_db" -c "\\copy (SELECT $5, $2 FROM public.$1) TO STDOUT" \
    | psql_tcp "bench_$mode" -c "\\copy public.${1}_meta_pipe ($4, $3) FROM STDIN" \
    || { echo "the metadata pipe of $1 failed" >&2; exit 1; }
}
declare -A rows=([accounts]=$n [users]=$users)
cores=$(nproc)
results=()
# (a) sync vs the bare pipe, per shape and table mode.
for shape in accounts users; do
  for mode in $modes; do
    sync "$shape" "$work/dest_$mode.json"  # creates dest_pg's table; the pipe's table takes its user columns
    cols=$(cols_of "bench_$mode" "$shape")
    psql_tcp "bench_$mode" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS public.${shape}_pipe" \
      -c "CREATE TABLE public.${shape}_pipe AS SELECT $cols FROM public.$shape WITH NO DATA"
    src_cols=$(cols_of "$src_db" "$shape")
    if [ "$mode" != lean ]; then
      meta=$(cols_of "bench_$mode" "$shape" meta)
      exprs=$(meta_exprs "$meta")
      psql_tcp "bench_$mode" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS public.${shape}_meta_pipe" \
        -c "CREATE TABLE public.${shape}_meta_pipe (LIKE public.$shape)"
    fi
    b_pipe="" b_sync="" b_before="" b_meta="" cb_pipe="" cb_sync=""
    for r in $(seq 1 "$rounds"); do
      psql_su "bench_$mode" -c "TRUNCATE public.${shape}_pipe" -c 'CHECKPOINT'
      timed bare_pipe "$shape" "$src_cols" "$cols"
      t_pipe=$took
      keep_best b_pipe cb_pipe
      if [ "$mode" != lean ]; then
        psql_su "bench_$mode" -c "TRUNCATE public.${shape}_meta_pipe" -c 'CHECKPOINT'
        timed meta_pipe "$shape" "$src_cols" "$cols" "$meta" "$exprs"
        t_meta=$took
        printf '%s %s round %d: metadata pipe %.2f s\n' "$shape" "$mode" "$r" "$t_meta"
        b_meta=$(best "$t_meta" "$b_meta")
      fi
      if [ -n "$before" ]; then
        psql_su "bench_$mode" -c "TRUNCATE public.$shape" -c 'CHECKPOINT'
        timed sync "$shape" "$work/dest_$mode.json" "$before"
        t_before=$took
        expect_rows "bench_$mode" "$shape" "${rows[$shape]}"
        printf '%s %s round %d: connhost sync BEFORE %.2f s\n' "$shape" "$mode" "$r" "$t_before"
        b_before=$(best "$t_before" "$b_before")
      fi
      psql_su "bench_$mode" -c "TRUNCATE public.$shape" -c 'CHECKPOINT'
      timed sync "$shape" "$work/dest_$mode.json"
      t_sync=$took
      keep_best b_sync cb_sync
      expect_rows "bench_$mode" "$shape" "${rows[$shape]}"
      expect_rows "bench_$mode" "${shape}_pipe" "${rows[$shape]}"
      printf '%s %s round %d: bare pipe %.2f s, connhost sync %.2f s\n' "$shape" "$mode" "$r" "$t_pipe" "$t_sync"
    done
    same_sample "bench_$mode" "$shape"
    same_sample "bench_$mode" "$shape" "${shape}_pipe"
    results+=("$("$PY" -c "print('(a) %-8s %-4s sync %6.2f s, bare pipe %6.2f s: ratio %.2f (target <= 1.25)' % ('$shape', '$mode', $b_sync, $b_pipe, $b_sync / $b_pipe))")")
    read -r cs_sync pct_sync ch_sync <<< "$cb_sync"
    read -r cs_pipe pct_pipe _ <<< "$cb_pipe"
    results+=("$("$PY" -c "print('    %-8s %-4s CPU: the sync kept the %d cores %s%% busy, %.2f s of CPU (at least %.2f s on them, %.2f of the bare pipe; connhost %.2f s); the pipe %s%%, %.2f s' % ('$shape', '$mode', $cores, '$pct_sync', $cs_sync, $cs_sync / $cores, $cs_sync / $cores / $b_pipe, $ch_sync, '$pct_pipe', $cs_pipe))")")
    if [ "$mode" != lean ]; then
      expect_rows "bench_$mode" "${shape}_meta_pipe" "${rows[$shape]}"
      psql_tcp "bench_$mode" -c "DROP TABLE public.${shape}_meta_pipe"
      results+=("$("$PY" -c "print('    %-8s %-4s metadata pipe (the pipe writing the metadata columns too) %6.2f s: the sync is %.2f of it' % ('$shape', '$mode', $b_meta, $b_sync / $b_meta))")")
    fi
    b_floor=$(write_floor "$shape")
    results+=("$("$PY" -c "print('    %-8s %-4s floor: the synced rows (every column a row stores) COPYed binary from a file %6.2f s, %.2f of the bare pipe' % ('$shape', '$mode', $b_floor, $b_floor / $b_pipe))")")
    [ -z "$b_before" ] || results+=("$("$PY" -c "print('(a) %-8s %-4s BEFORE sync %6.2f s: ratio %.2f' % ('$shape', '$mode', $b_before, $b_before / $b_pipe))")")
  done
done

# (b) run write of the users records vs \copy of the same rows into the user columns.
"$connhost" run --plugin source_postgres read --config "$work/source.json" --catalog "$work/users_write.json" \
  > "$work/users.jsonl" 2> "$work/read.log"
grep -c '"type": *"RECORD"' "$work/users.jsonl" | grep -qx "$users" \
  || { echo "source_postgres read did not give $users users records" >&2; exit 1; }
src_cols=$(cols_of "$src_db" users)
psql_tcp "$src_db" -c "\\copy (SELECT $src_cols FROM public.users) TO '$work/users.copy'"
echo "users records: $(du -h "$work/users.jsonl" | cut -f1) of RECORD lines, $(du -h "$work/users.copy" | cut -f1) of COPY text"
# write_users BINARY WHAT: `BINARY run --plugin dest_pg write` of the users records into bench_$mode (WHAT names it
# when it fails).
write_users() {
  "$1" run --plugin dest_pg write --config "$work/dest_$mode.json" --catalog "$work/users_write.json" \
    < "$work/users.jsonl" > "$work/write.out" 2> "$work/write.log" \
    || { echo "$2 failed:" >&2; cat "$work/write.log" >&2; exit 1; }
}
for mode in $modes; do
  cols=$(cols_of "bench_$mode" users)
  psql_tcp "bench_$mode" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS public.users_copy" \
    -c "CREATE TABLE public.users_copy AS SELECT $cols FROM public.users WITH NO DATA"
  b_copy="" b_write="" b_before="" cb_write=""
  for r in $(seq 1 "$rounds"); do
    psql_su "bench_$mode" -c 'TRUNCATE public.users, public.users_copy' -c 'CHECKPOINT'
    timed psql_tcp "bench_$mode" -c "\\copy public.users_copy ($cols) FROM '$work/users.copy'"
    t_copy=$took
    if [ -n "$before" ]; then
      psql_su "bench_$mode" -c 'CHECKPOINT'
      timed write_users "$before" "connhost run write (BEFORE)"
      t_before=$took
      expect_rows "bench_$mode" users "$users"
      printf 'users %s round %d: run write BEFORE %.2f s\n' "$mode" "$r" "$t_before"
      b_before=$(best "$t_before" "$b_before")
    fi
    psql_su "bench_$mode" -c 'TRUNCATE public.users' -c 'CHECKPOINT'
    timed write_users "$connhost" "connhost run write"
    t_write=$took
    keep_best b_write cb_write
    expect_rows "bench_$mode" users "$users"
    expect_rows "bench_$mode" users_copy "$users"
    printf 'users %s round %d: \\copy %.2f s, run write %.2f s\n' "$mode" "$r" "$t_copy" "$t_write"
    b_copy=$(best "$t_copy" "$b_copy")
  done
  same_sample "bench_$mode" users
  same_sample "bench_$mode" users users_copy
  results+=("$("$PY" -c "print('(b) users    %-4s run write %6.2f s, \\\\copy %6.2f s: ratio %.2f (target <= 1.0)' % ('$mode', $b_write, $b_copy, $b_write / $b_copy))")")
  read -r cs_write pct_write ch_write <<< "$cb_write"
  results+=("$("$PY" -c "print('    users    %-4s CPU: the run write kept the %d cores %s%% busy, %.2f s of CPU; connhost %.2f s, almost all on its one run thread (%.2f of the \\\\copy)' % ('$mode', $cores, '$pct_write', $cs_write, $ch_write, $ch_write / $b_copy))")")
  [ -z "$b_before" ] || results+=("$("$PY" -c "print('(b) users    %-4s BEFORE run write %6.2f s: ratio %.2f' % ('$mode', $b_before, $b_before / $b_copy))")")
done
echo "rows: accounts $n, users $users; best of $rounds rounds each"
printf '%s\n' "${results[@]}"
