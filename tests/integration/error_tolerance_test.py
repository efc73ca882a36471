#!/usr/bin/env python3
"""Bad records (issue 12): `--error-tolerance none|all` and `--dead-letter FILE` of `run write` and `sync`, through the
real binary into a real dest_sqlite. Under `all` a record that cannot be written (data not an object, over the record
size limit, a stream not in the catalog, a record the destination rejects) goes to the dead-letter file as one JSON
line and the run goes on; echoed states carry destinationStats.rejectedRecordCount. Under `none` nothing changes.

Usage: error_tolerance_test.py CASE   (CONNHOST names the binary; CONNHOST_TEST_PLUGIN_DIR holds the test plugins).
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")
WIDE = 1990  # schema columns of stream "wide": with dest_sqlite's metadata columns, 20 more fields pass SQLite's 2000
BIG = "x" * (1 << 20)  # over a 1 MiB record size limit


def run(args, stdin=None, timeout=300):
    return subprocess.run([CONNHOST, *args], input=stdin, capture_output=True, text=True, timeout=timeout)


def record(stream, data):
    return json.dumps({"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 1000}})


def state(n):
    return json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
        "stream_descriptor": {"name": "users"}, "stream_state": {"n": n}}}})


def catalog(d):
    wide_schema = {"type": "object", "properties": {"p%d" % i: {"type": "integer"} for i in range(WIDE)}}
    streams = [{"stream": {"name": "users", "json_schema": {"type": "object"}, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh", "destination_sync_mode": "append"},
               {"stream": {"name": "wide", "json_schema": wide_schema, "supported_sync_modes": ["full_refresh"]},
                "sync_mode": "full_refresh", "destination_sync_mode": "append"}]
    return write_json(os.path.join(d, "catalog.json"), {"streams": streams})


def too_wide():
    """Data of stream "wide" with 20 fields beyond the schema: its table cannot take their columns."""
    return dict({"p0": 7}, **{"extra%d" % i: i for i in range(20)})


def four_bad_lines():
    """Input lines with one record of each bad kind around good ones."""
    return [
        record("users", {"id": 1}),                 # 1
        record("users", "not an object"),           # 2: data not an object
        record("ghost", {"id": 99}),                # 3: a stream not in the catalog
        record("users", {"id": 2, "pad": BIG}),     # 4: over the 1 MiB record size limit
        record("wide", {"p0": 1}),                  # 5
        record("wide", too_wide()),                 # 6: the destination rejects it (too many columns)
        record("users", {"id": 3}),                 # 7
        state(1),                                   # 8
        record("users", {"id": 4}),                 # 9
        record("wide", {"p0": 2}),                  # 10
        state(2),                                   # 11
    ]


def sqlite_ids(path, table, col):
    with sqlite3.connect(path) as db:
        return sorted(int(r[0]) for r in db.execute('SELECT "%s" FROM "%s"' % (col, table)))


def dead_letters(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def states_of(stdout):
    return [json.loads(l)["state"] for l in stdout.splitlines() if l.startswith('{"type":"STATE"')]


def run_after_echo(args, first, rest):
    """`connhost args` fed the lines `first`, then, once it echoed a state (committed while its input was idle), the
    lines `rest`; returns the finished process's returncode, stdout and stderr like run()."""
    p = subprocess.Popen([CONNHOST, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.stdin.write("".join(l + "\n" for l in first))
    p.stdin.flush()
    echoed = p.stdout.readline()
    out, err = p.communicate("".join(l + "\n" for l in rest), timeout=300)
    return subprocess.CompletedProcess(args, p.returncode, echoed + out, err)


def write_args(d, *extra):
    cfg = write_json(os.path.join(d, "dst.json"), {"path": os.path.join(d, "out.sqlite")})
    return ["run", "--plugin", "dest_sqlite", "write", "--config", cfg, "--catalog", catalog(d), "--max-record-mb", "1",
            "--log-format", "text", *extra]


def case_write_all_four_reasons():
    with tempfile.TemporaryDirectory() as d:
        dl = os.path.join(d, "dead.jsonl")
        lines = four_bad_lines()
        r = run(write_args(d, "--error-tolerance", "all", "--dead-letter", dl), "\n".join(lines) + "\n")
        print(r.stderr[-3000:])
        check(r.returncode == 0, "run write --error-tolerance all exits 0 (got %d)" % r.returncode)
        got = dead_letters(dl)
        check([g["line"] for g in got] == [2, 3, 4, 6], "dead letters of input lines 2, 3, 4 and 6, in order: %s" %
              [g["line"] for g in got])
        check(got[0] == {"line": 2, "stream": "users", "namespace": None, "reason": '"record.data" must be an object',
                         "record": json.loads(lines[1])}, "line 2 exact: %s" % got[0])
        check(got[1] == {"line": 3, "stream": "ghost", "namespace": None,
                         "reason": 'stream "ghost" is not in the catalog', "record": json.loads(lines[2])},
              "line 3 exact: %s" % got[1])
        check(got[2]["stream"] is None and got[2]["record"] is None and got[2]["namespace"] is None and
              "over the 1 MiB record size limit" in got[2]["reason"], "line 4 (too long to keep) exact: %s" %
              {k: v for k, v in got[2].items()})
        check(got[3]["stream"] == "wide" and "too many columns" in got[3]["reason"] and
              got[3]["record"] == {"type": "RECORD", "record": {"stream": "wide", "emitted_at": 1000,
                                                               "data": too_wide()}},
              "line 6, rejected by dest_sqlite, carries the record message: %s" % {
                  k: (v if k != "record" else "...") for k, v in got[3].items()})
        states = states_of(r.stdout)
        check(len(states) == 2, "both states echoed (%d)" % len(states))
        check(states[0]["destinationStats"] == {"recordCount": 3, "rejectedRecordCount": 4},
              "state 1: recordCount 3, rejectedRecordCount 4: %s" % states[0]["destinationStats"])
        check(states[1]["destinationStats"] == {"recordCount": 2, "rejectedRecordCount": 0},
              "state 2: recordCount 2, rejectedRecordCount 0: %s" % states[1]["destinationStats"])
        out = os.path.join(d, "out.sqlite")
        check(sqlite_ids(out, "users", "id") == [1, 3, 4], "users around the bad records committed")
        check(sqlite_ids(out, "wide", "p0") == [1, 2], "wide records around the rejected one committed")
        check("4 records could not be written and went to the dead-letter file " + dl in r.stderr and
              "(stream unknown) 1, ghost 1, users 1, wide 1" in r.stderr, "the summary counts them per stream")


def case_write_none_unchanged():
    with tempfile.TemporaryDirectory() as d:
        lines = four_bad_lines()
        r = run(write_args(d), "\n".join(lines) + "\n")
        check(r.returncode == 1, "without --error-tolerance a bad record fails the write (exit %d)" % r.returncode)
        check("stdin line 2" in r.stderr and "must be an object" in r.stderr, "the error names line 2")
        check(states_of(r.stdout) == [], "no state echoed")
        check(not any(f.endswith(".jsonl") for f in os.listdir(d)), "no dead-letter file")
    with tempfile.TemporaryDirectory() as d:
        # The state before the bad record is committed first (it once was only because opening a wide table was slow).
        r = run_after_echo(write_args(d, "--error-tolerance", "none"), [record("wide", {"p0": 1}), state(1)],
                           [record("wide", too_wide()), state(2)])
        check(r.returncode == 1 and "too many columns" in r.stderr,
              "--error-tolerance none: a record dest_sqlite rejects fails the write as before (exit %d)" %
              r.returncode)
        states = states_of(r.stdout)
        check(len(states) == 1 and states[0]["destinationStats"] == {"recordCount": 1},
              "the state before it is echoed as before, without rejectedRecordCount: %s" % states)
        check(sqlite_ids(os.path.join(d, "out.sqlite"), "wide", "p0") == [1], "the record before it is committed")


def case_all_needs_dead_letter():
    with tempfile.TemporaryDirectory() as d:
        r = run(write_args(d, "--error-tolerance", "all"), record("users", {"id": 1}) + "\n")
        check(r.returncode == 2 and "--dead-letter" in r.stderr, "`all` without --dead-letter is a usage error: %s" %
              r.stderr.strip()[-300:])
        r = run(write_args(d, "--error-tolerance", "some"), "")
        check(r.returncode == 2 and "none" in r.stderr and "all" in r.stderr, "an unknown tolerance names the choices")
        r = run(write_args(d, "--dead-letter", os.path.join(d, "x.jsonl")), "")
        check(r.returncode == 2 and "--error-tolerance all" in r.stderr, "--dead-letter without `all` is refused")


def scripted_connection(d, extra):
    """A connection file: source_scripted (one of each bad source record around good ones) into dest_sqlite."""
    src = {"streams": ["users", "ghost", "wide"], "messages": [
        {"stream": "users", "data": '{"id":1}'},                            # 1
        {"stream": "users", "data": '[1,2]', "batch": True},                # 2: data not an object (same batch as 1)
        {"stream": "users", "data": '{"id":2}', "batch": True},             # 3
        {"stream": "ghost", "data": '{"id":99}'},                           # 4: a stream not in the catalog
        {"stream": "users", "data": json.dumps({"id": 5, "pad": BIG})},      # 5: over the 1 MiB limit
        {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "users"}, "stream_state": {"n": 1}}}},
        {"stream": "users", "data": '{"id":3}'},                            # 6
        {"stream": "wide", "data": '{"p0":1}'},                             # 7
        {"stream": "wide", "data": '7', "batch": True},                     # 8: not an object, left out of the batch
        {"stream": "wide", "data": json.dumps(too_wide()), "batch": True},  # 9: the destination rejects it
        {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "users"}, "stream_state": {"n": 2}}}},
    ]}
    cat = {"streams": [{"stream": {"name": "users", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "append"},
                       json.load(open(catalog(d)))["streams"][1]]}
    conn = dict({"source": {"plugin": "source_scripted", "config": src},
                 "destination": {"plugin": "dest_sqlite", "config": {"path": os.path.join(d, "out.sqlite")}},
                 "catalog": cat, "state_file": "state.json", "max_record_mb": 1}, **extra)
    return write_json(os.path.join(d, "conn.json"), conn)


def check_scripted_sync(d, r, dl, isolated=False):
    print(r.stderr[-3000:])
    check(r.returncode == 0, "the sync exits 0 (got %d)" % r.returncode)
    got = dead_letters(dl)
    check([(g["line"], g["stream"]) for g in got] == [(2, "users"), (4, "ghost"), (5, "users"), (8, "wide"),
                                                       (9, "wide")],
          "dead letters numbered by their place in the source's output: %s" % [(g["line"], g["stream"]) for g in got])
    check(got[0] == {"line": 2, "stream": "users", "namespace": None, "reason": "record data is not a JSON object",
                     "record": {"type": "RECORD", "record": {"stream": "users", "emitted_at": got[0]["record"]["record"]
                                                             .get("emitted_at"), "data": [1, 2]}}},
          "the non-object record exact: %s" % got[0])
    check(got[1]["reason"] == 'stream "ghost" is not in the catalog' and got[1]["record"]["record"]["data"] == {"id": 99},
          "the record of a stream not in the catalog, whole")
    if isolated:  # from the source's child, a record over half the size limit comes without its data
        check("over the 1 MiB record size limit" in got[2]["reason"] and got[2]["record"] is None,
              "the record over the size limit, named by its line, stream and reason: %s" % str(got[2])[:300])
    else:
        check("over the 1 MiB record size limit" in got[2]["reason"] and got[2]["record"]["record"]["data"]["id"] == 5,
              "the record over the size limit, whole")
    check("too many columns" in got[4]["reason"] and got[4]["record"]["record"]["data"] == too_wide(),
          "the record dest_sqlite rejected, numbered past the one left out of its batch")
    check(sqlite_ids(os.path.join(d, "out.sqlite"), "users", "id") == [1, 2, 3], "the good records are committed")
    check(sqlite_ids(os.path.join(d, "out.sqlite"), "wide", "p0") == [1], "and the good one of stream wide")
    with open(os.path.join(d, "state.json")) as f:
        saved = json.load(f)
    check(saved["states"][0]["stream"]["stream_state"] == {"n": 2}, "the last state is saved")
    check("5 records could not be written" in r.stderr and "ghost 1, users 2, wide 2" in r.stderr,
          "the summary counts them per stream")


def case_sync_connection_file():
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {"error_tolerance": "all", "dead_letter": "bad.jsonl"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check_scripted_sync(d, r, os.path.join(d, "bad.jsonl"))
    with tempfile.TemporaryDirectory() as d:  # no "dead_letter": beside the state file
        conn = scripted_connection(d, {"error_tolerance": "all"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check_scripted_sync(d, r, os.path.join(d, "state.json.dead_letter.jsonl"))
    with tempfile.TemporaryDirectory() as d:  # the flag over the file's "none"
        conn = scripted_connection(d, {"error_tolerance": "none"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS, "--error-tolerance", "all", "--dead-letter",
                 os.path.join(d, "f.jsonl")])
        check_scripted_sync(d, r, os.path.join(d, "f.jsonl"))
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check(r.returncode == 1 and "not a JSON object" in r.stderr,
              "without error_tolerance the bad source record fails the sync as before (exit %d)" % r.returncode)
        check(not os.path.exists(os.path.join(d, "state.json.dead_letter.jsonl")), "and writes no dead-letter file")


def case_sync_isolate_source_rejects():
    """sync --isolate: the source's child reports its bad records (data not an object, over the size limit) to the
    parent, which dead-letters them numbered as in process and goes on. Failed where the source's child failed the
    sync at its first bad record."""
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {"error_tolerance": "all", "dead_letter": "bad.jsonl", "isolate": True})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check_scripted_sync(d, r, os.path.join(d, "bad.jsonl"), isolated=True)
        users = table_row(r.stderr, "users")  # STREAM RECORDS ... CHANGED REJECTED
        check([int(users[1]), int(users[-1])] == [3, 2], "the summary row of users: 3 records, 2 rejected: %s" % users)


def case_dead_letter_before_state():
    """The dead-letter line of a rejected record is on disk before the state after it is echoed."""
    with tempfile.TemporaryDirectory() as d:
        dl = os.path.join(d, "dead.jsonl")
        args = write_args(d, "--error-tolerance", "all", "--dead-letter", dl, "--idle-commit-seconds", "1")
        p = subprocess.Popen([CONNHOST, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            for i in range(3):
                p.stdin.write(record("users", {"id": i}) + "\n" + record("wide", too_wide()) + "\n" + state(i) + "\n")
                p.stdin.flush()
                echoed = json.loads(p.stdout.readline())  # stdin stays open: the idle commit echoes it
                on_disk = dead_letters(dl)  # read the moment the echo arrived
                check(echoed["state"]["stream"]["stream_state"] == {"n": i} and
                      echoed["state"]["destinationStats"]["rejectedRecordCount"] == 1,
                      "state %d echoed with rejectedRecordCount 1 while input is still open" % i)
                check(len(on_disk) == i + 1 and on_disk[-1]["line"] == 3 * i + 2,
                      "its rejected record (line %d) was in the dead-letter file before the echo" % (3 * i + 2))
        finally:
            p.kill()
            p.wait()
        check(len(dead_letters(dl)) == 3, "after SIGKILL the file still holds every rejected record")


SECRET = "Hunter2DeadLetterPw"  # the password of a URL in the source's config: the host masks it everywhere


def case_sync_dead_letter_masked():
    """A secret of the config in rejected records is masked in the dead-letter file, whichever side rejected them
    (a source record that is not an object or over the size limit, a stream not in the catalog, a record the
    destination rejects), and in the summary."""
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {"error_tolerance": "all", "dead_letter": "bad.jsonl"})
        c = json.load(open(conn))
        c["source"]["config"]["proxy"] = "https://svc:%s@proxy.invalid/" % SECRET
        c["source"]["config"]["messages"] = [
            {"stream": "users", "data": '{"id":1}'},
            {"stream": "users", "data": json.dumps(["token", SECRET])},                      # not an object
            {"stream": "users", "data": json.dumps({"id": 2, "pw": SECRET, "pad": BIG})},    # over the limit
            {"stream": "ghost", "data": json.dumps({"pw": SECRET})},                         # not in the catalog
            {"stream": "wide", "data": json.dumps(dict(too_wide(), pw=SECRET))},             # dest_sqlite rejects it
            {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "users"}, "stream_state": {"n": 1}}}},
        ]
        write_json(conn, c)
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        print(r.stderr[-2000:])
        check(r.returncode == 0, "the sync exits 0 (got %d)" % r.returncode)
        with open(os.path.join(d, "bad.jsonl")) as f:
            text = f.read()
        got = [json.loads(line) for line in text.splitlines()]
        check(len(got) == 4, "four dead letters: %s" % [g["reason"] for g in got])
        check(SECRET not in text, "the secret is nowhere in the dead-letter file: %s" % text[:600])
        check(got[0]["record"]["record"]["data"] == ["token", "**********"], "the non-object record masked: %s" % got[0])
        check(all("**********" in json.dumps(g["record"]) for g in got), "each rejected record shows the mask")
        check(SECRET not in r.stderr, "nor on stderr")


def case_write_dead_letter_masked():
    """run write: the input lines it dead-letters are masked too (a URL's password in the destination's config)."""
    with tempfile.TemporaryDirectory() as d:
        dl = os.path.join(d, "dead.jsonl")
        args = write_args(d, "--error-tolerance", "all", "--dead-letter", dl)
        cfg = args[args.index("--config") + 1]
        write_json(cfg, dict(json.load(open(cfg)), note="https://svc:%s@proxy.invalid/" % SECRET))
        lines = [record("users", SECRET), record("ghost", {"pw": SECRET}), record("wide", dict(too_wide(), pw=SECRET))]
        r = run(args, "\n".join(lines) + "\n")
        check(r.returncode == 0, "the write exits 0 (got %d): %s" % (r.returncode, r.stderr[-800:]))
        with open(dl) as f:
            text = f.read()
        check(len(text.splitlines()) == 3 and SECRET not in text and text.count("**********") == 3,
              "three dead letters, each with the secret masked: %s" % text[:800])


def sync_summary_connection(d, extra):
    """source_scripted into dest_sqlite: values dest_sqlite NULLs (typecast) and records set aside, per stream."""
    conn = scripted_connection(d, extra)
    c = json.load(open(conn))
    c["catalog"]["streams"][0]["stream"]["json_schema"] = {
        "type": "object", "properties": {"id": {"type": "integer"}, "ok": {"type": "boolean"}}}
    c["source"]["config"]["messages"] = [
        {"stream": "users", "data": '{"id":1,"ok":true}'},
        {"stream": "users", "data": '{"id":"two","ok":"yes"}'},  # 2 values NULLed
        {"stream": "users", "data": '[1]'},                       # rejected: not an object
        {"stream": "ghost", "data": '{"id":9}'},                  # rejected: not in the catalog
        {"stream": "wide", "data": '{"p0":"x"}'},                 # 1 value NULLed
        {"stream": "wide", "data": json.dumps(too_wide())},       # rejected by dest_sqlite
        {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "users"}, "stream_state": {"n": 1}}}},
    ]
    return write_json(conn, c)


