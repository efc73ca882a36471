#!/usr/bin/env python3
"""The checkpoint rule under attack: cut input, failed overwrites, idle sources, reused and shared state files,
sloppy sources and records after COMPLETE, through the real binary and real destinations (dest_sqlite, dest_jsonl).

Usage: checkpoint_test.py CASE   (CONNHOST names the binary; CONNHOST_TEST_PLUGIN_DIR holds the test plugins).
"""
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, volume, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
TEST_PLUGINS = os.environ.get("CONNHOST_TEST_PLUGIN_DIR", "build/test-plugins")
STREAMS = ("users", "products", "purchases")


def run(args, stdin=None, timeout=300):
    return subprocess.run([CONNHOST, *args], input=stdin, capture_output=True, text=True, timeout=timeout)


class Dest:
    """A destination under test: its plugin, config and how to read back the ids of a stream. Kind "pg" uses the
    test cluster of tests/pg (the pg_server ctest fixture, PG_TEST_SERVER_JSON): a fresh database each time."""

    def __init__(self, kind, d):
        self.kind = kind
        self.plugin = "dest_" + kind
        if kind == "pg":
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pg"))
            import pg_lib
            self.pg = pg_lib
            self.target = pg_lib.db_name("ckpt_" + os.path.basename(d).replace("-", "_"))
            self.config = write_json(os.path.join(d, "dst.json"), pg_lib.fresh_database(self.target))
        elif kind == "sqlite":
            self.target = os.path.join(d, "out.sqlite")
            self.config = write_json(os.path.join(d, "dst.json"), {"path": self.target})
        else:
            self.target = os.path.join(d, "out")
            self.config = write_json(os.path.join(d, "dst.json"), {"destination_path": self.target})

    def ids(self, stream):
        if self.kind == "pg":
            out = self.pg.psql("SELECT (data->>'id') FROM (SELECT to_jsonb(t) AS data FROM public.%s t) x WHERE "
                               "to_regclass('public.%s') IS NOT NULL" % (stream, stream), self.target, check_ok=False)
            return [int(x) for x in out.split()]
        if self.kind == "sqlite":
            if not os.path.exists(self.target):
                return []
            with sqlite3.connect(self.target) as db:
                try:
                    return [int(r[0]) for r in db.execute('SELECT "id" FROM "%s"' % stream)]
                except sqlite3.OperationalError:
                    return []
        path = os.path.join(self.target, stream + ".jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(l)["id"] for l in f if l.strip()]


def catalog(d, sync_mode, dest_mode, streams=STREAMS, name="catalog.json"):
    cs = [{"stream": {"name": n, "json_schema": {}}, "sync_mode": sync_mode, "destination_sync_mode": dest_mode,
           "cursor_field": ["updated_at"], "primary_key": [["id"]]} for n in streams]
    return write_json(os.path.join(d, name), {"streams": cs})


def faker_lines(d, count, cat, state_interval=100, seed=1):
    cfg = write_json(os.path.join(d, "faker.json"), {"count": count, "seed": seed, "state_interval": state_interval})
    r = run(["run", "--plugin", "source_faker", "read", "--config", cfg, "--catalog", cat, "--log-format", "text"])
    check(r.returncode == 0, "source_faker read of %d records a stream works: %s" % (count, r.stderr[-300:]))
    return r.stdout.splitlines(keepends=True)


def write(dest, cat, lines, extra=()):
    return run(["run", "--plugin", dest.plugin, "write", "--config", dest.config, "--catalog", cat, "--log-format", "text", *extra],
               stdin="".join(lines))


def echoed_states(stdout):
    return [json.loads(l)["state"] for l in stdout.splitlines() if l.strip() and json.loads(l).get("type") == "STATE"]


def status_line(stream, status):
    return json.dumps({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 0, "stream_status": {
        "stream_descriptor": {"name": stream}, "status": status}}}) + "\n"


