#!/usr/bin/env python3
"""Default sync modes fitted to the destination's supported_destination_sync_modes, unsupported modes refused.

dest_append_only (tests/integration/CMakeLists.txt) is the `connhost new` C++ destination template whose spec lists
only append. Usage: sync_modes_test.py CASE (CONNHOST names the binary, CONNHOST_TEST_PLUGIN_DIR the test plugins).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")


def connhost(args, stdin=None):
    return subprocess.run([CONNHOST, *args], input=stdin, capture_output=True, text=True, timeout=120)


def lines_of(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


class Target:
    """An empty dest_append_only folder and a faker source of `count` records."""

    def __init__(self, count=20):
        self.dir = scratch_dir("connhost-modes-")
        self.out = os.path.join(self.dir, "out")
        os.mkdir(self.out)
        self.dst = write_json(os.path.join(self.dir, "dst.json"), {"destination_path": self.out})
        self.src = write_json(os.path.join(self.dir, "src.json"), {"count": count, "seed": 3})

    def sync(self, *extra):
        return connhost(["sync", "--plugin-dir", TEST_PLUGINS, "--source", "source_faker", "--source-config", self.src,
                         "--destination", "dest_append_only", "--destination-config", self.dst, *extra])

    def written(self):
        return sorted(f for f in os.listdir(self.out) if not f.startswith("."))

    def catalog(self, mode, sync_mode="incremental"):
        return write_json(os.path.join(self.dir, "catalog.json"), {"streams": [
            {"stream": {"name": "users"}, "sync_mode": sync_mode, "cursor_field": ["updated_at"],
             "destination_sync_mode": mode, "primary_key": [["id"]]}]})


def check_refused(r, t, what, mode):
    text = r.stdout + r.stderr
    check(r.returncode == 1, what + " is refused with exit 1 (rc %d): %s" % (r.returncode, text.strip()[-400:]))
    check("users" in text and mode in text and "its spec lists append" in text,
          "the error names the stream, the mode and the supported modes")
    check("config_error" in text or r.stdout == "", "it is a config_error")
    check(t.written() == [], "nothing was written: %s" % t.written())


def case_default_modes_fit_append_only():
    t = Target()
    r = t.sync()
    check(r.returncode == 0, "a sync without a catalog into an append-only destination succeeds: " + r.stderr[-400:])
    for stream in ("users", "products", "purchases"):
        check(len(lines_of(os.path.join(t.out, stream + ".jsonl"))) == 20, stream + ": 20 records written")
        check("stream %s is written append rather than append_dedup" % stream in r.stderr,
              stream + ": a log line says it is written append rather than append_dedup")
    r = t.sync()
    check(r.returncode == 0, "a second sync (no state file) succeeds too")
    check(len(lines_of(os.path.join(t.out, "users.jsonl"))) == 40, "append: the second sync's records are appended")


def case_configured_dedup_refused():
    t = Target()
    check_refused(t.sync("--catalog", t.catalog("append_dedup")), t, "a configured append_dedup", "append_dedup")


def case_configured_overwrite_refused():
    t = Target()
    check_refused(t.sync("--catalog", t.catalog("overwrite", "full_refresh")), t, "a configured overwrite", "overwrite")


def case_connection_file_mode_refused():
    t = Target()
    conn = write_json(os.path.join(t.dir, "conn.json"), {
        "source": {"plugin": "source_faker", "config": {"count": 5}},
        "destination": {"plugin": "dest_append_only", "config": {"destination_path": t.out}},
        "streams": [{"name": "users", "destination_sync_mode": "append_dedup"}]})
    check_refused(connhost(["sync", "--plugin-dir", TEST_PLUGINS, conn]), t, "a connection file's append_dedup",
                  "append_dedup")


def case_unsupported_source_sync_mode_refused():
    t = Target()
    conn = write_json(os.path.join(t.dir, "conn.json"), {
        "source": {"plugin": "source_wide", "config": {"sizes": [30, 30]}},
        "destination": {"plugin": "dest_append_only", "config": {"destination_path": t.out}},
        "streams": [{"name": "blobs", "sync_mode": "incremental", "destination_sync_mode": "append"}]})
    r = connhost(["sync", "--plugin-dir", TEST_PLUGINS, conn])
    text = r.stdout + r.stderr
    check(r.returncode == 1, "an incremental stream the source lists as full_refresh only is refused (rc %d): %s"
          % (r.returncode, text.strip()[-400:]))
    check("blobs" in text and "incremental" in text and "supported_sync_modes" in text,
          "the error names the stream, the mode and supported_sync_modes")
    check(t.written() == [], "nothing was written")


SINGER = "\n".join(json.dumps(m) for m in [
    {"type": "SCHEMA", "stream": "users", "key_properties": ["id"],
     "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "v": {"type": "string"}}}},
    {"type": "RECORD", "stream": "users", "record": {"id": 1, "v": "a"}},
    {"type": "RECORD", "stream": "users", "record": {"id": 1, "v": "b"}},
    {"type": "STATE", "value": {"n": 2}},
]) + "\n"


def case_singer_keyed_stream_appended():
    t = Target()
    r = connhost(["run", "--plugin-dir", TEST_PLUGINS, "--plugin", "dest_append_only", "write", "--config", t.dst],
                 stdin=SINGER)
    check(r.returncode == 0, "a Singer stream with key_properties is written into an append-only destination: "
          + (r.stdout + r.stderr).strip()[-400:])
    check([rec["v"] for rec in lines_of(os.path.join(t.out, "users.jsonl"))] == ["a", "b"],
          "both records of key 1 are kept: the stream was written append")
    check("stream users is written append rather than append_dedup" in r.stdout + r.stderr, "a log line says so")


def case_write_catalog_mode_refused():
    t = Target()
    r = connhost(["run", "--plugin-dir", TEST_PLUGINS, "--plugin", "dest_append_only", "write", "--config", t.dst,
                  "--catalog", t.catalog("append_dedup")], stdin="")
    check_refused(r, t, "`run write --catalog` with append_dedup", "append_dedup")


run_case(globals())
