#!/usr/bin/env python3
"""Partitioned syncs (`connhost sync --partition I/N`) through the real binary: source_faker split by record index,
streams a source cannot split given to one worker each, the state file of each worker, and the usage errors.

Usage: partition_test.py CASE   (CONNHOST names the binary; CONNHOST_TEST_PLUGIN_DIR the test-only connectors).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "")
STREAMS = ("users", "products", "purchases")


def sync(args, **kw):
    return subprocess.run([CONNHOST, "sync", *args], capture_output=True, text=True, **kw)


def ids_in(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line)["id"] for line in f if line.strip()]


def complete_lines(path):
    """Lines of `path` that end in a newline: a worker killed mid-write may leave a torn last line, which the
    destination trims when the worker runs again."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(1 for line in f if line.endswith(b"\n"))


class Workers:
    """N faker -> dest_jsonl workers of one sync, each with its own output directory and state file."""

    def __init__(self, n, count, catalog=None, state_interval=500, isolate=False):
        self.dir = scratch_dir("connhost-partition-")
        self.n, self.count, self.isolate = n, count, isolate
        self.src = write_json(os.path.join(self.dir, "faker.json"),
                              {"count": count, "seed": 3, "state_interval": state_interval})
        self.catalog = write_json(os.path.join(self.dir, "catalog.json"), catalog) if catalog else None

    def out(self, i):
        return os.path.join(self.dir, "out%d" % i)

    def state(self, i):
        return os.path.join(self.dir, "state%d.json" % i)

    def args(self, i):
        dst = write_json(os.path.join(self.dir, "dst%d.json" % i), {"destination_path": self.out(i)})
        a = ["--source", "source_faker", "--source-config", self.src, "--destination", "dest_jsonl",
             "--destination-config", dst, "--state-file", self.state(i), "--partition", "%d/%d" % (i, self.n)]
        return a + (["--catalog", self.catalog] if self.catalog else []) + (["--isolate"] if self.isolate else [])

    def run(self, i):
        r = sync(self.args(i), timeout=300)
        check(r.returncode == 0, "worker %d/%d succeeds: %s" % (i, self.n, r.stderr[-500:]))
        return r

    def ids(self, i, stream):
        return ids_in(os.path.join(self.out(i), stream + ".jsonl"))


def check_union(w, stream):
    """Every id of `stream` exactly once over the workers; returns each worker's share."""
    got = [w.ids(i, stream) for i in range(w.n)]
    union = sorted(x for ids in got for x in ids)
    check(union == list(range(1, w.count + 1)),
          "%s: the %d workers together moved ids 1..%d exactly once (%d records, %d distinct)"
          % (stream, w.n, w.count, len(union), len(set(union))))
    return [len(ids) / w.count for ids in got]


def case_faker_union_exact(isolate=False):
    """3 workers over source_faker (every stream split by record index): each stream's ids exactly once in all, each
    worker a third of each stream, its own state file holding its worker."""
    w = Workers(3, 30000, isolate=isolate)
    for i in range(3):
        r = w.run(i)
        check("partition: worker %d of 3" % i in r.stderr and "partition: stream users: slice %d of 3" % i in r.stderr,
              "worker %d logs its worker and slice" % i)
    for stream in STREAMS:
        shares = check_union(w, stream)
        print("shares of %s: %s" % (stream, ", ".join("%.3f" % s for s in shares)))
        check(all(0.2 <= s <= 0.5 for s in shares), "%s: each worker moved 20%%..50%% (%s)" % (stream, shares))
        check(w.ids(1, stream) == list(range(10001, 20001)), "%s: worker 1 moved the middle third by index" % stream)
    for i in range(3):
        saved = json.load(open(w.state(i)))
        check(saved["owner"].get("partition") == "%d/3" % i, "state file %d names its worker: %r" % (i, saved["owner"]))


def case_faker_union_exact_isolated():
    """As faker_union_exact with --isolate: the source runs in a child process, which is given the partition and
    answers the source's slice requests from the same plan."""
    case_faker_union_exact(isolate=True)


