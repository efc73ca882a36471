#!/usr/bin/env python3
"""A sync whose source goes quiet: the destination commits and the state file is saved while the source waits.

source_http reads page 1 of the loopback test server at once, then waits 8 s for page 2 (a slow-response fault).
With --idle-commit-seconds 1, page 1's rows must be visible in the SQLite destination and its state in the state
file while the sync is still waiting for page 2. Usage: idle_sync_test.py CASE (CONNHOST, HTTP_TEST_SERVER).
"""
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from source_http_test import CONNHOST, Server, catalog, check, incremental_cfg, tmpdir, ts, write_json  # noqa: E402


def rows(db):
    if not os.path.exists(db):
        return []
    with sqlite3.connect(db) as c:
        try:
            return sorted(int(r[0]) for r in c.execute('SELECT "id" FROM "items"'))
        except sqlite3.OperationalError:
            return []


def saved_cursor(state):
    try:
        saved = json.load(open(state))
    except (OSError, ValueError):
        return None
    for s in saved.get("states", []):
        if s.get("type") == "STREAM" and s["stream"]["stream_descriptor"]["name"] == "items":
            return s["stream"].get("stream_state", {}).get("updated_at")
    return None


def case_slow_source_commits_while_waiting():
    srv = Server(items=8)
    srv.admin("fault", kind="slow", at=2, times=1, delay_ms=8000)  # page 2 comes 8 s late
    d = tmpdir()
    db = os.path.join(d, "out.sqlite")
    state = os.path.join(d, "state.json")
    args = [CONNHOST, "sync", "--source", "source_http", "--source-config", write_json(os.path.join(d, "src.json"), incremental_cfg(srv)),
            "--destination", "dest_sqlite", "--destination-config", write_json(os.path.join(d, "dst.json"), {"path": db}),
            "--catalog", write_json(os.path.join(d, "cat.json"), catalog("incremental")), "--state-file", state,
            "--idle-commit-seconds", "1"]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 7  # page 2 is due 8 s after it was asked for
    while time.time() < deadline and not (rows(db) == [1, 2, 3, 4, 5] and saved_cursor(state) == ts(5)):
        time.sleep(0.1)
    waiting = p.poll() is None
    seen_rows, seen_cursor = rows(db), saved_cursor(state)
    out, err = p.communicate(timeout=60)
    check(waiting, "the sync was still waiting for page 2 when we looked")
    check(seen_rows == [1, 2, 3, 4, 5], "page 1's rows were committed while the source waited: %s" % seen_rows)
    check(seen_cursor == ts(5), "and its state was in the state file: %s" % seen_cursor)
    check(p.returncode == 0 and rows(db) == list(range(1, 9)), "the sync then finished with all 8 rows: " + err[-300:])
    srv.stop()


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
