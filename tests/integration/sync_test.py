#!/usr/bin/env python3
"""Integration tests of `connhost sync` (faker -> jsonl / null) through the real binary.

Usage: sync_test.py CASE   (CONNHOST names the binary). Each case prints what it checked and exits non-zero on failure.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, volume, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")


def sync(args, **kw):
    return subprocess.run([CONNHOST, "sync", *args], capture_output=True, text=True, **kw)


def ids_in(path):
    with open(path) as f:
        return [json.loads(line)["id"] for line in f if line.strip()]


class Setup:
    def __init__(self, count, mode, state_interval=2000, destination="dest_jsonl"):
        self.dir = scratch_dir("connhost-sync-")
        self.count = count
        self.src = write_json(os.path.join(self.dir, "faker.json"), {"count": count, "state_interval": state_interval, "seed": 7})
        self.out = os.path.join(self.dir, "out")
        self.destination = destination
        self.db = os.path.join(self.dir, "sync.sqlite")
        self.dst = write_json(os.path.join(self.dir, "dst.json"),
                              {"path": self.db} if destination == "dest_sqlite" else {"destination_path": self.out})
        self.state = os.path.join(self.dir, "state.json")
        streams = [{"stream": {"name": n}, "sync_mode": "incremental", "cursor_field": ["updated_at"],
                    "destination_sync_mode": mode, "primary_key": [["id"]]} for n in ("users", "products", "purchases")]
        self.catalog = write_json(os.path.join(self.dir, "catalog.json"), {"streams": streams})

    def args(self, count=None):
        if count is not None:
            write_json(self.src, {"count": count, "state_interval": 2000, "seed": 7})
        return ["--source", "source_faker", "--source-config", self.src, "--destination", self.destination,
                "--destination-config", self.dst, "--catalog", self.catalog, "--state-file", self.state]

    def ids(self, stream):
        if self.destination == "dest_sqlite":
            import sqlite3
            with sqlite3.connect(self.db) as db:
                return [int(r[0]) for r in db.execute('SELECT "id" FROM "%s"' % stream)]  # untyped catalog: JSON text
        return ids_in(os.path.join(self.out, stream + ".jsonl"))

    def start(self):
        return subprocess.Popen([CONNHOST, "sync", *self.args()], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for_state(self, proc, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(self.state) and os.path.getsize(self.state) > 0:
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.005)
        return False


def killed_then_resumed(mode, sig, destination="dest_jsonl"):
    s = Setup(volume(400000), mode, destination=destination)
    p = s.start()
    check(s.wait_for_state(p), "the sync saved a first state while still running")
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    if sig == signal.SIGKILL:
        check(p.returncode == -signal.SIGKILL, "the sync was killed mid-way by SIGKILL (rc %s)" % p.returncode)
    else:
        check(p.returncode == 130, "SIGTERM ends the sync with exit code 130 (rc %s): %s" % (p.returncode, err[-300:]))
        check("re-run the same command to resume" in err, "the interrupted sync says how to resume")
    saved = json.load(open(s.state))
    check(saved.get("states") and saved["owner"]["destination"]["plugin"] == s.destination,
          "the state file holds acknowledged states and says whose they are: %s" % json.dumps(saved)[:300])
    r = sync(s.args(), timeout=300)
    check(r.returncode == 0, "the re-run from the saved state succeeds: " + r.stderr[-500:])
    for stream in ("users", "products", "purchases"):
        ids = s.ids(stream)
        missing = set(range(1, s.count + 1)) - set(ids)
        check(not missing, "%s: no record missing after resume (%d rows, %d missing)" % (stream, len(ids), len(missing)))
        if mode == "append_dedup":
            check(len(ids) == len(set(ids)) == s.count, "%s: every record exactly once in dedup mode (%d rows)" % (stream, len(ids)))
    return s


def case_resume_after_sigkill_append():
    killed_then_resumed("append", signal.SIGKILL)


def case_resume_after_sigkill_dedup():
    killed_then_resumed("append_dedup", signal.SIGKILL)


def case_resume_after_sigkill_sqlite_append():
    killed_then_resumed("append", signal.SIGKILL, "dest_sqlite")


def case_resume_after_sigkill_sqlite_dedup():
    killed_then_resumed("append_dedup", signal.SIGKILL, "dest_sqlite")


def case_torn_jsonl_tail_cut_on_append():
    # What a SIGKILL mid-write leaves: whole acknowledged lines, then part of an unacknowledged one.
    s = Setup(300, "append")
    r = sync(s.args(), timeout=120)
    check(r.returncode == 0, "first sync succeeds: " + r.stderr[-300:])
    users = os.path.join(s.out, "users.jsonl")
    with open(users, "a") as f:
        f.write('{"id": 999999, "name": "tor')
    r = sync(s.args(count=400), timeout=120)
    check(r.returncode == 0, "the append after a torn line succeeds: " + r.stderr[-300:])
    check("removed a torn last line" in r.stderr and users in r.stderr, "the torn line's removal is logged with the file")
    check(ids_in(users) == list(range(1, 401)), "users.jsonl holds whole lines only: the first 300 then the 100 new")


def case_sigterm_saves_state():
    killed_then_resumed("append_dedup", signal.SIGTERM)


def case_sigint_saves_state():
    killed_then_resumed("append_dedup", signal.SIGINT)  # Ctrl-C


def null_sync_args(d, count):
    src = write_json(os.path.join(d, "faker.json"), {"count": count, "state_interval": 5000})
    dst = write_json(os.path.join(d, "null.json"), {})
    return ["--source", "source_faker", "--source-config", src, "--destination", "dest_null", "--destination-config", dst]


def case_progress_on_terminal():
    import pty
    d = scratch_dir("connhost-sync-")
    master, slave = pty.openpty()
    p = subprocess.Popen([CONNHOST, "sync", *null_sync_args(d, 400000)], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=120)
    os.close(master)
    text = out.decode("utf-8", "replace")
    check(p.returncode == 0, "the sync on a terminal succeeds: " + text[-300:])
    check(re.search(r"\r\x1b\[K[a-z]+ \d+/400000 \d+% ETA (\d+s|\?) \(\d+/s\).* records, \d+ committed, \d+ states, [\d.]+s", text) is not None,
          "a live progress line (records of the estimate, percentage, ETA and rate per stream) is drawn: %r" % text[:300])
    starts = [m.start() for m in re.finditer(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARN)", text)]
    check(starts, "log lines are shown")
    for at in starts:
        before = text[max(0, at - 4):at]
        check(at == 0 or before.endswith("\x1b[K") or before.endswith("\n"),
              "a log line starts on a cleared line, not after the progress line: %r" % text[max(0, at - 60):at + 40])
    check("TOTAL" in text and "1200000 records committed" in text, "the summary table ends the sync")


def case_progress_logged_off_terminal():
    d = scratch_dir("connhost-sync-")
    r = sync(["--progress-seconds", "1", *null_sync_args(d, volume(1500000))], timeout=300)
    check(r.returncode == 0, "the sync succeeds: " + r.stderr[-300:])
    lines = [l for l in r.stderr.splitlines() if "progress: " in l]
    check(lines and all(re.search(r"INFO \[connhost\] progress: .* records, \d+ committed, \d+ states", l) for l in lines),
          "off a terminal, progress is logged as lines every --progress-seconds: %r" % lines[:2])
    check("\x1b[K" not in r.stderr, "no terminal control codes off a terminal")


def case_incremental_rerun():
    s = Setup(5000, "append")
    r = sync(s.args(), timeout=120)
    check(r.returncode == 0, "first sync succeeds: " + r.stderr[-300:])
    check("RECORDS" in r.stderr and "TOTAL" in r.stderr, "a summary table is printed")
    r = sync(s.args(count=5300), timeout=120)
    check(r.returncode == 0, "incremental re-run succeeds")
    for stream in ("users", "products", "purchases"):
        ids = ids_in(os.path.join(s.out, stream + ".jsonl"))
        check(ids == list(range(1, 5301)), "%s: the re-run appended only the 300 new records (%d rows)" % (stream, len(ids)))
    check(" 900 " in r.stderr.replace("\n", " ") or "900 records" in r.stderr, "the re-run moved 900 records")


def case_summary_lists_empty_streams():
    s = Setup(50, "append")
    r = sync(s.args(), timeout=120)
    check(r.returncode == 0, "first sync succeeds: " + r.stderr[-300:])
    r = sync(s.args(), timeout=120)  # incremental: nothing new in any stream
    check(r.returncode == 0, "the re-run succeeds: " + r.stderr[-300:])
    for stream in ("users", "products", "purchases"):
        check(re.search(r"^%s +0 +0 B" % stream, r.stderr, re.M) is not None,
              "the summary lists %s with 0 records: %r" % (stream, r.stderr[-600:]))


def case_legacy_state_resumes():
    # `run read --state` with a LEGACY state object: per-stream ({"users": {...}}) or Singer bookmarks.
    s = Setup(100, "append")
    for n, legacy in enumerate(({"users": {"updated_at": "2020-01-01T00:00:59Z"}},
                                {"bookmarks": {"users": {"updated_at": "2020-01-01T00:00:59Z"}}})):
        state = write_json(os.path.join(s.dir, "legacy%d.json" % n), legacy)
        r = subprocess.run([CONNHOST, "run", "--plugin", "source_faker", "read", "--config", s.src, "--catalog", s.catalog,
                            "--state", state], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "read with a legacy state succeeds: " + r.stderr[-300:])
        counts = {}
        for line in r.stdout.splitlines():
            m = json.loads(line)
            if m["type"] == "RECORD":
                counts[m["record"]["stream"]] = counts.get(m["record"]["stream"], 0) + 1
        check(counts.get("users", 0) < 100 and counts.get("products") == 100,
              "legacy state %s: users resume from it, products (no state) are read whole: %r" % (json.dumps(legacy), counts))


def case_discover_defaults():
    d = scratch_dir("connhost-sync-")
    src = write_json(os.path.join(d, "f.json"), {"count": 100})
    out = os.path.join(d, "out")
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": out})
    r = sync(["--source", "source_faker", "--source-config", src, "--destination", "dest_jsonl", "--destination-config", dst])
    check(r.returncode == 0, "a sync without a catalog discovers the streams: " + r.stderr[-300:])
    for stream in ("users", "products", "purchases"):
        check(ids_in(os.path.join(out, stream + ".jsonl")) == list(range(1, 101)), stream + ": 100 records with default modes")
    check("no --state-file" not in r.stderr, "a successful sync does not complain")


def case_connection_file():
    d = scratch_dir("connhost-sync-")
    conn = write_json(os.path.join(d, "conn.json"), {
        "source": {"plugin": "source_faker", "config": {"count": 50}},
        "destination": {"plugin": "dest_jsonl", "config": {"destination_path": "out"}},
        "streams": [{"name": "users", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
        "state_file": "state.json"})
    r = sync([conn], cwd=d)
    check(r.returncode == 0, "a sync from a connection file succeeds: " + r.stderr[-300:])
    check(os.path.exists(os.path.join(d, "state.json")), "the state file named in the connection file is written")
    r = sync([conn], cwd="/")  # relative paths are relative to the connection file, not the working directory
    check(r.returncode == 0, "the same connection file works from another directory")
    check(ids_in(os.path.join(d, "out", "users.jsonl")) == list(range(1, 51)), "overwrite keeps one copy of the 50 users")
    check(not os.path.exists(os.path.join(d, "out", "products.jsonl")), "only the chosen stream is synced")
    bad = write_json(os.path.join(d, "bad.json"), {"source": {"plugin": "source_faker"}, "destination": {}})
    r = sync([bad])
    check(r.returncode == 2 and "destination.plugin" in r.stderr, "a broken connection file names the field: " + r.stderr.strip())


def case_destination_failure_names_plugin():
    d = scratch_dir("connhost-sync-")
    blocker = os.path.join(d, "not-a-dir")
    open(blocker, "w").write("x")
    src = write_json(os.path.join(d, "f.json"), {"count": 10})
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": blocker})
    r = sync(["--source", "source_faker", "--source-config", src, "--destination", "dest_jsonl", "--destination-config", dst,
              "--state-file", os.path.join(d, "state.json")], timeout=60)
    check(r.returncode == 1, "a failing destination fails the sync (rc %d)" % r.returncode)
    check("destination dest_jsonl failed" in r.stderr and "not-a-dir" in r.stderr, "the error names the plugin and the path: " + r.stderr.strip()[-400:])
    check(not os.path.exists(os.path.join(d, "state.json")), "no state is saved when nothing was committed")


def json_lines(stderr):
    """Every stderr line parsed as one JSON object (a check fails naming the first line that is not)."""
    objs = []
    for line in stderr.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        check(isinstance(obj, dict), "a stderr line is one JSON object: %r" % line[:200])
        objs.append(obj)
    return objs


def case_json_log_format_every_line():
    s = Setup(40, "append")
    r = sync(["--log-format", "json", *s.args()], timeout=120)
    check(r.returncode == 0, "the sync succeeds: " + r.stderr[-300:])
    objs = json_lines(r.stderr)
    summary = [o for o in objs if o.get("message") == "sync summary"]
    check(len(summary) == 1 and summary[0]["records"] == 120 and summary[0]["committed"] == 120,
          "the summary is one JSON object with the counts: %r" % summary)
    check(sorted(x["stream"] for x in summary[0]["streams"]) == ["products", "purchases", "users"],
          "the summary object lists every stream: %r" % summary[0]["streams"])
    d = scratch_dir("connhost-sync-")
    blocker = os.path.join(d, "not-a-dir")
    open(blocker, "w").write("x")
    src = write_json(os.path.join(d, "f.json"), {"count": 10})
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": os.path.join(blocker, "two\nlines")})
    args = ["--source", "source_faker", "--source-config", src, "--destination", "dest_jsonl", "--destination-config", dst]
    r = sync(args, timeout=60)
    check(r.returncode == 1 and "two\nlines" in r.stderr, "in text, the plugin's error spans lines: " + r.stderr[-300:])
    r = sync(["--log-format", "json", *args], timeout=60)
    check(r.returncode == 1, "the failing sync exits 1 (rc %d)" % r.returncode)
    errors = [o for o in json_lines(r.stderr) if o.get("level") == "ERROR" and "exit_code" in o]
    check(len(errors) == 1 and "two\nlines" in errors[0]["message"] and errors[0]["exit_code"] == 1,
          "the multi-line failure is one JSON object: %r" % errors)


def case_source_failure_keeps_state():
    d = scratch_dir("connhost-sync-")
    src = write_json(os.path.join(d, "f.json"), {"count": 10})
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": os.path.join(d, "out")})
    cat = write_json(os.path.join(d, "c.json"), {"streams": [{"name": "users"}, {"name": "no_such_stream"}]})
    r = sync(["--source", "source_faker", "--source-config", src, "--destination", "dest_jsonl", "--destination-config", dst,
              "--catalog", cat, "--state-file", os.path.join(d, "state.json")], timeout=60)
    check(r.returncode == 1, "a failing source fails the sync")
    check("source source_faker failed" in r.stderr and "no_such_stream" in r.stderr, "the error names the source and the stream: " + r.stderr.strip()[-300:])
    saved = json.load(open(os.path.join(d, "state.json")))["states"]
    check(any(s.get("stream", {}).get("stream_descriptor", {}).get("name") == "users" for s in saved),
          "the users state acknowledged before the failure is kept")
    check(ids_in(os.path.join(d, "out", "users.jsonl")) == list(range(1, 11)), "the users records committed before the failure are kept")


def case_unknown_plugin_lists_paths():
    r = sync(["--source", "source_nope", "--destination", "dest_null"])
    check(r.returncode == 1 and "source_nope" in r.stderr and "looked for" in r.stderr and "lib/connhost/plugins" in r.stderr,
          "an unknown plugin lists where it looked: " + r.stderr.strip()[:300])


TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")


def case_isolated_source_crash():
    d = scratch_dir("connhost-sync-")
    src = write_json(os.path.join(d, "src.json"), {"crash_after": 55})
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": os.path.join(d, "out")})
    cat = write_json(os.path.join(d, "c.json"), {"streams": [{"stream": {"name": "numbers"}, "sync_mode": "full_refresh",
                                                             "destination_sync_mode": "append"}]})
    state = os.path.join(d, "state.json")
    r = sync(["--isolate", "--plugin-dir", TEST_PLUGINS, "--source", "source_crash", "--source-config", src, "--destination", "dest_jsonl",
              "--destination-config", dst, "--catalog", cat, "--state-file", state], timeout=120)
    check(r.returncode == 1, "a crashing source fails the sync instead of killing the host (rc %d)" % r.returncode)
    check("source source_crash failed" in r.stderr and "crashed" in r.stderr and "signal 6" in r.stderr,
          "the error says the source crashed, with the signal: " + r.stderr.strip()[-400:])
    saved = json.load(open(state))["states"]
    n = saved[0]["stream"]["stream_state"]["n"]
    check(n == 50, "the state file holds the last state before the crash (n=%s)" % n)
    rows = ids = [json.loads(l)["n"] for l in open(os.path.join(d, "out", "numbers.jsonl"))]
    check(set(range(1, 51)) <= set(rows), "every record before the saved state is committed (%d rows)" % len(ids))


def case_isolated_destination_crash():
    d = scratch_dir("connhost-sync-")
    src = write_json(os.path.join(d, "f.json"), {"count": 5000, "state_interval": 100})
    dst = write_json(os.path.join(d, "dst.json"), {"crash_after": 1500})
    state = os.path.join(d, "state.json")
    cat = write_json(os.path.join(d, "c.json"), {"streams": [{"stream": {"name": "users"}, "sync_mode": "incremental",
                                                             "cursor_field": ["updated_at"], "destination_sync_mode": "append"}]})
    r = sync(["--isolate", "--plugin-dir", TEST_PLUGINS, "--source", "source_faker", "--source-config", src, "--destination", "dest_crash",
              "--destination-config", dst, "--catalog", cat, "--state-file", state], timeout=120)
    check(r.returncode == 1, "a crashing destination fails the sync instead of killing the host (rc %d)" % r.returncode)
    check("destination dest_crash failed" in r.stderr and "crashed" in r.stderr,
          "the error names the destination and the crash: " + r.stderr.strip()[-400:])
    if os.path.exists(state):
        cursor = json.load(open(state))["states"][0]["stream"]["stream_state"]["updated_at"]
        check(cursor < "2020-01-01T00:25:00Z", "the saved state precedes the records the destination never committed (%s)" % cursor)
    else:
        print("ok: no state acknowledged before the crash, none saved")


def case_upstream_error_completes_nothing():
    d = scratch_dir("connhost-sync-")
    out = os.path.join(d, "out")
    os.makedirs(out)
    open(os.path.join(out, "users.jsonl"), "w").write('{"id":"old"}\n')
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": out})
    cat = write_json(os.path.join(d, "c.json"), {"streams": [{"stream": {"name": "users"}, "sync_mode": "full_refresh",
                                                             "destination_sync_mode": "overwrite"}]})
    lines = ['{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":1}}',
             '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"users"},"stream_state":{"n":1}}}}',
             '{"type":"TRACE","trace":{"type":"ERROR","emitted_at":2,"error":{"message":"API went away","failure_type":"system_error"}}}']
    r = subprocess.run([CONNHOST, "run", "--plugin", "dest_jsonl", "write", "--config", dst, "--catalog", cat],
                       input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "the source reported an error: API went away" in r.stderr, "a TRACE ERROR in the input fails the write: " + r.stderr.strip())
    check(open(os.path.join(out, "users.jsonl")).read() == '{"id":"old"}\n', "the unfinished overwrite left the previous data untouched")
    check(sum('"type":"STATE"' in l for l in r.stdout.splitlines()) == 0,
          "the state inside the unfinished overwrite is not echoed: the records it covers were thrown away with it")


if __name__ == "__main__":
    run_case(globals())