def case_faker_rerun_resumes_slice():
    """A worker killed mid-slice resumes inside its slice, and a finished worker run again moves nothing: the union
    stays exact."""
    w = Workers(3, 150000, state_interval=2000)  # a worker's run: ~2 s here, ~20 s in the sanitizer build
    for i in (0, 2):
        w.run(i)
    p = subprocess.Popen([CONNHOST, "sync", *w.args(1)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not (os.path.exists(w.state(1)) and os.path.getsize(w.state(1))):
        time.sleep(0.005)
    p.kill()
    p.communicate(timeout=60)
    partial = sum(complete_lines(os.path.join(w.out(1), s + ".jsonl")) for s in STREAMS)
    check(p.returncode == -9 and partial < w.count,
          "worker 1 was killed mid-slice (%d of its %d records written)" % (partial, w.count))
    r = w.run(1)
    check("records from index" in r.stderr, "worker 1 resumed from its saved position: " + r.stderr[-400:])
    for stream in STREAMS:
        check_union(w, stream)
    r = w.run(1)
    check("0 records committed" in r.stderr or "sync done: 0 records" in r.stderr,
          "a finished worker run again moves nothing: " + r.stderr[-400:])
    for stream in STREAMS:
        check_union(w, stream)


def plain_catalog():
    """A configured catalog without the connhost_splittable marks of discover: no stream can be split."""
    return {"streams": [{"stream": {"name": n, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                         "sync_mode": "full_refresh", "destination_sync_mode": "append"} for n in STREAMS]}


def case_unsplit_streams_one_worker_each():
    """Streams not marked splittable go each to exactly one worker, whole, the same one on every run."""
    w = Workers(2, 1000, catalog=plain_catalog())
    for i in range(2):
        w.run(i)
    for stream in STREAMS:
        got = [w.ids(i, stream) for i in range(2)]
        whole = [i for i in range(2) if got[i] == list(range(1, 1001))]
        check(len(whole) == 1 and all(got[i] == [] for i in range(2) if i not in whole),
              "%s is read whole by exactly one worker (%s)" % (stream, [len(g) for g in got]))
    r = sync(w.args(0), timeout=300)
    for stream in STREAMS:
        reader = 0 if w.ids(0, stream) else 1
        said = "partition: stream %s: whole, on %s" % (stream, "this worker" if reader == 0 else "worker 1")
        check(said in r.stderr, "worker 0's log says who reads %s: %s" % (stream, said))


def case_state_file_of_another_worker():
    """A worker given another worker's state file refuses it, saying to give each worker its own."""
    w = Workers(2, 100)
    w.run(0)
    args = w.args(1)
    args[args.index("--state-file") + 1] = w.state(0)
    r = sync(args, timeout=120)
    check(r.returncode == 1 and "was written by worker 0/2" in r.stderr and "its own --state-file" in r.stderr,
          "worker 1 refuses worker 0's state file: " + r.stderr.strip()[-400:])


def case_source_ignoring_slices_fails():
    """A source whose catalog stream is marked splittable but which emits it without asking for its slice fails the
    sync rather than having every worker move the whole stream; in a child process (--isolate) as well."""
    d = scratch_dir("connhost-partition-")
    src = write_json(os.path.join(d, "src.json"), {"streams": ["s"], "messages": [{"stream": "s", "data": '{"id":1}'}]})
    dst = write_json(os.path.join(d, "dst.json"), {"destination_path": os.path.join(d, "out")})
    cat = write_json(os.path.join(d, "cat.json"), {"streams": [{
        "stream": {"name": "s", "json_schema": {}, "supported_sync_modes": ["full_refresh"], "connhost_splittable": True},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
    for isolate in ([], ["--isolate"]):
        r = sync(["--plugin-dir", TEST_PLUGINS, "--source", "source_scripted", "--source-config", src, "--destination",
                  "dest_jsonl", "--destination-config", dst, "--catalog", cat, "--partition", "0/2", "--state-file",
                  os.path.join(d, "st.json")] + isolate, timeout=120)
        check(r.returncode == 1 and "without asking for its slice" in r.stderr and not ids_in(os.path.join(d, "out", "s.jsonl")),
              "the sync %s fails naming the source's mistake, nothing written: %s" % (isolate, r.stderr.strip()[-400:]))


def case_usage_errors():
    """Malformed --partition values, I >= N, N < 1, and in a connection file: exit 2 naming the flag and what to
    pass."""
    w = Workers(2, 10)
    base = w.args(0)[:-2]  # without --partition
    for bad, why in (("x", "is not I/N"), ("1", "is not I/N"), ("1/", "is not I/N"), ("-1/3", "is not I/N"),
                     ("a/3", "is not I/N"), ("3/3", "I >= N"), ("5/2", "I >= N"), ("0/0", "N < 1")):
        r = sync(base + ["--partition", bad], timeout=60)
        check(r.returncode == 2 and ('--partition "%s"' % bad) in r.stderr and why in r.stderr and "pass I/N" in r.stderr,
              "--partition %s is a usage error saying why and what to pass: %s" % (bad, r.stderr.strip()[-300:]))
    conn = write_json(os.path.join(w.dir, "conn.json"), {
        "source": {"plugin": "source_faker", "config": {"count": 10}},
        "destination": {"plugin": "dest_jsonl", "config": {"destination_path": "out"}}, "partition": "2/2"})
    r = sync([conn], timeout=60)
    check(r.returncode == 2 and 'partition "2/2"' in r.stderr and "connection file" in r.stderr,
          "a bad \"partition\" in a connection file names the file and field: " + r.stderr.strip()[-300:])


def case_connection_file_partition():
    """"partition" in a connection file, the flag overriding it; its default state file carries the worker."""
    d = scratch_dir("connhost-partition-")
    conn = write_json(os.path.join(d, "conn.json"), {
        "source": {"plugin": "source_faker", "config": {"count": 90}},
        "destination": {"plugin": "dest_jsonl", "config": {"destination_path": "out"}},
        "streams": [{"name": "users"}], "partition": "1/3"})
    r = sync([conn], timeout=120, cwd=d)
    check(r.returncode == 0, "a connection file with \"partition\" syncs: " + r.stderr[-300:])
    check(ids_in(os.path.join(d, "out", "users.jsonl")) == list(range(31, 61)), "worker 1 of 3 moved users 31..60")
    check(os.path.exists(conn + ".state.1-of-3.json"), "the default state file names the worker")
    r = sync([conn, "--partition", "0/3"], timeout=120, cwd=d)
    check(r.returncode == 0 and os.path.exists(conn + ".state.0-of-3.json"), "--partition overrides the file's")
    check(sorted(ids_in(os.path.join(d, "out", "users.jsonl"))) == list(range(1, 61)), "worker 0 added users 1..30")


run_case(globals())
