# Sourced by the PostgreSQL benchmarks (bench/pg, bench/pg_to_pg, bench/streams, bench/pg_ratios) after `set -euo pipefail`, with `root` (the
# repository) and `tag` (names the work dir) set. Reads the benchmark's arguments [CONNHOST_BINARY] [RECORDS]
# into connhost and n (defaults build/bin/connhost, 1000000) and ROUNDS into rounds (default 2); makes $work
# (removed on exit), starts a throwaway cluster
# (tests/pg/pg_server.sh, stopped on exit) and sets port, user, db, sock, bindir, PGPASSWORD, PY and
#   psql_tcp DB ARGS...   psql as the test role over TCP 127.0.0.1
#   psql_su DB ARGS...    psql as the superuser over the unix socket, unaligned tuples only
#   cpu_mark, cpu_since   how busy the machine's cores were over a timed step (below)
#   child_cpu             the CPU time of this shell's finished children (below)
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
# cpu_mark: the CPU time of every core so far, busy and in all, in clock ticks ("BUSY TOTAL", from /proc/stat).
cpu_mark() { awk '/^cpu /{busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit}' /proc/stat; }
# cpu_since MARK [END]: "SECONDS PERCENT": the busy CPU time of all cores from MARK to END (cpu_mark; default now),
# and the share of the cores' time it was. The whole machine's: read it on an otherwise idle one. Take END right after
# the timed step, so that the processes computing its time are not counted.
cpu_since() {
  local b0 t0 b1 t1
  read -r b0 t0 <<< "$1"
  read -r b1 t1 <<< "${2:-$(cpu_mark)}"
  "$PY" -c "print('%.2f %.0f' % (($b1 - $b0) / $(getconf CLK_TCK), 100.0 * ($b1 - $b0) / max(1, $t1 - $t0)))"
}
# child_cpu: the CPU seconds (user + system) of this shell's finished children so far; a command's own is the
# difference around it.
child_cpu() { awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($14 + $15) / t }' "/proc/$$/stat"; }