def table_row(stderr, stream):
    """The summary table's row of `stream`: its cells split on spaces."""
    rows = [l.split() for l in stderr.splitlines() if l.split()[:1] == [stream]]
    check(len(rows) == 1, "one summary row for %s: %s" % (stream, rows))
    return rows[0]


def case_sync_summary_counts():
    with tempfile.TemporaryDirectory() as d:
        conn = sync_summary_connection(d, {"error_tolerance": "all"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        print(r.stderr[-2500:])
        check(r.returncode == 0, "the sync exits 0 (got %d)" % r.returncode)
        header = [l.split() for l in r.stderr.splitlines() if l.startswith("STREAM ")]
        check(header and header[0][-2:] == ["CHANGED", "REJECTED"], "the table has CHANGED and REJECTED: %s" % header)
        # STREAM RECORDS BYTES(2 cells) DURATION RECORDS/S CHANGED REJECTED
        for stream, records, changed, rejected in (("users", 2, 2, 1), ("wide", 1, 1, 1), ("ghost", 0, 0, 1),
                                                   ("TOTAL", 3, 3, 3)):
            row = table_row(r.stderr, stream)
            check([int(row[1]), int(row[-2]), int(row[-1])] == [records, changed, rejected],
                  "%s: %d records, %d changed, %d rejected: %s" % (stream, records, changed, rejected, row))
    with tempfile.TemporaryDirectory() as d:
        conn = sync_summary_connection(d, {"error_tolerance": "all"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS, "--log-format", "json"])
        check(r.returncode == 0, "the JSON-logged sync exits 0 (got %d): %s" % (r.returncode, r.stderr[-1500:]))
        summary = [o for o in map(json.loads, r.stderr.splitlines()) if o.get("message") == "sync summary"]
        check(len(summary) == 1, "one summary object")
        per = {x["stream"]: (x["records"], x["changed_values"], x["rejected_records"]) for x in summary[0]["streams"]}
        check(per == {"users": (2, 2, 1), "wide": (1, 1, 1), "ghost": (0, 0, 1)}, "per stream: %s" % per)
        check((summary[0]["changed_values"], summary[0]["rejected_records"], summary[0]["committed"]) == (3, 3, 3),
              "totals: %s" % summary[0])
    for isolate in (False, True):  # without error tolerance: changed values still counted, 0 rejected
        with tempfile.TemporaryDirectory() as d:  # --isolate: the destination's child reports them to the parent
            conn = sync_summary_connection(d, {"isolate": isolate})
            c = json.load(open(conn))
            c["source"]["config"]["messages"] = [m for k, m in enumerate(c["source"]["config"]["messages"])
                                                 if k in (0, 1, 4, 6)]
            write_json(conn, c)
            r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
            check(r.returncode == 0, "the sync without tolerance (isolate %s) exits 0 (got %d): %s" %
                  (isolate, r.returncode, r.stderr[-1500:]))
            for stream, changed in (("users", 2), ("wide", 1)):
                row = table_row(r.stderr, stream)
                check([int(row[-2]), int(row[-1])] == [changed, 0],
                      "isolate %s: %s: %d changed, 0 rejected: %s" % (isolate, stream, changed, row))


def case_sync_state_file_counts():
    """The state file keeps each saved state's destinationStats as `run write` echoes it."""
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {"error_tolerance": "all"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check(r.returncode == 0, "the sync exits 0 (got %d): %s" % (r.returncode, r.stderr[-1500:]))
        with open(os.path.join(d, "state.json")) as f:
            saved = json.load(f)["states"]
        # Since state n=1: users 3 and wide 1 written; wide's non-object record and the one dest_sqlite rejected
        check(len(saved) == 1 and saved[0]["destinationStats"] == {"recordCount": 2, "rejectedRecordCount": 2},
              "the saved state counts 2 written, 2 set aside: %s" % saved)
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check(r.returncode == 0, "a re-run from that state file succeeds: %s" % r.stderr[-800:])
    with tempfile.TemporaryDirectory() as d:
        conn = scripted_connection(d, {})
        c = json.load(open(conn))
        c["source"]["config"]["messages"] = [m for k, m in enumerate(c["source"]["config"]["messages"])
                                             if k in (0, 2, 5)]
        write_json(conn, c)
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        check(r.returncode == 0, "the sync without tolerance exits 0: %s" % r.stderr[-800:])
        with open(os.path.join(d, "state.json")) as f:
            saved = json.load(f)["states"]
        check(saved[0]["destinationStats"] == {"recordCount": 2},
              "without tolerance only recordCount, as echoed: %s" % saved)


def case_write_pg_rejects():
    """dest_pg: a record whose new field passes PostgreSQL's 1600 columns is set aside in a savepoint under `all`
    (the records around it committed), and fails the write as before under `none`. Needs the pg_server fixture."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg"))
    import pg_lib
    props = {"p%d" % i: {"type": "integer"} for i in range(1590)}
    cat = {"streams": [{"stream": {"name": "wide", "json_schema": {"type": "object", "properties": props},
                                   "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}
    lines = [record("wide", {"p0": 1}), record("wide", too_wide()), record("wide", {"p0": 2}), state(1)]
    for tolerance in ("all", "none"):
        db = pg_lib.db_name("tolerance_" + tolerance)
        with tempfile.TemporaryDirectory() as d:
            cfg = write_json(os.path.join(d, "dst.json"), pg_lib.fresh_database(db))
            dl = os.path.join(d, "dead.jsonl")
            extra = ["--dead-letter", dl] if tolerance == "all" else []
            r = run(["run", "--plugin", "dest_pg", "write", "--config", cfg, "--catalog",
                     write_json(os.path.join(d, "cat.json"), cat), "--log-format", "text", "--error-tolerance",
                     tolerance, *extra], "\n".join(lines) + "\n")
            rows = pg_lib.psql("SELECT p0 FROM public.wide ORDER BY p0", db, check_ok=False).split()
            if tolerance == "all":
                print(r.stderr[-2000:])
                check(r.returncode == 0, "dest_pg under all: exit 0 (got %d)" % r.returncode)
                got = dead_letters(dl)
                check(len(got) == 1 and got[0]["line"] == 2 and "1600 columns" in got[0]["reason"] and
                      got[0]["record"]["record"]["data"] == too_wide(), "the record PostgreSQL refuses is dead-lettered")
                states = states_of(r.stdout)
                check(len(states) == 1 and states[0]["destinationStats"] == {"recordCount": 2,
                                                                             "rejectedRecordCount": 1},
                      "the state counts 2 written, 1 rejected: %s" % states)
                check(rows == ["1", "2"], "the records around it are committed: %s" % rows)
            else:
                check(r.returncode == 1 and "1600 columns" in r.stderr,
                      "dest_pg under none: the write fails as before (exit %d)" % r.returncode)
                check(states_of(r.stdout) == [] and rows == [], "nothing of the batch is acknowledged: %s" % rows)
        pg_lib.drop_database(db)


def without_dir(dead, d):
    """Dead letters with the temporary directory `d` out of their reasons (dest_sqlite names its file)."""
    for g in dead:
        g["reason"] = g["reason"].replace(d, "<dir>")
    return dead


def without_emitted_at(dead):
    """Dead letters with the record's emitted_at dropped (a sync stamps records when they pass)."""
    for g in dead:
        if isinstance(g.get("record"), dict):
            g["record"]["record"].pop("emitted_at", None)
    return dead


def isolate_input():
    """four_bad_lines, then lines the parent never passes on (blank, LOG) and more rejects on both sides of states, so
    the child's stdin lines differ from the input lines the dead letter must name."""
    log = json.dumps({"type": "LOG", "log": {"level": "INFO", "message": "upstream"}})
    return four_bad_lines() + [
        "",                                          # 12
        log,                                         # 13
        record("wide", too_wide()),                  # 14: rejected by the destination
        record("users", {"id": 5}),                  # 15
        record("wide", dict(too_wide(), p0=9)),      # 16: rejected
        state(3),                                    # 17
        record("wide", {"p0": 3}),                   # 18
        record("wide", dict(too_wide(), p0=10)),     # 19: rejected
        state(4),                                    # 20
    ]


def case_write_isolate_rejects():
    """run write --isolate: the child reports each record its destination rejects, and the parent dead-letters it
    exactly as an in-process run does (same lines, reasons, records, states, rows, summary). Fails on a host where a
    destination in a child process cannot reject."""
    lines = isolate_input()
    results = {}
    for mode in ("in_process", "isolate"):
        with tempfile.TemporaryDirectory() as d:
            dl = os.path.join(d, "dead.jsonl")
            extra = ["--isolate"] if mode == "isolate" else []
            r = run(write_args(d, "--error-tolerance", "all", "--dead-letter", dl, *extra), "\n".join(lines) + "\n")
            print(mode, r.stderr[-3000:])
            check(r.returncode == 0, "%s: run write --error-tolerance all exits 0 (got %d)" % (mode, r.returncode))
            out = os.path.join(d, "out.sqlite")
            results[mode] = (without_dir(dead_letters(dl), d), states_of(r.stdout), sqlite_ids(out, "users", "id"),
                             sqlite_ids(out, "wide", "p0"), "7 records could not be written" in r.stderr and
                             "(stream unknown) 1, ghost 1, users 1, wide 4" in r.stderr)
    dead, states, users, wide, summary = results["isolate"]
    check([g["line"] for g in dead] == [2, 3, 4, 6, 14, 16, 19], "isolated: dead letters of lines 2, 3, 4, 6, 14, 16, "
          "19, named by their input line: %s" % [g["line"] for g in dead])
    check(all("too many columns" in g["reason"] for g in dead[3:]), "the last four rejected by dest_sqlite")
    check([s["destinationStats"] for s in states] == [{"recordCount": 3, "rejectedRecordCount": 4},
                                                     {"recordCount": 2, "rejectedRecordCount": 0},
                                                     {"recordCount": 1, "rejectedRecordCount": 2},
                                                     {"recordCount": 1, "rejectedRecordCount": 1}],
          "each state counts the records of its own stretch: %s" % [s["destinationStats"] for s in states])
    check(users == [1, 3, 4, 5] and wide == [1, 2, 3], "the good records committed: %s %s" % (users, wide))
    check(summary, "the summary counts them per stream (wide: 2 records, 3 rejected in its table row)")
    check(results["in_process"][4], "in process too, the summary counts them per stream")
    for i, name in enumerate(("dead letters", "echoed states", "users rows", "wide rows")):
        check(results["isolate"][i] == results["in_process"][i], "--isolate gives the same %s as in process:\n%s\n%s" %
              (name, str(results["isolate"][i])[:1500], str(results["in_process"][i])[:1500]))
    with tempfile.TemporaryDirectory() as d:  # the checkpoint rule across the process boundary
        dl = os.path.join(d, "dead.jsonl")
        args = write_args(d, "--error-tolerance", "all", "--dead-letter", dl, "--idle-commit-seconds", "1", "--isolate")
        p = subprocess.Popen([CONNHOST, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            for i in range(3):
                p.stdin.write(record("users", {"id": i}) + "\n" + record("wide", too_wide()) + "\n" + state(i) + "\n")
                p.stdin.flush()
                echoed = json.loads(p.stdout.readline())
                on_disk = dead_letters(dl)  # read the moment the echo arrived
                check(echoed["state"]["stream"]["stream_state"] == {"n": i} and
                      echoed["state"]["destinationStats"] == {"recordCount": 1, "rejectedRecordCount": 1},
                      "isolated: state %d echoed with rejectedRecordCount 1: %s" % (i, echoed["state"]))
                check(len(on_disk) == i + 1 and on_disk[-1]["line"] == 3 * i + 2,
                      "isolated: its rejected record (line %d) was in the dead-letter file before the echo" % (3 * i + 2))
        finally:
            p.kill()
            p.wait()


def isolate_sync_connection(d, extra):
    """source_scripted into dest_sqlite with records only the destination rejects (and one of a stream not in the
    catalog, which the parent checks), around states: nothing a source child would have to refuse."""
    def st(n):
        return {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "users"},
                                                       "stream_state": {"n": n}}}}
    src = {"streams": ["users", "ghost", "wide"], "messages": [
        {"stream": "users", "data": '{"id":1}'},                            # 1
        {"stream": "wide", "data": '{"p0":1}'},                             # 2
        {"stream": "wide", "data": json.dumps(too_wide()), "batch": True},  # 3: the destination rejects it
        {"stream": "ghost", "data": '{"id":99}'},                           # 4: a stream not in the catalog
        st(1),
        {"stream": "users", "data": '{"id":2}'},                            # 5
        {"stream": "wide", "data": json.dumps(dict(too_wide(), p0=8))},     # 6: rejected
        {"stream": "wide", "data": '{"p0":2}', "batch": True},              # 7
        {"stream": "wide", "data": json.dumps(dict(too_wide(), p0=9)), "batch": True},  # 8: rejected
        st(2),
        {"stream": "users", "data": '{"id":3}'},                            # 9
        st(3),
    ]}
    cat = {"streams": [{"stream": {"name": "users", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "append"},
                       json.load(open(catalog(d)))["streams"][1]]}
    conn = dict({"source": {"plugin": "source_scripted", "config": src},
                 "destination": {"plugin": "dest_sqlite", "config": {"path": os.path.join(d, "out.sqlite")}},
                 "catalog": cat, "state_file": "state.json", "max_record_mb": 1, "error_tolerance": "all",
                 "dead_letter": "bad.jsonl"}, **extra)
    return write_json(os.path.join(d, "conn.json"), conn)


def case_sync_isolate_rejects():
    """sync --isolate: records the destination's child process rejects go to the dead-letter file numbered by their
    place in the source's output, as in process; states are saved after them. Fails where a destination in a child
    process cannot reject."""
    results = {}
    for mode in ("in_process", "isolate"):
        with tempfile.TemporaryDirectory() as d:
            conn = isolate_sync_connection(d, {"isolate": mode == "isolate"})
            r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
            print(mode, r.stderr[-3000:])
            check(r.returncode == 0, "%s: the sync exits 0 (got %d)" % (mode, r.returncode))
            with open(os.path.join(d, "state.json")) as f:
                saved = json.load(f)
            out = os.path.join(d, "out.sqlite")
            dead = sorted(dead_letters(os.path.join(d, "bad.jsonl")), key=lambda g: g["line"])  # two threads write
            wide_row = table_row(r.stderr, "wide")  # STREAM RECORDS ... CHANGED REJECTED
            results[mode] = (without_dir(without_emitted_at(dead), d), saved["states"],
                             sqlite_ids(out, "users", "id"), sqlite_ids(out, "wide", "p0"),
                             "4 records could not be written" in r.stderr and "ghost 1, wide 3" in r.stderr and
                             [int(wide_row[1]), int(wide_row[-1])] == [2, 3])
    dead, states, users, wide, summary = results["isolate"]
    check([(g["line"], g["stream"]) for g in dead] == [(3, "wide"), (4, "ghost"), (6, "wide"), (8, "wide")],
          "isolated: dead letters numbered by their place in the source's output: %s" %
          [(g["line"], g["stream"]) for g in dead])
    check(dead[0] == {"line": 3, "stream": "wide", "namespace": None, "reason": dead[0]["reason"],
                      "record": {"type": "RECORD", "record": {"stream": "wide", "data": too_wide()}}} and
          "too many columns" in dead[0]["reason"], "the rejected record whole: %s" % str(dead[0])[:500])
    check(states[0]["stream"]["stream_state"] == {"n": 3}, "the last state is saved: %s" % states)
    check(users == [1, 2, 3] and wide == [1, 2], "the good records are committed: %s %s" % (users, wide))
    check(summary, "the summary counts them per stream (wide: 2 records, 3 rejected in its table row)")
    check(results["in_process"][4], "in process too, the summary counts them per stream")
    for i, name in enumerate(("dead letters", "saved states", "users rows", "wide rows")):
        check(results["isolate"][i] == results["in_process"][i], "--isolate gives the same %s as in process:\n%s\n%s" %
              (name, str(results["isolate"][i])[:1500], str(results["in_process"][i])[:1500]))


def case_isolate_crash_after_reject():
    """A destination child that crashes after reporting a reject: the reject stays in the dead-letter file, and the
    run fails with the crash as before."""
    with tempfile.TemporaryDirectory() as d:
        dl = os.path.join(d, "dead.jsonl")
        cfg = write_json(os.path.join(d, "dst.json"), {"crash_after": 3, "refuse": "bad"})
        cat = write_json(os.path.join(d, "cat.json"), {"streams": [
            {"stream": {"name": "users", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
             "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
        lines = [record("users", {"id": 1}), record("users", {"id": 2, "bad": True}), state(1),
                 record("users", {"id": 3}), record("users", {"id": 4}), state(2)]
        r = run(["run", "--plugin-dir", TEST_PLUGINS, "--plugin", "dest_crash", "write", "--config", cfg, "--catalog",
                 cat, "--log-format", "text", "--isolate", "--error-tolerance", "all", "--dead-letter", dl],
                "\n".join(lines) + "\n")
        print(r.stderr[-3000:])
        check(r.returncode != 0 and "crashed" in r.stderr, "the crash fails the write (exit %d)" % r.returncode)
        got = dead_letters(dl) if os.path.exists(dl) else []
        check(len(got) == 1 and got[0]["line"] == 2 and got[0]["stream"] == "users" and
              'holds "bad"' in got[0]["reason"] and got[0]["record"]["record"]["data"] == {"id": 2, "bad": True},
              "the reject reported before the crash is in the dead-letter file: %s" % got)
        states = states_of(r.stdout)
        check(all(s["destinationStats"] == {"recordCount": 1, "rejectedRecordCount": 1} for s in states) and
              len(states) <= 1, "only the state before the crash may be echoed, counting the reject: %s" % states)
        check("1 record could not be written" in r.stderr, "the summary counts it")


def case_sync_pg_isolate_rejects():
    """sync --isolate into dest_pg: a record whose new field passes PostgreSQL's 1600 columns is rejected in the
    destination's child process and reaches the dead-letter file through the parent, numbered by its place in the
    source's output; the records around it are committed and the last state saved. Fails where a destination in a
    child process cannot reject. Needs the pg_server fixture."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg"))
    import pg_lib
    props = {"p%d" % i: {"type": "integer"} for i in range(1590)}
    cat = {"streams": [{"stream": {"name": "wide", "json_schema": {"type": "object", "properties": props},
                                   "supported_sync_modes": ["full_refresh"]},
                        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}
    def st(n):
        return {"state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "wide"},
                                                       "stream_state": {"n": n}}}}
    src = {"streams": ["wide"], "messages": [
        {"stream": "wide", "data": '{"p0":1}'},                                          # 1
        {"stream": "wide", "data": json.dumps(too_wide()), "batch": True},               # 2: PostgreSQL refuses it
        {"stream": "wide", "data": '{"p0":2}', "batch": True},                           # 3
        st(1),
        {"stream": "wide", "data": json.dumps(dict(too_wide(), p0=9))},                  # 4: refused
        {"stream": "wide", "data": '{"p0":3}'},                                          # 5
        st(2),
    ]}
    db = pg_lib.db_name("tolerance_isolate")
    with tempfile.TemporaryDirectory() as d:
        conn = write_json(os.path.join(d, "conn.json"), {
            "source": {"plugin": "source_scripted", "config": src},
            "destination": {"plugin": "dest_pg", "config": pg_lib.fresh_database(db)},
            "catalog": cat, "state_file": "state.json", "isolate": True, "error_tolerance": "all",
            "dead_letter": "bad.jsonl"})
        r = run(["sync", conn, "--plugin-dir", TEST_PLUGINS])
        print(r.stderr[-3000:])
        check(r.returncode == 0, "sync --isolate into dest_pg under all: exit 0 (got %d)" % r.returncode)
        got = dead_letters(os.path.join(d, "bad.jsonl"))
        check([g["line"] for g in got] == [2, 4] and all("1600 columns" in g["reason"] for g in got) and
              [g["record"]["record"]["data"] for g in got] == [too_wide(), dict(too_wide(), p0=9)],
              "the records PostgreSQL refuses are dead-lettered, numbered 2 and 4: %s" %
              [(g["line"], g["reason"][:80]) for g in got])
        rows = pg_lib.psql("SELECT p0 FROM public.wide ORDER BY p0", db).split()
        check(rows == ["1", "2", "3"], "the records around them are committed: %s" % rows)
        with open(os.path.join(d, "state.json")) as f:
            saved = json.load(f)
        check(saved["states"][0]["stream"]["stream_state"] == {"n": 2}, "the last state is saved: %s" % saved)
        check("2 records could not be written" in r.stderr and "wide 2" in r.stderr, "the summary counts them")
    pg_lib.drop_database(db)


run_case(globals())
