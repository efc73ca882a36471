#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks. Finds the server binaries (as root, installs
# the postgresql package through packaging/install-deps.sh when they are missing), initdb's a cluster in a fresh temp dir and starts it
# listening on 127.0.0.1 only, on a free port, with its unix socket in the temp dir and fsync on.
# As root, every server command runs as the `postgres` user (initdb refuses root).
#
#   pg_server.sh setup   INFO_JSON    start a cluster, write its connection info to INFO_JSON
#   pg_server.sh cleanup INFO_JSON    stop the cluster INFO_JSON describes and remove its directory
#   pg_server.sh stop    INFO_JSON    stop it with -m immediate (a crash), keep the directory
#   pg_server.sh start   INFO_JSON    start it again on the same port
#
# INFO_JSON fields:
#   host, port         TCP address (127.0.0.1, the chosen port)
#   database           a database owned by `username`, for tests that need no database of their own
#   username, password a password-authenticated (scram-sha-256 over TCP) role with CREATEDB
#   superuser          "postgres": trusted on the unix socket only (psql -h socket_dir -U postgres)
#   socket_dir         the unix socket directory (also the cluster's temp root)
#   datadir, bindir    the data directory and the server binaries (initdb, pg_ctl)
#   log                the server log file
#   run_as             the OS user the server runs as ("" when it runs as the caller)
set -euo pipefail

usage() { echo "usage: $0 setup|cleanup|stop|start INFO_JSON" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1 info=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

find_or_install_bindir() {
  local d
  if d=$(find_bindir 2>/dev/null); then echo "$d"; return; fi
  if [ "$(id -u)" = 0 ]; then
    "$(dirname "$0")/../../packaging/install-deps.sh" test >&2
  fi
  find_bindir
}

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "pg_server.sh: no PostgreSQL server binaries (initdb) found: install postgresql (make test-deps does; as root this script does)" >&2
  exit 1
}

field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$info" "$1"; }

# Runs a server command as the cluster's user.
as_owner() {
  local user=$1; shift
  if [ -n "$user" ]; then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

setup() {
  local bindir root user="" port pw attempt
  # A cluster this info file still names (ctest --repeat runs the setup again before the one cleanup) goes first.
  if [ -f "$info" ]; then cleanup >/dev/null; fi
  bindir=$(find_or_install_bindir)
  root=$(mktemp -d /tmp/connhost-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg_server.sh: running as root needs a 'postgres' user (the postgresql package creates it)" >&2; exit 1; }
    user=postgres
    chown postgres: "$root"
  fi
  chmod 700 "$root"
  as_owner "$user" "$bindir/initdb" -D "$root/data" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; rm -rf "$root"; exit 1; }
  pw=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner "$user" sh -c "cat >> '$root/data/postgresql.conf'" <<CONF
# connhost test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root'
fsync = on
max_connections = 60
log_min_messages = warning
CONF
    if as_owner "$user" "$bindir/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start >/dev/null 2>&1; then
      break
    fi
    port=""
    # Port taken between choosing and binding: try another.
  done
  if [ -z "$port" ]; then
    echo "pg_server.sh: the server did not start; log:" >&2; tail -20 "$root/server.log" >&2 || true; rm -rf "$root"; exit 1
  fi
  "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$root" -p "$port" -U postgres -d postgres >/dev/null <<SQL
CREATE ROLE connhost_test LOGIN CREATEDB PASSWORD '$pw';
CREATE DATABASE connhost_test OWNER connhost_test;
SQL
  mkdir -p "$(dirname "$info")"
  "$PY" - "$info" "$port" "$pw" "$root" "$bindir" "$user" <<'PYEOF'
import json, sys
info, port, pw, root, bindir, user = sys.argv[1:]
with open(info + ".tmp", "w") as f:
    json.dump({"host": "127.0.0.1", "port": int(port), "database": "connhost_test", "username": "connhost_test",
               "password": pw, "superuser": "postgres", "socket_dir": root, "datadir": root + "/data",
               "bindir": bindir, "log": root + "/server.log", "run_as": user}, f, indent=2)
import os
os.replace(info + ".tmp", info)
PYEOF
  echo "PostgreSQL $("$bindir/postgres" --version | sed "s/^[^0-9]*//") on 127.0.0.1:$port (data in $root/data), info in $info"
}

cleanup() {
  [ -f "$info" ] || { echo "pg_server.sh: no $info: nothing to stop"; return 0; }
  local root bindir user
  root=$(field socket_dir) bindir=$(field bindir) user=$(field run_as)
  if [ -f "$root/data/postmaster.pid" ]; then
    as_owner "$user" "$bindir/pg_ctl" -D "$root/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || as_owner "$user" "$bindir/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$root" in /tmp/connhost-pg.*) rm -rf "$root" ;; esac
  rm -f "$info"
  echo "stopped and removed $root"
}

stop_immediate() {
  as_owner "$(field run_as)" "$(field bindir)/pg_ctl" -D "$(field datadir)" -m immediate -w stop >/dev/null
}

start_again() {
  local root
  root=$(field socket_dir)
  as_owner "$(field run_as)" "$(field bindir)/pg_ctl" -D "$(field datadir)" -l "$(field log)" -w -t 60 start >/dev/null
}

case "$cmd" in
  setup) setup ;;
  cleanup) cleanup ;;
  stop) stop_immediate ;;
  start) start_again ;;
  *) usage ;;
esac
