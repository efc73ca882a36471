#!/usr/bin/env python3
"""Progress and stream endings through the real binary: ESTIMATE traces (source_faker), the percentage and ETA of
the sync progress, STREAM_STATUS INCOMPLETE for streams a failure left open, and the warning for a saved cursor a
source cannot compare.

Usage: progress_test.py CASE   (CONNHOST names the binary).
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, volume, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")


def run(args, timeout=300):
    return subprocess.run([CONNHOST, *args], capture_output=True, text=True, timeout=timeout)


def messages(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def faker_read(d, count, mode="full_refresh", state=None, streams=("users", "products")):
    cfg = write_json(os.path.join(d, "faker.json"), {"count": count, "state_interval": 10})
    cat = write_json(os.path.join(d, "cat.json"), {"streams": [
        {"stream": {"name": n}, "sync_mode": mode, "cursor_field": ["updated_at"], "destination_sync_mode": "append"}
        for n in streams]})
    args = ["run", "--plugin", "source_faker", "read", "--config", cfg, "--catalog", cat]
    if state is not None:
        args += ["--state", write_json(os.path.join(d, "state.json"), state)]
    return run(args)


def faker_state(stream, updated_at):
    return [{"type": "STREAM", "stream": {"stream_descriptor": {"name": stream}, "stream_state": {"updated_at": updated_at}}}]


def case_faker_estimate_in_read():
    d = scratch_dir("connhost-progress-")
    r = faker_read(d, 50)
    check(r.returncode == 0, "the read succeeds: " + r.stderr[-300:])
    msgs = messages(r.stdout)
    for name in ("users", "products"):
        at = [i for i, m in enumerate(msgs) if m["type"] == "TRACE" and m["trace"]["type"] == "ESTIMATE"
              and m["trace"]["estimate"]["name"] == name]
        first = next(i for i, m in enumerate(msgs) if m["type"] == "RECORD" and m["record"]["stream"] == name)
        check(len(at) == 1 and at[0] < first, "one ESTIMATE trace for %s before its first record" % name)
        est = msgs[at[0]]["trace"]["estimate"]
        check(est["type"] == "STREAM" and est["row_estimate"] == 50, "it estimates the 50 rows of %s: %r" % (name, est))
    r = faker_read(d, 50, "incremental", faker_state("users", "2020-01-01T00:00:19Z"), ("users",))
    est = [m["trace"]["estimate"] for m in messages(r.stdout) if m["type"] == "TRACE" and m["trace"]["type"] == "ESTIMATE"]
    check(r.returncode == 0 and [e["row_estimate"] for e in est] == [30],
          "a resumed incremental read estimates the 30 rows after the saved cursor: %r" % est)


def case_progress_shows_estimate():
    d = scratch_dir("connhost-progress-")
    count = volume(1500000)
    src = write_json(os.path.join(d, "faker.json"), {"count": count, "state_interval": 5000})
    dst = write_json(os.path.join(d, "null.json"), {})
    r = run(["sync", "--progress-seconds", "1", "--source", "source_faker", "--source-config", src,
             "--destination", "dest_null", "--destination-config", dst])
    check(r.returncode == 0, "the sync succeeds: " + r.stderr[-300:])
    lines = [l for l in r.stderr.splitlines() if "progress: " in l]
    check(lines, "progress lines are logged")
    shown = [l for l in lines if re.search(r"(users|products|purchases) \d+/%d \d+%% ETA (\d+|\?)s? \(\d+/s\)" % count, l)]
    check(shown, "the progress shows records of the estimate, a percentage and an ETA per stream: %r" % lines[:2])


def case_faker_cursor_not_a_date():
    d = scratch_dir("connhost-progress-")
    r = faker_read(d, 20, "incremental", faker_state("users", "not a date"), ("users",))
    check(r.returncode == 0, "the read succeeds: " + r.stderr[-300:])
    recs = [m for m in messages(r.stdout) if m["type"] == "RECORD"]
    check(len(recs) == 20, "the stream is read from its start (%d records)" % len(recs))
    warns = [m["log"]["message"] for m in messages(r.stdout) if m["type"] == "LOG" and m["log"]["level"] == "WARN"]
    check(any("stream users" in w and '"not a date"' in w and "updated_at" in w and "--reset-state" in w for w in warns),
          "a warning names the stream, the value, the cursor field and what to do: %r" % warns)


def crash_catalog(d):
    return write_json(os.path.join(d, "c.json"), {"streams": [{"stream": {"name": "numbers"}, "sync_mode": "full_refresh",
                                                              "destination_sync_mode": "append"}]})


def case_isolated_crash_incomplete():
    d = scratch_dir("connhost-progress-")
    src = write_json(os.path.join(d, "src.json"), {"crash_after": 25})
    r = run(["run", "--isolate", "--plugin-dir", TEST_PLUGINS, "--plugin", "source_crash", "read", "--config", src,
             "--catalog", crash_catalog(d)])
    check(r.returncode != 0, "the crashed read fails (rc %d)" % r.returncode)
    statuses = [m["trace"]["stream_status"] for m in messages(r.stdout)
                if m["type"] == "TRACE" and m["trace"]["type"] == "STREAM_STATUS"]
    check([s["status"] for s in statuses] == ["STARTED", "INCOMPLETE"] and statuses[1]["stream_descriptor"]["name"] == "numbers",
          "`run read` ends the started stream with STREAM_STATUS INCOMPLETE on stdout: %r" % statuses)
    dst = write_json(os.path.join(d, "j.json"), {"destination_path": os.path.join(d, "out")})
    r = run(["sync", "--isolate", "--plugin-dir", TEST_PLUGINS, "--source", "source_crash", "--source-config", src,
             "--destination", "dest_jsonl", "--destination-config", dst, "--catalog", crash_catalog(d)])
    check(r.returncode == 1 and "stream numbers is INCOMPLETE" in r.stderr,
          "a sync whose isolated source crashed says the stream is INCOMPLETE: " + r.stderr[-500:])


run_case(globals())
