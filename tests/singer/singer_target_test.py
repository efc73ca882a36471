#!/usr/bin/env python3
"""`connhost run --plugin dest_sqlite write` as a Meltano (Singer) target: fed a Singer stream on stdin, its stdout
carries only the bare value of each STATE, one JSON line each, in order, printed only once every record before it
is committed; its logs go to stderr.

  singer_target_test.py      (CONNHOST names the binary)"""
import json
import os
import select
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import scratch_dir  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "connhost")
BIG = "123456789012345678901234567890"  # a state value's number must come back as the same text


def line(obj):
    return (json.dumps(obj) + "\n").encode()


def read_line(proc, seconds):
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    assert ready, "a state line within %d s" % seconds
    return proc.stdout.readline().decode()


def rows(db):
    with sqlite3.connect(db) as c:
        return c.execute('SELECT count(*) FROM "items"').fetchone()[0]


def main():
    d = scratch_dir("connhost-singer-target-")
    db = os.path.join(d, "t.sqlite")
    cfg = os.path.join(d, "cfg.json")
    json.dump({"path": db}, open(cfg, "w"))
    proc = subprocess.Popen([CONNHOST, "run", "--plugin", "dest_sqlite", "write", "--config", cfg, "--catalog",
                             write_catalog(d), "--idle-commit-seconds", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(line({"type": "SCHEMA", "stream": "items", "key_properties": ["id"],
                           "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "v": {"type": "string"}}}}))
    for i in range(3):
        proc.stdin.write(line({"type": "RECORD", "stream": "items", "record": {"id": i, "v": "x%d" % i}}))
    proc.stdin.write(('{"type": "STATE", "value": {"bookmarks": {"items": {"n": %s}}}}\n' % BIG).encode())
    proc.stdin.flush()
    first = read_line(proc, 30)  # stdin stays open: the idle commit acknowledges it
    assert first.strip() == '{"bookmarks": {"items": {"n": %s}}}' % BIG, "the bare value, as it came: %r" % first
    assert rows(db) == 3, "the state is printed only once its 3 records are committed (%d rows)" % rows(db)
    print("ok: first state value printed after its records were committed")
    for i in range(3, 5):
        proc.stdin.write(line({"type": "RECORD", "stream": "items", "record": {"id": i, "v": "y"}}))
    proc.stdin.write(line({"type": "STATE", "value": {"bookmarks": {"items": {"n": 5}}}}))
    proc.stdin.close()
    proc.wait(timeout=60)
    rest, err = proc.stdout.read(), proc.stderr.read()
    assert proc.returncode == 0, "the write succeeds: %s" % err.decode()
    assert rest.decode() == '{"bookmarks": {"items": {"n": 5}}}\n', "then the second value and nothing else: %r" % rest
    assert rows(db) == 5, "5 rows"
    assert "write done" in err.decode(), "logs go to stderr: %s" % err.decode()
    print("ok: stdout held exactly the two state values; logs on stderr")


def write_catalog(d):
    path = os.path.join(d, "cat.json")
    json.dump({"streams": [{"stream": {"name": "items", "json_schema": {"type": "object", "properties": {
        "id": {"type": "integer"}, "v": {"type": "string"}}}}, "sync_mode": "full_refresh",
        "destination_sync_mode": "append"}]}, open(path, "w"))
    return path


if __name__ == "__main__":
    main()
