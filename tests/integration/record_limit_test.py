#!/usr/bin/env python3
"""Integration tests of the record size limit (--max-record-mb, "max_record_mb") through the real binary.

`run write` refuses an input line over the limit, naming the line, after committing and echoing what came before it;
`sync` refuses a source record over the limit, naming the stream and the size. Usage: record_limit_test.py CASE
(CONNHOST names the binary, CONNHOST_TEST_PLUGIN_DIR holds source_wide). Exits non-zero on failure.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")
MIB = 1 << 20


def record(n, pad=0):
    return '{"type":"RECORD","record":{"stream":"blobs","data":{"n":%d,"pad":"%s"},"emitted_at":1}}' % (n, "x" * pad)


def record_of_size(n, size):
    """A RECORD line of exactly `size` bytes."""
    return record(n, size - len(record(n)))


def state(n):
    return '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"blobs"},"stream_state":{"n":%d}}}}' % n


def echoed_states(stdout):
    return [json.loads(l)["state"]["stream"]["stream_state"]["n"] for l in stdout.splitlines() if '"type":"STATE"' in l]


def rows(out_dir):
    path = os.path.join(out_dir, "blobs.jsonl")
    return [json.loads(l)["n"] for l in open(path)] if os.path.exists(path) else []


class Write:
    """`connhost run --plugin dest_jsonl write` of stream "blobs" in a temp directory."""

    def __init__(self):
        self.dir = scratch_dir("connhost-limit-")
        self.out = os.path.join(self.dir, "out")
        self.config = write_json(os.path.join(self.dir, "j.json"), {"destination_path": self.out})
        self.catalog = write_json(os.path.join(self.dir, "c.json"), {"streams": [
            {"stream": {"name": "blobs", "json_schema": {}}, "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})

    def run(self, lines, *flags, catalog=True):
        args = [CONNHOST, "run", "--plugin", "dest_jsonl", "write", "--config", self.config, *flags]
        if catalog:
            args += ["--catalog", self.catalog]
        return subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)


def over_limit_refused(*flags):
    w = Write()
    lines = [record(1), state(1), record(2), state(2), record_of_size(3, 2 * MIB), record(4), state(4)]
    r = w.run(lines, "--max-record-mb", "1", *flags)
    check(r.returncode == 1, "a 2 MiB line over a 1 MiB limit fails the write (rc %d): %s" % (r.returncode, r.stderr.strip()[-300:]))
    check("stdin line 5: a record" in r.stderr and "1 MiB record size limit" in r.stderr and "--max-record-mb" in r.stderr,
          "the error names the line, the limit and the flag: " + r.stderr.strip()[-400:])
    check(echoed_states(r.stdout) == [1, 2], "the states before the line were committed and echoed, none after it")
    check(rows(w.out) == [1, 2], "the records before the line are in the file, none from it or after it")


def case_write_line_over_limit_names_it():
    over_limit_refused()


def case_write_isolated_line_over_limit():
    over_limit_refused("--isolate")


def case_write_line_at_limit_passes():
    w = Write()
    lines = [record(1), record_of_size(2, MIB), record(3), state(3)]
    r = w.run(lines, "--max-record-mb", "1")
    check(r.returncode == 0, "a line of exactly 1 MiB passes a 1 MiB limit (rc %d): %s" % (r.returncode, r.stderr.strip()[-300:]))
    check(echoed_states(r.stdout) == [3], "its state is echoed")
    check(rows(w.out) == [1, 2, 3], "all three records are in the file")
    with open(os.path.join(w.out, "blobs.jsonl")) as f:
        f.readline()
        check(f.readline() == json.dumps(json.loads(lines[1])["record"]["data"], separators=(",", ":")) + "\n",
              "the large record arrives byte for byte")


def case_large_records_keep_order():
    w = Write()
    lines = [record(1), record_of_size(2, 3 * MIB // 2), record_of_size(3, 6 * MIB // 5), record(4), state(4),
             record_of_size(5, MIB), state(5), record(6), state(6)]
    r = w.run(lines, "--max-record-mb", "2")
    check(r.returncode == 0, "records of 1 to 1.5 MiB between small ones are written (rc %d): %s" % (r.returncode, r.stderr.strip()[-300:]))
    with open(os.path.join(w.out, "blobs.jsonl")) as f:
        got = f.read().splitlines()
    want = [json.dumps(json.loads(l)["record"]["data"], separators=(",", ":")) for l in lines if '"RECORD"' in l]
    check(got == want, "every record arrives once, in input order, byte for byte")
    counts = [json.loads(l)["state"]["destinationStats"]["recordCount"] for l in r.stdout.splitlines() if '"type":"STATE"' in l]
    check(counts == [4, 1, 1], "each echoed state counts the records since the one before (%s)" % counts)


def case_singer_line_over_limit():
    w = Write()
    lines = ['{"type":"SCHEMA","stream":"blobs","schema":{"type":"object","properties":{"n":{"type":"integer"},"pad":{"type":"string"}}},"key_properties":[]}',
             '{"type":"RECORD","stream":"blobs","record":{"n":1}}',
             '{"type":"STATE","value":{"n":1}}',
             '{"type":"RECORD","stream":"blobs","record":{"n":2,"pad":"%s"}}' % ("x" * (2 * MIB)),
             '{"type":"RECORD","stream":"blobs","record":{"n":3}}',
             '{"type":"STATE","value":{"n":3}}']
    r = w.run(lines, "--max-record-mb", "1", catalog=False)
    check(r.returncode == 1, "Singer input (spooled for its catalog) with a line over the limit fails (rc %d)" % r.returncode)
    check("stdin line 4: a record" in r.stderr and "1 MiB record size limit" in r.stderr, "the error names the line: " + r.stderr.strip()[-300:])
    check([json.loads(l) for l in r.stdout.splitlines()] == [{"n": 1}],
          "the state before the line was committed and echoed, as a Singer target prints it (its bare value)")
    check(rows(w.out) == [1], "the record before the line is in the file")


def case_default_limit_is_64_mib():
    w = Write()
    r = w.run([record(1), state(1), record_of_size(2, 64 * MIB + 1), state(2)])
    check(r.returncode == 1 and "stdin line 3: a record" in r.stderr and "64 MiB record size limit" in r.stderr,
          "without --max-record-mb a line one byte over 64 MiB fails: " + r.stderr.strip()[-300:])
    check(echoed_states(r.stdout) == [1], "the state before it was echoed")


class Sync:
    """`connhost sync` of source_wide (records of the given sizes) into dest_jsonl, each record followed by a state."""

    def __init__(self, sizes):
        self.dir = scratch_dir("connhost-limit-")
        self.out = os.path.join(self.dir, "out")
        self.state = os.path.join(self.dir, "state.json")
        self.src = write_json(os.path.join(self.dir, "src.json"), {"sizes": sizes})
        self.dst = write_json(os.path.join(self.dir, "dst.json"), {"destination_path": self.out})
        self.catalog = write_json(os.path.join(self.dir, "c.json"), {"streams": [
            {"stream": {"name": "blobs"}, "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})

    def run(self, *flags):
        return subprocess.run([CONNHOST, "sync", "--plugin-dir", TEST_PLUGINS, "--source", "source_wide", "--source-config", self.src,
                               "--destination", "dest_jsonl", "--destination-config", self.dst, "--catalog", self.catalog,
                               "--state-file", self.state, *flags], capture_output=True, text=True, timeout=120)

    def saved_n(self):
        return json.load(open(self.state))["states"][0]["stream"]["stream_state"]["n"] if os.path.exists(self.state) else None


def source_over_limit_refused(*flags):
    s = Sync([100, 2 * MIB, 100])
    r = s.run("--max-record-mb", "1", *flags)
    check(r.returncode == 1, "a source record of 2 MiB over a 1 MiB limit fails the sync (rc %d)" % r.returncode)
    check('stream "blobs"' in r.stderr and "a record of 2 MiB is over the 1 MiB record size limit" in r.stderr
          and "--max-record-mb" in r.stderr, "the error names the stream, the size and the flag: " + r.stderr.strip()[-400:])
    check(s.saved_n() == 1, "the state before the record is saved (n=%s)" % s.saved_n())
    check(rows(s.out) == [1], "the record before it is committed, it is not")


def case_sync_source_over_limit_names_stream():
    source_over_limit_refused()


def case_sync_isolated_source_over_limit():
    source_over_limit_refused("--isolate")


def case_connection_file_max_record_mb():
    s = Sync([100, 2 * MIB, 100])
    conn = {"source": {"plugin": "source_wide", "config_file": s.src},
            "destination": {"plugin": "dest_jsonl", "config_file": s.dst},
            "catalog_file": s.catalog, "state_file": s.state, "max_record_mb": 1}
    path = write_json(os.path.join(s.dir, "conn.json"), conn)
    r = subprocess.run([CONNHOST, "sync", "--plugin-dir", TEST_PLUGINS, path], capture_output=True, text=True, timeout=120)
    check(r.returncode == 1 and "1 MiB record size limit" in r.stderr, "max_record_mb 1 in the connection file refuses the 2 MiB record: " +
          r.stderr.strip()[-300:])
    r = subprocess.run([CONNHOST, "sync", "--plugin-dir", TEST_PLUGINS, "--max-record-mb", "3", path], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "--max-record-mb 3 overrides the file and lets it through: " + r.stderr.strip()[-300:])
    check(rows(s.out) == [1, 1, 2, 3], "the re-run (append, full refresh) adds all three records")
    write_json(path, dict(conn, max_record_mb=0))
    r = subprocess.run([CONNHOST, "sync", "--plugin-dir", TEST_PLUGINS, path], capture_output=True, text=True, timeout=120)
    check(r.returncode == 2 and "max_record_mb must be a whole number of MiB" in r.stderr, "max_record_mb 0 is refused, naming the key: " +
          r.stderr.strip()[-300:])


if __name__ == "__main__":
    run_case(globals())