def record_line(stream, i):
    return json.dumps({"type": "RECORD", "record": {"stream": stream, "data": {"id": i, "updated_at": "t%06d" % i}, "emitted_at": 0}}) + "\n"


def state_line(stream, i):
    return json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream},
                                                                                 "stream_state": {"updated_at": "t%06d" % i}}}}) + "\n"


# ---- item 1: an overwrite whose input ends before its streams completed keeps the previous data -------------


def overwrite_cut_input(kind):
    d = scratch_dir("connhost-ckpt-")
    dest = Dest(kind, d)
    cat = catalog(d, "full_refresh", "overwrite")
    r = write(dest, cat, faker_lines(d, 300, cat))
    check(r.returncode == 0, "a whole overwrite write succeeds: " + r.stderr[-300:])
    before = {s: sorted(dest.ids(s)) for s in STREAMS}
    check(all(len(before[s]) == 300 for s in STREAMS), "each stream holds 300 rows")
    lines = faker_lines(d, 500, cat)
    first_users = next(i for i, l in enumerate(lines) if '"RECORD"' in l)
    cut = lines[:first_users + 250]  # `head -n`: the input ends cleanly, half-way through users
    r = write(dest, cat, cut)
    check(r.returncode != 0, "a write whose input ended before its streams were complete fails (rc %d)" % r.returncode)
    check("users" in r.stderr and "products" in r.stderr and "purchases" in r.stderr and "complete" in r.stderr,
          "the error names the streams left incomplete: " + r.stderr.strip().splitlines()[-1][:400])
    for s in STREAMS:
        check(sorted(dest.ids(s)) == before[s], "%s keeps its previous 300 rows" % s)


def case_overwrite_cut_input_sqlite():
    overwrite_cut_input("sqlite")


def case_overwrite_cut_input_jsonl():
    overwrite_cut_input("jsonl")


def case_overwrite_cut_input_pg():
    overwrite_cut_input("pg")


# ---- item 2: no state is acknowledged inside an unfinished overwrite ------------------------------------------


def overwrite_failed_then_resumed(kind):
    d = scratch_dir("connhost-ckpt-")
    dest = Dest(kind, d)
    cat = catalog(d, "incremental", "overwrite", streams=("users",))
    first = [status_line("users", "STARTED")] + [record_line("users", i) for i in range(1, 1001)] + [state_line("users", 1000)]
    first += [record_line("users", i) for i in range(1001, 1501)]
    first.append(json.dumps({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 0, "error": {"message": "source died",
                                                                                                       "failure_type": "system_error"}}}) + "\n")
    r = write(dest, cat, first)
    check(r.returncode != 0, "the write of a failed source fails")
    states = echoed_states(r.stdout)
    check(states == [], "no state inside the unfinished overwrite was acknowledged (echoed %s)" % states)
    # The next attempt resumes from the last echoed state: none, so the source sends everything again.
    second = [status_line("users", "STARTED")] + [record_line("users", i) for i in range(1, 2001)]
    second += [state_line("users", 2000), status_line("users", "COMPLETE")]
    r = write(dest, cat, second)
    check(r.returncode == 0, "the resumed overwrite succeeds: " + r.stderr[-300:])
    check(len(echoed_states(r.stdout)) == 1, "its final state is echoed once the overwrite is in place")
    check(sorted(dest.ids("users")) == list(range(1, 2001)), "the table holds every id 1..2000, none lost")


def case_overwrite_failed_then_resumed_sqlite():
    overwrite_failed_then_resumed("sqlite")


def case_overwrite_failed_then_resumed_jsonl():
    overwrite_failed_then_resumed("jsonl")


def case_overwrite_failed_then_resumed_pg():
    overwrite_failed_then_resumed("pg")


