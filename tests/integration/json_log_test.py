#!/usr/bin/env python3
"""--log-format json: every line on stderr is one JSON object, also for mistakes found before logging is set up
(an unknown command, a bad option) and for the raw stderr of an --isolate child (what a plugin prints there).

Usage: json_log_test.py CASE   (CONNHOST names the binary; CONNHOST_CERTIFY_PLUGIN_DIR holds source_broken_leak_secret)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")


def run(args):
    return subprocess.run([CONNHOST, *args], capture_output=True, text=True, timeout=120)


def json_lines(stderr, what):
    """Every stderr line as a parsed object; fails naming the first line that is not one."""
    objs = []
    for line in stderr.splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError:
            check(False, "%s: every stderr line is JSON, not %r" % (what, line))
        check(isinstance(objs[-1], dict) and "message" in objs[-1], "%s: a log object: %r" % (what, line))
    return objs


def case_usage_errors_are_json():
    """An unknown command and bad options of run, sync and plugins, with --log-format json anywhere on the line."""
    for args in (["bogus", "--log-format", "json"], ["run", "--log-format", "json", "--bogus"],
                 ["run", "--log-format=json", "--plugin", "dest_null", "frobnicate"],
                 ["sync", "--bogus", "--log-format", "json"], ["plugins", "--log-format", "json"]):
        p = run(args)
        check(p.returncode == 2, "%s: a usage error, exit 2 (got %d)" % (" ".join(args), p.returncode))
        objs = json_lines(p.stderr, " ".join(args))
        check(len(objs) == 1 and objs[0]["level"] == "ERROR" and objs[0]["exit_code"] == 2 and
              objs[0]["failure_type"] == "config_error", "%s: one ERROR object with failure_type and exit_code: %s"
              % (" ".join(args), p.stderr.strip()))


def case_isolated_child_stderr_is_json():
    """A plugin run --isolate that prints to stderr: its line arrives as a JSON object of its logger (masked)."""
    d = scratch_dir("connhost-jsonlog-")
    cfg = write_json(os.path.join(d, "cfg.json"), {"api_key": "good-secret-4711", "count": 3})
    cat = write_json(os.path.join(d, "cat.json"), {"streams": [{"stream": {"name": "items"}, "sync_mode": "full_refresh",
                                                                 "destination_sync_mode": "append"}]})
    plugin = os.path.join(os.environ["CONNHOST_CERTIFY_PLUGIN_DIR"], "libsource_broken_leak_secret.so")
    for fmt_args in (["run", "--isolate", "--log-format", "json", "--plugin", plugin, "read", "--config", cfg, "--catalog", cat],):
        p = run(fmt_args)
        check(p.returncode == 0, "the read succeeds: %s" % p.stderr[-500:])
        objs = json_lines(p.stderr, "run --isolate read")
        raw = [o for o in objs if o.get("stream") == "stderr"]
        check(raw and raw[0]["logger"] == "plugin.source_broken_leak_secret" and "debug: calling the API" in raw[0]["message"],
              "the child's raw stderr line is a JSON object of the plugin's logger: %s" % raw)
        check("good-secret-4711" not in p.stderr, "its secret is masked")
    d2 = os.path.join(d, "out")
    dst = write_json(os.path.join(d, "dst.json"), {"destination_path": d2})
    p = run(["sync", "--isolate", "--log-format", "json", "--source", plugin, "--source-config", cfg, "--destination",
             "dest_jsonl", "--destination-config", dst, "--catalog", cat])
    check(p.returncode == 0, "the isolated sync succeeds: %s" % p.stderr[-500:])
    objs = json_lines(p.stderr, "sync --isolate")
    check(any(o.get("stream") == "stderr" for o in objs), "the sync relays the child's stderr line as JSON too")


if __name__ == "__main__":
    run_case(globals())
