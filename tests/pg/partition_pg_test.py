#!/usr/bin/env python3
"""Partitioned syncs source_postgres -> dest_pg (`connhost sync --partition I/N`) against the real PostgreSQL of the
pg_server fixture: N workers run at once, as the pods of a Kubernetes Indexed Job would, each with its own state file.

  partition_pg_test.py <case>
"""
import json
import os
import re
import subprocess
import time

from pg_lib import check, describe, drop_database, fresh_database, main, psql_json, CONNHOST
from source_pg_test import SourceDb, big_keyed_table, connhost

WORKERS = 3


def connection(db, dest_cfg, tag, streams):
    """A connection file all workers share (the worker comes from --partition); returns its path."""
    return db.path(tag + ".c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                     "destination": {"plugin": "dest_pg", "config": dest_cfg},
                                     "streams": streams, "queue_mb": 1})


def worker_args(db, conn, tag, i, n=WORKERS):
    return ["sync", conn, "--partition", "%d/%d" % (i, n), "--state-file", os.path.join(db.tmp, "%s.%d.state.json" % (tag, i))]


def run_workers(db, conn, tag, n=WORKERS):
    """Starts the n workers at once and waits for all; returns their stderr texts."""
    procs = [subprocess.Popen([CONNHOST, *worker_args(db, conn, tag, i, n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(n)]
    errs = []
    for i, p in enumerate(procs):
        _, err = p.communicate(timeout=600)
        check(p.returncode == 0, "worker %d/%d succeeds: %s" % (i, n, err.decode()[-800:]))
        errs.append(err.decode())
    return errs


def records_read(err, table="public.big"):
    """The records the worker's source read of `table` (its log line "stream public.big: N records ...")."""
    m = re.search(r"stream %s: (\d+) records" % re.escape(table), err)
    check(m, "the worker logs how many records it read of %s" % table)
    return int(m.group(1))


def check_shares(errs, n_rows, what):
    shares = [records_read(e) / n_rows for e in errs]
    print("%s: per-worker shares %s" % (what, ", ".join("%.3f" % s for s in shares)))
    check(abs(sum(shares) - 1) < 1e-9, "%s: the workers read %d rows in all" % (what, n_rows))
    check(all(0.2 <= s <= 0.5 for s in shares), "%s: each worker moved between 20%% and 50%% of the rows (%s)" % (what, shares))
    return shares


def dest_counts(dest, table="public.big"):
    return tuple(psql_json("SELECT json_build_array(count(*), count(DISTINCT id), coalesce(min(id), 0), coalesce(max(id), 0)) "
                           "FROM %s" % table, dest))


def analyze(db, table):
    """Fresh statistics that stay put: autovacuum must not re-sample them while the workers compute their slices."""
    db.sql("ALTER TABLE %s SET (autovacuum_enabled = false); ANALYZE %s;" % (table, table))


def case_three_workers_300k():
    """3 workers at once over the 300k-row table `big` into dest_pg: exactly 300k distinct rows, each worker between 20%
    and 50% of them (slices from pg_stats), the slice bounds kept in each worker's state."""
    with SourceDb("part_300k") as db:
        n = big_keyed_table(db)
        analyze(db, "big")
        dest = "dst_part_300k"
        dest_cfg = fresh_database(dest)
        conn = connection(db, dest_cfg, "big", [{"name": "big"}])
        errs = run_workers(db, conn, "big")
        for i, err in enumerate(errs):
            check("partition: stream public.big: slice %d of 3" % i in err and "from pg_stats histogram" in err,
                  "worker %d reads slice %d of the key range from the statistics" % (i, i))
        check_shares(errs, n, "300k keyed rows")
        check(dest_counts(dest) == (n, n, 1, n), "dest_pg holds exactly %d distinct rows 1..%d: %r" % (n, n, dest_counts(dest)))
        drop_database(dest)


def kill_worker_mid_slice(db, conn, tag, i, state):
    """Starts worker i and SIGKILLs it once its state file holds a position inside its slice; returns that position."""
    p = subprocess.Popen([CONNHOST, *worker_args(db, conn, tag, i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    saved = None
    while time.time() < deadline and p.poll() is None and not saved:
        try:
            states = json.load(open(state))["states"]
            saved = states[0]["stream"]["stream_state"] if states else None
        except (OSError, ValueError, KeyError):
            saved = None
        time.sleep(0.005)
    p.kill()
    p.communicate(timeout=60)
    check(saved and saved.get("last") and saved.get("slice", {}).get("index") == i,
          "worker %d was killed after saving a position of its slice: %r" % (i, saved))
    return saved


def case_rerun_one_worker_resumes_slice():
    """Worker 1 killed mid-slice resumes after its saved key and stops at its slice's end: with the other two workers,
    every row exactly once, and the re-run reads only the rest of its slice."""
    with SourceDb("part_resume") as db:
        n = big_keyed_table(db)
        analyze(db, "big")
        dest = "dst_part_resume"
        dest_cfg = fresh_database(dest)
        dest_cfg["commit_ms"] = 50
        conn = connection(db, dest_cfg, "big", [{"name": "big"}])
        state1 = os.path.join(db.tmp, "big.1.state.json")
        saved = kill_worker_mid_slice(db, conn, "big", 1, state1)
        lo, hi, last = int(saved["slice"]["from"]), int(saved["slice"]["to"]), int(saved["last"][0])
        check(lo <= last < hi, "the saved key %d is inside the slice [%d, %d)" % (last, lo, hi))
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0, "the re-run of worker 1 succeeds: %s" % describe(p))
        err = p.stderr.decode()
        check("from the saved state" in err, "the re-run keeps the slice bounds it saved: " + err[-600:])
        got = records_read(err)
        check(got == hi - 1 - last, "the re-run read only the rest of its slice, ids %d..%d (%d records, got %d)"
              % (last + 1, hi - 1, hi - 1 - last, got))
        for i in (0, 2):
            p = connhost(worker_args(db, conn, "big", i))
            check(p.returncode == 0, "worker %d succeeds: %s" % (i, describe(p)))
        check(dest_counts(dest) == (n, n, 1, n), "every row exactly once: %r" % (dest_counts(dest),))
        check(json.load(open(state1))["states"][0]["stream"]["stream_state"] == {},
              "the finished full refresh leaves worker 1 an empty state, so its next run reads its slice whole")
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0 and records_read(p.stderr.decode()) == hi - lo,
              "worker 1 run again reads its whole slice (%d rows) and no other" % (hi - lo))
        check(dest_counts(dest) == (n, n, 1, n), "append_dedup keeps every row once: %r" % (dest_counts(dest),))
        drop_database(dest)


def case_skewed_keys():
    """A key with gaps and skew (most ids dense and small, some spread up to 10^12): the statistics still give every
    worker 20%..50% of the rows, where equal ranges of min..max would give one worker nearly all."""
    with SourceDb("part_skew") as db:
        db.sql("CREATE TABLE skewed (id bigint PRIMARY KEY, v text);"
               "INSERT INTO skewed SELECT g, 'dense' FROM generate_series(1, 200000) g;"
               "INSERT INTO skewed SELECT 1000000 + g * 37, 'gappy' FROM generate_series(1, 60000) g;"
               "INSERT INTO skewed SELECT (g::bigint * 25000000), 'sparse' FROM generate_series(1, 40000) g;")
        analyze(db, "skewed")
        db.cfg(state_interval=5000, fetch_rows=2000)
        n = 300000
        dest = "dst_part_skew"
        dest_cfg = fresh_database(dest)
        conn = connection(db, dest_cfg, "skew", [{"name": "skewed"}])
        errs = run_workers(db, conn, "skew")
        shares = [records_read(e, "public.skewed") / n for e in errs]
        print("skewed keys: per-worker shares %s" % ", ".join("%.3f" % s for s in shares))
        check(all(0.2 <= s <= 0.5 for s in shares), "each worker moved 20%%..50%% of the skewed rows (%s)" % shares)
        got = tuple(psql_json("SELECT json_build_array(count(*), count(DISTINCT id)) FROM public.skewed", dest))
        check(got == (n, n), "dest_pg holds exactly %d distinct rows: %r" % (n, got))
        drop_database(dest)


def case_unsplittable_table_one_worker():
    """A table whose key cannot be split (text key; no key at all) goes to one worker whole; without statistics an
    integer key is split by equal ranges of min..max."""
    with SourceDb("part_unsplit") as db:
        db.sql("CREATE TABLE words (w text PRIMARY KEY); INSERT INTO words SELECT 'w' || g FROM generate_series(1, 3000) g;"
               "CREATE TABLE plain (id int PRIMARY KEY) WITH (autovacuum_enabled = false); INSERT INTO plain SELECT g FROM generate_series(1, 3000) g;")
        db.cfg()
        dest = "dst_part_unsplit"
        dest_cfg = fresh_database(dest)
        conn = connection(db, dest_cfg, "un", [{"name": "words"}, {"name": "plain"}])
        errs = run_workers(db, conn, "un")
        readers = [i for i, e in enumerate(errs) if "stream public.words: 3000 records" in e]
        check(len(readers) == 1 and all(not re.search(r"stream public\.words: \d+ records", e)
                                        for i, e in enumerate(errs) if i != readers[0]),
              "one worker reads words whole, the others not at all (%s)" % readers)
        check(all("from min..max" in e for e in errs), "plain has no statistics: its slices are equal ranges of min..max")
        check(sum(records_read(e, "public.plain") for e in errs) == 3000, "plain's slices add up to its 3000 rows")
        got = psql_json("SELECT json_build_array((SELECT count(DISTINCT w) FROM public.words), (SELECT count(*) FROM public.words),"
                        " (SELECT count(DISTINCT id) FROM public.plain), (SELECT count(*) FROM public.plain))", dest)
        check(tuple(got) == (3000, 3000, 3000, 3000), "every row of both tables exactly once: %r" % (got,))
        drop_database(dest)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    main(CASES)
