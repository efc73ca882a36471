#!/usr/bin/env python3
"""Namespace mapping of `connhost sync` (namespace_definition / namespace_format / stream_prefix, as Airbyte's
connection settings), source_faker -> dest_sqlite, whose table is "<namespace>__<stream>" or "<stream>" without one.

Usage: namespace_test.py CASE   (CONNHOST names the binary)."""
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
STREAMS = ("users", "products", "purchases")


def sync(args):
    return subprocess.run([CONNHOST, "sync", *args], capture_output=True, text=True, timeout=240)


def tables(db):
    with sqlite3.connect(db) as c:
        return {r[0]: c.execute('SELECT count(*) FROM "%s"' % r[0]).fetchone()[0]
                for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'")}


def saved_streams(state_file):
    with open(state_file) as f:
        states = json.load(f)["states"]
    return sorted((s["stream"]["stream_descriptor"].get("namespace"), s["stream"]["stream_descriptor"]["name"])
                  for s in states if s.get("type") == "STREAM")


def committed(p):
    m = re.search(r"(\d+) records committed", p.stderr)
    return int(m.group(1)) if m else -1


class Faker:
    def __init__(self, count, mode="append_dedup", sync_mode="incremental"):
        self.dir = scratch_dir("connhost-ns-")
        self.src = write_json(os.path.join(self.dir, "faker.json"), {"count": count, "seed": 3, "state_interval": 100})
        self.db = os.path.join(self.dir, "out.sqlite")
        self.dst = write_json(os.path.join(self.dir, "dst.json"), {"path": self.db})
        self.state = os.path.join(self.dir, "state.json")
        streams = [{"stream": {"name": n}, "sync_mode": sync_mode, "destination_sync_mode": mode, "primary_key": [["id"]],
                    "cursor_field": ["updated_at"]} for n in STREAMS]
        self.catalog = write_json(os.path.join(self.dir, "catalog.json"), {"streams": streams})

    def args(self, *extra):
        return ["--source", "source_faker", "--source-config", self.src, "--destination", "dest_sqlite",
                "--destination-config", self.dst, "--catalog", self.catalog, "--state-file", self.state, *extra]


def case_flags_custom_format_and_prefix():
    """--namespace-definition custom --namespace-format --stream-prefix: every stream lands in its mapped table, the
    state file keeps the source's names, and a re-run resumes from them."""
    f = Faker(500)
    flags = ["--namespace-definition", "custom", "--namespace-format", "raw${SOURCE_NAMESPACE}", "--stream-prefix", "fk_"]
    p = sync(f.args(*flags))
    check(p.returncode == 0, "the mapped sync succeeds: %s" % p.stderr[-800:])
    got = tables(f.db)
    check(sorted(got) == sorted("raw__fk_" + s for s in STREAMS), "tables raw__fk_<stream> only: %s" % sorted(got))
    check(all(n > 0 for n in got.values()), "every mapped table holds records: %s" % got)
    check("stream users -> raw.fk_users" in p.stderr, "the log names each stream's new place")
    check(saved_streams(f.state) == [(None, s) for s in sorted(STREAMS)],
          "the state file names the source's streams, unprefixed: %s" % saved_streams(f.state))
    first = dict(got)
    p = sync(f.args(*flags))
    check(p.returncode == 0, "the re-run succeeds: %s" % p.stderr[-800:])
    check(0 <= committed(p) < sum(first.values()), "the re-run resumes from the saved states (%d records, first run %d)"
          % (committed(p), sum(first.values())))
    check(tables(f.db) == first, "append_dedup keeps one row per id after the resume: %s" % tables(f.db))
    p = sync(f.args("--stream-prefix", "other_"))
    check(p.returncode == 1 and "namespace_mapping" in p.stderr and "--reset-state" in p.stderr,
          "a changed mapping is another target: its saved states are refused: %s" % p.stderr[-600:])
    check(sorted(tables(f.db)) == sorted(first), "nothing was written under the new names")


def case_connection_file_destination_overwrite():
    """A connection file's "namespace_definition": "destination" and "stream_prefix": overwrite streams (which need
    their COMPLETE status under the mapped name to be swapped in) land in p_<stream>, twice without doubling."""
    f = Faker(300)
    conn = write_json(os.path.join(f.dir, "conn.json"), {
        "source": {"plugin": "source_faker", "config_file": f.src},
        "destination": {"plugin": "dest_sqlite", "config": {"path": f.db}},
        "streams": [{"name": s, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for s in STREAMS],
        "namespace_definition": "destination", "stream_prefix": "p_"})
    for run in (1, 2):
        p = sync([conn])
        check(p.returncode == 0, "run %d succeeds: %s" % (run, p.stderr[-800:]))
        got = tables(f.db)
        check(sorted(got) == sorted("p_" + s for s in STREAMS), "run %d: tables p_<stream> only: %s" % (run, sorted(got)))
    check(got["p_users"] == 300, "the overwrite replaced the table (300 users, not 600): %s" % got)


def case_flags_override_connection_file():
    """Flags win over the connection file: --namespace-definition source drops the file's custom format."""
    f = Faker(50)
    conn = write_json(os.path.join(f.dir, "conn.json"), {
        "source": {"plugin": "source_faker", "config_file": f.src},
        "destination": {"plugin": "dest_sqlite", "config": {"path": f.db}}, "catalog_file": f.catalog,
        "namespace_definition": "custom", "namespace_format": "other"})
    p = sync([conn, "--namespace-definition", "source", "--stream-prefix", "x_"])
    check(p.returncode == 0, "the sync succeeds: %s" % p.stderr[-800:])
    check(sorted(tables(f.db)) == sorted("x_" + s for s in STREAMS), "tables x_<stream>: %s" % sorted(tables(f.db)))


def case_bad_mapping_refused():
    """A mapping that cannot be applied is a usage error naming what to give, before anything runs."""
    f = Faker(10)
    p = sync(f.args("--namespace-definition", "custom"))
    check(p.returncode == 2 and "namespace_format" in p.stderr, "custom without a format: %s" % p.stderr.strip())
    p = sync(f.args("--namespace-definition", "schema"))
    check(p.returncode == 2 and "source, destination or custom" in p.stderr, "an unknown definition: %s" % p.stderr.strip())
    conn = write_json(os.path.join(f.dir, "conn.json"), {
        "source": {"plugin": "source_faker"}, "destination": {"plugin": "dest_sqlite", "config": {"path": f.db}},
        "namespace_definition": "destination", "namespace_format": "x"})
    p = sync([conn])
    check(p.returncode == 2 and "conn.json" in p.stderr and "only with namespace_definition custom" in p.stderr,
          "a format without custom, in a connection file: %s" % p.stderr.strip())
    check(not os.path.exists(f.db), "nothing was written")


if __name__ == "__main__":
    run_case(globals())
