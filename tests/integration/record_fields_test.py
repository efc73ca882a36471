#!/usr/bin/env python3
"""Integration tests of the host extension "connhost.record_fields/1" through the real binary.

The host finds the top-level members of each record's data while it checks the record, and hands them to a
destination that asked for them (Destination::uses_record_fields) with the batch, so that the destination does not
scan the JSON again; a destination that did not ask gets none (they cost memory while batches wait).
dest_fields_probe (a test plugin) compares what it is given with its own scan of every record, fails on a
difference, and reports how many records came with the host's members. Usage: record_fields_test.py CASE (CONNHOST
names the binary, CONNHOST_TEST_PLUGIN_DIR holds dest_fields_probe). Exits non-zero on failure.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")

# Record data texts as a source or a file may write them: spacing, escapes in names and values, UTF-8, nesting,
# duplicate names, every kind of value, an empty object.
DATA = [
    '{"id":1,"name":"plain"}',
    '{ "id" : 2 , "name" : "spaced" }',
    '{"id":3,"na\\"me":"esc\\u00e9aped \\\\ \\n","w\\u00f6rd":true}',
    '{"id":4,"text":"gr\u00fc\u00dfe \u2603 \U0001F600","n":-1.5e3}',
    '{"id":5,"obj":{"a":[1,{"b":null}],"c":"}"},"arr":[],"f":false,"z":null}',
    '{"id":6,"dup":1,"dup":"two"}',
    '{}',
    '{"id":8,"long":"%s"}' % ("x\\\"" * 5000),
]


def record_line(data, stream="items"):
    return '{"type":"RECORD","record":{"stream":"%s","data":%s,"emitted_at":1}}' % (stream, data)


def state_line(n):
    return '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"},"stream_state":{"n":%d}}}}' % n


def catalog(d):
    return write_json(os.path.join(d, "catalog.json"), {"streams": [
        {"stream": {"name": "items", "json_schema": {}}, "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})


def report(path):
    """(records, records with the host's members) of dest_fields_probe's report."""
    with open(path) as f:
        records, with_fields = f.read().split()
    return int(records), int(with_fields)


def write(lines, *flags, keep=True):
    d = scratch_dir("connhost-fields-")
    out = os.path.join(d, "report.txt")
    config = write_json(os.path.join(d, "probe.json"), {"report": out, "keep": keep})
    r = subprocess.run([CONNHOST, "run", "--plugin-dir", TEST_PLUGINS, "--plugin", "dest_fields_probe", "write",
                        "--config", config, "--catalog", catalog(d), *flags],
                       input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "the write succeeds, every record's members the same as a scan's (rc %d): %s"
          % (r.returncode, r.stderr.strip()[-400:]))
    return report(out)


def case_run_write_gives_members():
    lines = [record_line(d) for d in DATA] + [state_line(1)]
    check(write(lines) == (len(DATA), len(DATA)), "run write: every record came with the host's members")


def case_isolated_write_gives_members():
    lines = [record_line(d) for d in DATA] + [state_line(1)]
    check(write(lines, "--isolate") == (len(DATA), len(DATA)),
          "run write --isolate: the destination's child process gives every record's members too")


def case_run_write_keeps_none_unasked():
    lines = [record_line(d) for d in DATA] + [state_line(1)]
    check(write(lines, keep=False) == (len(DATA), 0),
          "run write: the host kept no members for a destination that did not ask (batch_fields has none)")


def case_sync_gives_members():
    d = scratch_dir("connhost-fields-")
    out = os.path.join(d, "report.txt")
    src = write_json(os.path.join(d, "faker.json"), {"count": 2500, "seed": 7})
    dst = write_json(os.path.join(d, "probe.json"), {"report": out})
    r = subprocess.run([CONNHOST, "sync", "--plugin-dir", TEST_PLUGINS, "--source", "source_faker", "--source-config",
                        src, "--destination", "dest_fields_probe", "--destination-config", dst,
                        "--state-file", os.path.join(d, "state.json")],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "the sync succeeds, every record's members the same as a scan's (rc %d): %s"
          % (r.returncode, r.stderr.strip()[-400:]))
    records, with_fields = report(out)
    check(records == 7500 and with_fields == records,
          "sync: all %d records came with the host's members (%d did)" % (records, with_fields))


run_case(globals())
