#!/usr/bin/env python3
"""A PostgreSQL connection lost mid-sync (the backend terminated with pg_terminate_backend, as a server restart or a
dropped network does) is a transient_error whose advice says a re-run of the same command resumes; the re-run does,
and every row arrives exactly once.

  connection_lost_test.py destination|source     (which side's backend is terminated)"""
import json
import os
import subprocess
import sys
import time

from pg_lib import check, drop_database, fresh_database, psql, psql_json, main, CONNHOST  # noqa: F401
from source_pg_test import SourceDb

RESUME = "re-run the same command to resume"
APP = {"destination": "connhost dest_pg", "source": "connhost source_postgres"}


def error_of(stderr):
    """The ERROR object ending a failed sync's JSON log."""
    errors = [o for o in map(json.loads, (l for l in stderr.splitlines() if l.startswith("{")))
              if o.get("level") == "ERROR" and "exit_code" in o]
    check(errors, "the sync ends with an ERROR object: %s" % stderr[-800:])
    return errors[-1]


def terminate_until_exit(proc, app, db):
    """Terminates every backend named `app` of database `db` until `proc` exits; returns how many were terminated."""
    n = 0
    while proc.poll() is None:
        got = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '%s' "
                   "AND datname = '%s' AND pid <> pg_backend_pid();" % (app, db), check_ok=False).strip()
        n += int(got or 0)
        time.sleep(0.02)
    return n


def lost(side):
    n = 200000
    with SourceDb("lost_" + side) as db:
        db.sql("CREATE TABLE big (id int PRIMARY KEY, v text);"
               "INSERT INTO big SELECT g, repeat('x', 40) || g FROM generate_series(1, %d) g;" % n)
        db.cfg(state_interval=2000, fetch_rows=500)
        dest = "dst_lost_" + side
        dest_cfg = dict(fresh_database(dest), commit_ms=50, connect_attempts=1)
        state = os.path.join(db.tmp, "state.json")
        conn = db.path("c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                  "destination": {"plugin": "dest_pg", "config": dest_cfg},
                                  "streams": [{"name": "big", "sync_mode": "full_refresh",
                                               "destination_sync_mode": "append_dedup"}],
                                  "state_file": state, "queue_mb": 1})
        args = [CONNHOST, "sync", "--log-format", "json", conn]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None and not (os.path.exists(state) and os.path.getsize(state) > 0):
            time.sleep(0.005)
        killed = terminate_until_exit(p, APP[side], db.name if side == "source" else dest)
        err = error_of(p.stderr.read())
        check(p.returncode != 0 and killed > 0, "the sync fails once its %s backend is terminated (rc %s, %d terminated)"
              % (side, p.returncode, killed))
        check(err.get("failure_type") == "transient_error",
              "a lost connection is a transient_error, not %s: %s" % (err.get("failure_type"), err["message"]))
        check("connection was lost" in err["message"] and RESUME in err["message"] and state in err["message"],
              "the advice says the connection was lost and a re-run resumes from the state file: %s" % err["message"])
        check("fails the same way" not in err["message"], "no advice to fix a cause first: %s" % err["message"])
        print("ok: %s: %s" % (side, err["message"]))
        r = subprocess.run([CONNHOST, "sync", conn], capture_output=True, text=True, timeout=600)
        check(r.returncode == 0, "the re-run completes: %s" % r.stderr[-800:])
        got = psql_json("SELECT json_build_array(count(*), count(DISTINCT id)) FROM public.big", dest)
        check(got == [n, n], "every row exactly once after the re-run (rows, distinct ids): %r of %d" % (got, n))
        print("ok: the re-run completed with all %d rows once" % n)
        drop_database(dest)


def case_destination():
    """dest_pg's backend is terminated while it writes."""
    lost("destination")


def case_source():
    """source_postgres's backend is terminated while it reads."""
    lost("source")


if __name__ == "__main__":
    main({k[5:]: v for k, v in globals().items() if k.startswith("case_")})
