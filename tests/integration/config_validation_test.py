#!/usr/bin/env python3
"""Integration tests of config validation against the connector's connectionSpecification, through the real binary.

Before any plugin sees a config, `connhost run` and `connhost sync` (both plugins, --isolate too) validate it: a wrong
type, a missing required field or a field the spec forbids (additionalProperties: false) fails naming the config's
origin and the field's path; a field the spec neither declares nor forbids is a warning naming it. No secret value is
ever printed. Usage: config_validation_test.py CASE (CONNHOST names the binary). Exits non-zero on failure.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.path.abspath(os.environ.get("CONNHOST", "build/bin/connhost"))
SECRET = "Sup3r-Secret-Value-4711"
PG = {"host": "127.0.0.1", "port": 1, "database": "d", "username": "u", "password": SECRET}
HTTP = {"base_url": "http://127.0.0.1:1", "streams": [{"name": "items", "path": "/items"}]}


def tmp():
    return scratch_dir("connhost-cfgval-")


def run(plugin, op, config, *flags):
    """`connhost run --plugin PLUGIN OP --config FILE` with `config` written to FILE; returns (result, FILE)."""
    path = write_json(os.path.join(tmp(), "config.json"), config)
    r = subprocess.run([CONNHOST, "run", "--plugin", plugin, op, "--config", path, *flags], capture_output=True,
                       text=True, timeout=120)
    return r, path


def refused(r, path, plugin, needle):
    """Checks that `r` failed as a config error naming the config file, `needle` and the spec command."""
    check(r.returncode != 0, "%s: the run fails (rc %d)" % (needle, r.returncode))
    check(("config file " + path) in r.stderr and needle in r.stderr, "the error names the file and %r: %s" %
          (needle, r.stderr.strip()[-600:]))
    check("connhost run --plugin %s spec" % plugin in r.stderr, "the error says how to see the spec")
    check('"failure_type":"config_error"' in r.stdout.replace(" ", ""), "the TRACE says config_error")
    check(SECRET not in r.stdout + r.stderr, "no secret value is printed")


def case_wrong_type():
    r, path = run("source_postgres", "discover", dict(PG, port="5432"))
    refused(r, path, "source_postgres", "config.port must be an integer")
    check("set it to an integer" in r.stderr, "the error says what to do")
    r, path = run("source_postgres", "discover", dict(PG, password=987654321))
    refused(r, path, "source_postgres", "config.password must be a string")
    check("987654321" not in r.stdout + r.stderr, "the wrong-typed secret's value is not printed")


def case_missing_required():
    cfg = dict(PG)
    del cfg["username"]
    r, path = run("source_postgres", "discover", cfg)
    refused(r, path, "source_postgres", "config.username is required")


def case_nested_path():
    cfg = dict(HTTP, streams=[{"name": "items", "path": "/items", "max_pages": "ten"}])
    r, path = run("source_http", "discover", cfg)
    refused(r, path, "source_http", "config.streams[0].max_pages must be an integer")


def case_unknown_field_forbidden():
    r, path = run("source_http", "discover", dict(HTTP, discover_pagez=2))
    refused(r, path, "source_http", 'config.discover_pagez: unknown key; did you mean "discover_pages"?')
    cfg = dict(HTTP, auth={"type": "bearer", "token": SECRET, "tokn": "x"})
    r, path = run("source_http", "discover", cfg)
    refused(r, path, "source_http", 'config.auth.tokn: unknown key for auth type bearer; did you mean "token"?')


def case_unknown_field_warns():
    r, path = run("source_faker", "discover", {"count": 3, "colour": "red"})
    check(r.returncode == 0, "an undeclared field the spec does not forbid is no error: " + r.stderr[-300:])
    warns = [json.loads(l)["log"]["message"] for l in r.stdout.splitlines() if '"level":"WARN"' in l]
    check(any("config.colour" in w and "source_faker" in w and ("config file " + path) in w for w in warns) and
          "red" not in "".join(warns), "a WARN log names the file and field (not its value): %s" % warns)
    r, path = run("source_faker", "discover", {"count": 3})
    check("is not a field" not in r.stdout + r.stderr, "a config of declared fields gets no warning")


def case_check_reports_status():
    r, path = run("source_postgres", "check", dict(PG, port="5432"))
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    status = [m["connectionStatus"] for m in lines if m.get("type") == "CONNECTION_STATUS"]
    check(status and status[0]["status"] == "FAILED" and "config.port must be an integer" in status[0]["message"] and
          ("config file " + path) in status[0]["message"],
          "check answers CONNECTION_STATUS FAILED naming the file and field: %s" % status)
    plugin_refused, _ = run("dest_jsonl", "check", {"destination_path": "/proc/no/such/dir"})
    check(r.returncode == plugin_refused.returncode, "check exits as for a config the plugin refuses (rc %d, %d)" %
          (r.returncode, plugin_refused.returncode))
    check(SECRET not in r.stdout + r.stderr, "no secret value is printed")


def connection(d, src_cfg, dst_cfg):
    return write_json(os.path.join(d, "conn.json"), {
        "source": {"plugin": "source_faker", "config": src_cfg},
        "destination": {"plugin": "dest_jsonl", "config": dst_cfg}, "state_file": "state.json"})


def case_sync_destination_config():
    d = tmp()
    conn = connection(d, {"count": 5}, {"destination_path": 5, "token": SECRET})
    r = subprocess.run([CONNHOST, "sync", conn], capture_output=True, text=True, timeout=120, cwd=d)
    check(r.returncode != 0, "a sync with a wrong-typed destination config fails")
    check(("connection file %s: destination.config" % conn) in r.stderr and
          "config.destination_path must be a string" in r.stderr, "the error names the file, side and field: " +
          r.stderr.strip()[-500:])
    check(not os.path.exists(os.path.join(d, "state.json")), "nothing was synced")


def case_sync_source_config_isolated():
    d = tmp()
    src = write_json(os.path.join(d, "src.json"), {"count": "many"})
    dst = write_json(os.path.join(d, "dst.json"), {"destination_path": os.path.join(d, "out")})
    args = [CONNHOST, "sync", "--source", "source_faker", "--source-config", src, "--destination", "dest_jsonl",
            "--destination-config", dst, "--isolate"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    named = ("--source-config " + src) in r.stderr and "config.count must be an integer" in r.stderr
    check(r.returncode != 0 and named, "an isolated sync names the source config and field: " + r.stderr.strip()[-500:])
    write_json(src, {"count": 5, "colour": "red"})
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and "config.colour" in r.stderr, "an undeclared source field warns and the sync runs: " +
          r.stderr.strip()[-500:])


if __name__ == "__main__":
    run_case(globals())
