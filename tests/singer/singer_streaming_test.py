#!/usr/bin/env python3
"""Singer input without --catalog streams (issue 12): `connhost run --plugin DEST write --config C` fed a Singer tap
through a pipe prints each STATE's bare value as soon as its records are committed, while the tap is still writing
(Meltano sees its states as the run goes), and a SCHEMA arriving mid-run (a new stream, a changed schema) ends the
write session cleanly and a new one goes on with the new catalog.

  singer_streaming_test.py streaming|new_schema      (CONNHOST names the binary)"""
import json
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import scratch_dir  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "connhost")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def line(obj):
    return (json.dumps(obj) + "\n").encode()


def schema(stream, props, keys=()):
    return line({"type": "SCHEMA", "stream": stream, "key_properties": list(keys),
                 "schema": {"type": "object", "properties": {p: {"type": t} for p, t in props.items()}}})


def record(stream, rec):
    return line({"type": "RECORD", "stream": stream, "record": rec})


def state(value):
    return line({"type": "STATE", "value": value})


class Target:
    """connhost as a Singer target into dest_jsonl, fed through a pipe by this (slow) writer."""

    def __init__(self):
        self.dir = scratch_dir("connhost-singer-stream-")
        self.out = os.path.join(self.dir, "data")
        cfg = os.path.join(self.dir, "cfg.json")
        json.dump({"destination_path": self.out}, open(cfg, "w"))
        self.proc = subprocess.Popen([CONNHOST, "run", "--plugin", "dest_jsonl", "write", "--config", cfg,
                                      "--idle-commit-seconds", "1"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send(self, *chunks):
        for c in chunks:
            self.proc.stdin.write(c)
        self.proc.stdin.flush()

    def state_line(self, seconds=30):
        """The next stdout line, which must come within `seconds` while stdin stays open."""
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        check(ready, "a STATE value on stdout within %d s while the input is still open (the old binary read the "
              "whole input first)" % seconds)
        return json.loads(self.proc.stdout.readline())

    def finish(self):
        self.proc.stdin.close()
        rest = self.proc.stdout.read().decode()
        err = self.proc.stderr.read().decode()
        self.proc.wait(timeout=60)
        check(self.proc.returncode == 0, "the write succeeds: %s" % err[-800:])
        return [json.loads(l) for l in rest.splitlines()], err

    def rows(self, stream):
        with open(os.path.join(self.out, stream + ".jsonl")) as f:
            return [json.loads(l) for l in f]


def case_streaming():
    """A STATE's value reaches stdout before the input ends."""
    t = Target()
    t.send(schema("items", {"id": "integer", "v": "string"}, ["id"]))
    for i in range(3):
        t.send(record("items", {"id": i, "v": "x%d" % i}))
    t.send(state({"bookmarks": {"items": 3}}))
    first = t.state_line()
    check(first == {"bookmarks": {"items": 3}}, "the first STATE's bare value comes first: %r" % first)
    check(len(t.rows("items")) == 3, "its 3 records are written before it is printed")
    print("ok: the first state value came out while the tap was still writing")
    time.sleep(0.3)  # a slow tap
    t.send(record("items", {"id": 3, "v": "y"}), state({"bookmarks": {"items": 4}}))
    second = t.state_line()
    check(second == {"bookmarks": {"items": 4}}, "the second one too: %r" % second)
    rest, _ = t.finish()
    check(rest == [], "nothing else on stdout: %r" % rest)
    check([r["id"] for r in t.rows("items")] == [0, 1, 2, 3], "every record once")
    print("ok: both state values streamed, 4 records written once")


def case_new_schema():
    """A new stream's SCHEMA and a changed SCHEMA mid-run: the session so far is committed and acknowledged (its state
    printed), then the write goes on with the new catalog."""
    t = Target()
    t.send(schema("a", {"id": "integer"}, ["id"]), record("a", {"id": 1}), state({"n": 1}))
    check(t.state_line() == {"n": 1}, "state 1 printed")
    t.send(schema("b", {"k": "string"}), record("b", {"k": "x"}), record("a", {"id": 2}), state({"n": 2}),
           schema("b", {"k": "string"}))  # the same SCHEMA again changes nothing
    check(t.state_line() == {"n": 2}, "state 2 printed after the new stream's records were written")
    check(t.rows("b") == [{"k": "x"}], "the new stream's record is written")
    t.send(schema("a", {"id": "integer", "extra": "string"}, ["id"]), record("a", {"id": 1, "extra": "e"}),
           state({"n": 3}))
    check(t.state_line() == {"n": 3}, "state 3 printed after the changed SCHEMA")
    rest, err = t.finish()
    check(rest == [], "nothing else on stdout: %r" % rest)
    check(err.count("a Singer SCHEMA changed the catalog") == 2,
          "two sessions after the first (new stream b, changed a), the repeated SCHEMA of b none: %s" % err[-1500:])
    check(t.rows("a") == [{"id": 1, "extra": "e"}, {"id": 2}],
          "stream a deduplicated on id across sessions, the later record winning: %r" % t.rows("a"))
    print("ok: sessions ended at the new and the changed SCHEMA; states printed in order; rows right")


if __name__ == "__main__":
    try:
        globals()["case_" + sys.argv[1]]()
    except Failure as f:
        print("FAIL: %s" % f, file=sys.stderr)
        sys.exit(1)
    print("ok")
