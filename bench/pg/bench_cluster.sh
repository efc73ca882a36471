# Sourced by the PostgreSQL benchmarks (bench/pg, bench/pg_to_pg, bench/streams, bench/pg_ratios) after `set -euo pipefail`, with `root` (the
# repository) and `tag` (names the work dir) set. Reads the benchmark's arguments [CONNHOST_BINARY] [RECORDS]
# into connhost and n (defaults build/bin/connhost, 1000000) and ROUNDS into rounds (default 2); makes $work
# (removed on exit), starts a throwaway cluster
# (tests/pg/pg_server.sh, stopped on exit) and sets port, user, db, sock, bindir, PGPASSWORD, PY and
#   psql_tcp DB ARGS...   psql as the test role over TCP 127.0.0.1
#   psql_su DB ARGS...    psql as the superuser over the unix socket, unaligned tuples only
#   timed, keep_best      time a step, with how busy the machine's cores were and its own CPU, and keep the best
#                         round (below)
connhost=${1:-${CONNHOST:-$root/build/bin/connhost}}
n=${2:-1000000}
rounds=${ROUNDS:-2}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
work=$(mktemp -d "/tmp/connhost-bench-$tag.XXXXXX")
info=$work/server.json
cleanup() { "$root/tests/pg/pg_server.sh" cleanup "$info" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"

"$root/tests/pg/pg_server.sh" setup "$info" >/dev/null
get() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$info" "$1"; }
port=$(get port) user=$(get username) db=$(get database) sock=$(get socket_dir) bindir=$(get bindir)
PGPASSWORD=$(get password)
export PGPASSWORD
psql_tcp() { local d=$1; shift; "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$user" -d "$d" "$@"; }
psql_su() { local d=$1; shift; "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$d" "$@"; }
tck=$(getconf CLK_TCK)
# cpu_mark: the CPU time of every core so far, busy and in all, in clock ticks ("BUSY TOTAL", from /proc/stat).
cpu_mark() { awk '/^cpu /{busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit}' /proc/stat; }
# child_cpu: the CPU seconds (user + system) of this shell's finished children so far.
child_cpu() { awk -v t="$tck" '{ sub(/^.*\) /, ""); print ($14 + $15) / t }' "/proc/$$/stat"; }
# timed CMD...: runs CMD (a command or a function of this shell) and sets `took`, its wall seconds, and `cpu`,
# "BUSY PERCENT OWN": the busy CPU seconds of all cores over it and their busy share (the whole machine's: read them on
# an otherwise idle one), and the CPU seconds of this shell's children that ended in it (CMD's own). The marks are
# taken right around CMD, so the processes that compute the figures are not counted.
timed() {
  local m0 k0 t0 t1 m1 k1 b0 a0 b1 a1
  m0=$(cpu_mark) k0=$(child_cpu) t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N) m1=$(cpu_mark) k1=$(child_cpu)
  read -r b0 a0 <<< "$m0"
  read -r b1 a1 <<< "$m1"
  took=$("$PY" -c "print($t1 - $t0)")
  cpu=$("$PY" -c "print('%.2f %.0f %.2f' % (($b1 - $b0) / $tck, 100.0 * ($b1 - $b0) / max(1, $a1 - $a0), $k1 - $k0))")
}
# keep_best BEST BEST_CPU: after timed, when `took` beats the seconds in the variable named BEST (or it is empty), sets
# BEST to `took` and BEST_CPU to `cpu`: the best round so far and what it used.
keep_best() {
  if [ -z "${!1}" ] || "$PY" -c "import sys; sys.exit($took >= ${!1})"; then
    printf -v "$1" %s "$took"
    printf -v "$2" %s "$cpu"
  fi
}