def case_sync_overwrite_killed_then_resumed():
    d = scratch_dir("connhost-ckpt-")
    dest = Dest("sqlite", d)
    count = volume(200000)
    cfg = write_json(os.path.join(d, "faker.json"), {"count": count, "seed": 3, "state_interval": 1000})
    cat = catalog(d, "incremental", "overwrite", streams=("users",))
    state = os.path.join(d, "state.json")
    args = ["sync", "--source", "source_faker", "--source-config", cfg, "--destination", dest.plugin, "--destination-config",
            dest.config, "--catalog", cat, "--state-file", state]
    p = subprocess.Popen([CONNHOST, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not (os.path.exists(state) and '"users"' in open(state).read()):
        time.sleep(0.002)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    p.wait()
    r = run(args)
    check(r.returncode == 0, "the re-run succeeds: " + r.stderr[-300:])
    ids = dest.ids("users")
    check(sorted(ids) == list(range(1, count + 1)), "after a kill and a re-run the overwrite holds every id (%d rows)" % len(ids))
    r = run(args)
    check(r.returncode == 0 and sorted(dest.ids("users")) == list(range(1, count + 1)),
          "a further sync of the overwrite stream reads it from its start again, not from its saved state")


# ---- item 3: a destination commits and acknowledges while input is idle ---------------------------------------


def idle_commit(kind):
    d = scratch_dir("connhost-ckpt-")
    dest = Dest(kind, d)
    cat = catalog(d, "incremental", "append", streams=("users",))
    p = subprocess.Popen([CONNHOST, "run", "--plugin", dest.plugin, "write", "--config", dest.config, "--catalog", cat,
                          "--log-format", "text", "--idle-commit-seconds", "1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdin.write("".join(record_line("users", i) for i in range(1, 101)) + state_line("users", 100))
    p.stdin.flush()  # then the source goes quiet, keeping stdin open
    ready, _, _ = select.select([p.stdout], [], [], 30)
    line = p.stdout.readline() if ready else ""
    check(line and json.loads(line)["type"] == "STATE", "the state is echoed while the input stays open and idle: %r" % line[:200])
    check(sorted(dest.ids("users")) == list(range(1, 101)), "the 100 records are visible in the destination before the input ends")
    p.stdin.close()
    p.wait(timeout=60)
    check(p.returncode == 0, "the write ends cleanly when the input ends")


def case_idle_commit_sqlite():
    idle_commit("sqlite")


def case_idle_commit_jsonl():
    idle_commit("jsonl")


def case_idle_commit_pg():
    idle_commit("pg")


# ---- items 4 and 5: a state file belongs to one target and one run at a time ----------------------------------


def faker_sync_args(d, dest, state, count=300, extra=()):
    cfg = write_json(os.path.join(d, "faker-%d.json" % count), {"count": count, "seed": 5, "state_interval": 100})
    cat = catalog(d, "incremental", "append_dedup")
    return ["sync", "--source", "source_faker", "--source-config", cfg, "--destination", dest.plugin, "--destination-config",
            dest.config, "--catalog", cat, "--state-file", state, *extra]


def case_state_file_of_another_target():
    d = scratch_dir("connhost-ckpt-")
    state = os.path.join(d, "state.json")
    os.makedirs(os.path.join(d, "a"))
    a = Dest("sqlite", os.path.join(d, "a"))
    r = run(faker_sync_args(d, a, state))
    check(r.returncode == 0, "the first sync into a.sqlite succeeds: " + r.stderr[-300:])
    os.makedirs(os.path.join(d, "b"))
    b = Dest("sqlite", os.path.join(d, "b"))
    r = run(faker_sync_args(d, b, state))
    check(r.returncode != 0, "reusing that state file for a fresh database fails")
    check(a.target in r.stderr and b.target in r.stderr and "--reset-state" in r.stderr,
          "the error names both targets and how to start fresh: " + r.stderr.strip().splitlines()[-1][:400])
    check(b.ids("users") == [], "nothing was written to the fresh database")
    r = run(faker_sync_args(d, b, state, extra=("--reset-state",)))
    check(r.returncode == 0 and sorted(b.ids("users")) == list(range(1, 301)), "--reset-state starts the new target from scratch")
    r = run(faker_sync_args(d, b, state, count=400))
    check(r.returncode == 0, "a changed source config alone resumes: " + r.stderr[-300:])
    check("source config changed" in r.stderr, "and the change is logged")
    check(sorted(b.ids("users")) == list(range(1, 401)), "the resumed sync added the 100 new records")


def case_empty_state_file_is_an_error():
    d = scratch_dir("connhost-ckpt-")
    dest = Dest("sqlite", d)
    state = os.path.join(d, "state.json")
    open(state, "w").close()
    r = run(faker_sync_args(d, dest, state))
    check(r.returncode != 0 and "empty" in r.stderr and state in r.stderr, "a 0-byte state file is an error naming it: " + r.stderr[-300:])
    check(dest.ids("users") == [], "nothing was written")


def case_concurrent_syncs_on_one_state_file():
    d = scratch_dir("connhost-ckpt-")
    dest = Dest("jsonl", d)
    state = os.path.join(d, "state.json")
    first = subprocess.Popen([CONNHOST, *faker_sync_args(d, dest, state, count=3000000)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not os.path.exists(state):  # the first sync is under way
        time.sleep(0.01)
    try:
        r = run(faker_sync_args(d, dest, state, count=3000000), timeout=60)
    except subprocess.TimeoutExpired:
        r = subprocess.CompletedProcess([], 0, "", "the second sync ran on for a minute alongside the first")
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=120)
    check(r.returncode != 0, "a second sync on the same state file fails at once")
    check(("pid %d" % first.pid) in r.stderr, "its error names the pid holding the state file: " + r.stderr.strip()[-300:])


def case_concurrent_writes_into_one_target():
    for kind in ("sqlite", "jsonl"):
        d = scratch_dir("connhost-ckpt-")
        dest = Dest(kind, d)
        cat = catalog(d, "incremental", "append", streams=("users",))
        first = subprocess.Popen([CONNHOST, "run", "--plugin", dest.plugin, "write", "--config", dest.config, "--catalog", cat,
                                  "--log-format", "text"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first.stdin.write(record_line("users", 1) + state_line("users", 1))
        first.stdin.flush()
        select.select([first.stdout], [], [], 30)  # the first write has opened its target
        r = write(dest, cat, [record_line("users", 2), state_line("users", 2)])
        first.stdin.close()
        first.wait(timeout=60)
        check(r.returncode != 0 and ("pid %d" % first.pid) in r.stderr,
              "%s: a second write into the same target fails naming the first one's pid: %s" % (kind, r.stderr.strip()[-300:]))
        check(first.returncode == 0 and sorted(dest.ids("users")) == [1], "%s: the first write finished alone" % kind)


# ---- item 6: a source cannot lose records through the SDK; broken states are refused ---------------------------


def sloppy(mode):
    d = scratch_dir("connhost-ckpt-")
    cfg = write_json(os.path.join(d, "cfg.json"), {"mode": mode})
    cat = write_json(os.path.join(d, "cat.json"), {"streams": [{"name": "numbers", "json_schema": {}}]})
    return run(["run", "--plugin", "source_sloppy", "--plugin-dir", TEST_PLUGINS, "read", "--config", cfg, "--catalog", cat,
                "--log-format", "text"])


def case_unflushed_records_are_emitted():
    r = sloppy("unflushed")
    check(r.returncode == 0, "the read succeeds: " + r.stderr[-300:])
    recs = [l for l in r.stdout.splitlines() if '"RECORD"' in l]
    check(len(recs) == 10, "the 10 records the source added but never flushed were emitted (%d)" % len(recs))


def case_state_never_overtakes_records():
    r = sloppy("state_before_flush")
    check(r.returncode == 0, "the read succeeds: " + r.stderr[-300:])
    kinds = [json.loads(l)["type"] for l in r.stdout.splitlines() if l.strip()]
    check(kinds.count("RECORD") == 10 and kinds.index("STATE") > max(i for i, k in enumerate(kinds) if k == "RECORD"),
          "a state emitted with records still buffered comes after them: %s" % kinds)


def case_invalid_state_shape_is_refused():
    r = sloppy("bad_state")
    check(r.returncode != 0, "a source emitting {\"type\":\"STREAM\",\"stream\":{}} fails")
    check("stream_descriptor" in r.stderr, "the error says what the state lacks: " + r.stderr.strip()[-300:])
    check('"STATE"' not in r.stdout, "the broken state is not printed")
    d = scratch_dir("connhost-ckpt-")
    dest = Dest("jsonl", d)
    cat = catalog(d, "incremental", "append", streams=("users",))
    bad = json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {}}}) + "\n"
    r = write(dest, cat, [record_line("users", 1), state_line("users", 1), bad])
    check(r.returncode != 0 and "line 3" in r.stderr, "run write refuses that state naming its line: " + r.stderr.strip()[-300:])
    check(len(echoed_states(r.stdout)) == 1, "the valid state before it is still echoed")
    deep = {"type": "STATE", "state": {"type": "LEGACY", "data": json.loads('{"a":' * 40 + "1" + "}" * 40)}}
    r = write(dest, cat, [record_line("users", 2), json.dumps(deep) + "\n"])
    check(r.returncode == 0 and len(echoed_states(r.stdout)) == 1, "a valid state nested 40 levels deep is kept: " + r.stderr[-300:])


# ---- item 8: records after their stream's COMPLETE status ----------------------------------------------------


def record_after_complete(kind):
    d = scratch_dir("connhost-ckpt-")
    dest = Dest(kind, d)
    cat = catalog(d, "incremental", "append", streams=("users",))
    lines = [status_line("users", "STARTED"), record_line("users", 1), state_line("users", 1), status_line("users", "COMPLETE"),
             record_line("users", 2)]
    r = write(dest, cat, lines)
    check(r.returncode == 1, "%s: a record after COMPLETE fails the write cleanly (rc %d, not a crash)" % (kind, r.returncode))
    check("line 5" in r.stderr and "COMPLETE" in r.stderr, "the error names the line: " + r.stderr.strip()[-300:])
    check(sorted(dest.ids("users")) == [1] and len(echoed_states(r.stdout)) == 1, "everything before it is committed")


def case_record_after_complete_sqlite():
    record_after_complete("sqlite")


def case_record_after_complete_jsonl():
    record_after_complete("jsonl")


def case_record_after_complete_pg():
    record_after_complete("pg")


# ---- generations: a truncate refresh a destination cannot honour is refused, not ignored ----------------------


def case_generation_refresh_refused_jsonl():
    """dest_jsonl stores no generation, so it cannot delete older ones at completion: an append stream with
    minimum_generation_id > 0 is refused before anything is written (the old lines would otherwise silently stay);
    an overwrite stream with it is fine (its swap replaces the file)."""
    d = scratch_dir("connhost-ckpt-")
    dest = Dest("jsonl", d)
    for mode, ok in (("append", False), ("overwrite", True)):
        cs = [{"stream": {"name": "users", "json_schema": {}}, "sync_mode": "full_refresh", "destination_sync_mode": mode,
               "generation_id": 2, "minimum_generation_id": 2, "sync_id": 5}]
        cat = write_json(os.path.join(d, "gen_%s.json" % mode), {"streams": cs})
        r = write(dest, cat, [record_line("users", 1), state_line("users", 1)])
        if ok:
            check(r.returncode == 0 and dest.ids("users") == [1], "overwrite with generations works: " + r.stderr[-300:])
        else:
            check(r.returncode != 0 and "stores no generation" in r.stderr and "overwrite" in r.stderr,
                  "an append truncate refresh into dest_jsonl is refused saying what to use: rc %d %s" % (r.returncode, r.stderr[-400:]))
            check(dest.ids("users") == [], "nothing was written before the refusal")


if __name__ == "__main__":
    run_case(globals())
