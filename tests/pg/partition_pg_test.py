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


def run_workers(db, conn, tag, n=WORKERS, extra=()):
    """Starts the n workers at once (with `extra` arguments) and waits for all; returns their stderr texts."""
    procs = [subprocess.Popen([CONNHOST, *worker_args(db, conn, tag, i, n), *extra], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for i in range(n)]
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


def in_slice(i, n=WORKERS, key="id"):
    """The SQL condition of slice i of n: source_postgres's membership by the key's hash."""
    return "(hashint8extended(%s::int8, 0) & 9223372036854775807) %% %d = %d" % (key, n, i)


def slice_rows(db, cond, table="big"):
    """How many rows of `table` in the source database satisfy `cond`."""
    return int(db.sql("SELECT count(*) FROM %s WHERE %s;" % (table, cond)).strip())


def analyze(db, table):
    """Fresh statistics that stay put: autovacuum must not re-sample them while the workers compute their slices."""
    db.sql("ALTER TABLE %s SET (autovacuum_enabled = false); ANALYZE %s;" % (table, table))


def case_three_workers_300k(isolate=False):
    """3 workers at once over the 300k-row table `big` into dest_pg: exactly 300k distinct rows, each worker between 20%
    and 50% of them (its slice: the rows whose key hashes to it), the slice kept in each worker's state."""
    with SourceDb("part_300k_isolated" if isolate else "part_300k") as db:
        n = big_keyed_table(db)
        dest = "dst_part_300k_isolated" if isolate else "dst_part_300k"
        dest_cfg = fresh_database(dest)
        conn = connection(db, dest_cfg, "big", [{"name": "big"}])
        errs = run_workers(db, conn, "big", extra=["--isolate"] if isolate else [])
        for i, err in enumerate(errs):
            check("partition: stream public.big: slice %d of 3" % i in err and
                  "stream public.big: slice %d of 3: rows whose id hashes to %d mod 3" % (i, i) in err,
                  "worker %d reads slice %d, the rows whose key hashes to it: %s" % (i, i, err[-1500:]))
            check(records_read(err) == slice_rows(db, in_slice(i)), "worker %d read exactly its slice's rows" % i)
        check_shares(errs, n, "300k keyed rows")
        check(dest_counts(dest) == (n, n, 1, n), "dest_pg holds exactly %d distinct rows 1..%d: %r" % (n, n, dest_counts(dest)))
        drop_database(dest)


def case_three_workers_300k_isolated():
    """As three_workers_300k with --isolate: each worker's source_postgres runs in a child process, which is given the
    partition and reads the same slice."""
    case_three_workers_300k(isolate=True)


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
        last = int(saved["last"][0])
        check(saved["slice"] == {"index": 1, "count": 3, "column": "id", "by": "key_hash"}, "the state names the slice: %r"
              % saved["slice"])
        check(slice_rows(db, "id = %d AND %s" % (last, in_slice(1))) == 1, "the saved key %d is in slice 1" % last)
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0, "the re-run of worker 1 succeeds: %s" % describe(p))
        err = p.stderr.decode()
        rest = slice_rows(db, "id > %d AND %s" % (last, in_slice(1)))
        got = records_read(err)
        check(got == rest, "the re-run read only the rest of its slice, after id %d (%d records, got %d)" % (last, rest, got))
        for i in (0, 2):
            p = connhost(worker_args(db, conn, "big", i))
            check(p.returncode == 0, "worker %d succeeds: %s" % (i, describe(p)))
        check(dest_counts(dest) == (n, n, 1, n), "every row exactly once: %r" % (dest_counts(dest),))
        check(json.load(open(state1))["states"][0]["stream"]["stream_state"] == {},
              "the finished full refresh leaves worker 1 an empty state, so its next run reads its slice whole")
        whole = slice_rows(db, in_slice(1))
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0 and records_read(p.stderr.decode()) == whole,
              "worker 1 run again reads its whole slice (%d rows) and no other" % whole)
        check(dest_counts(dest) == (n, n, 1, n), "append_dedup keeps every row once: %r" % (dest_counts(dest),))
        drop_database(dest)


def case_saved_range_kept():
    """A state an earlier version saved, whose slice is a key range, resumes inside that range (so the workers it was
    computed with stay complementary); once the full refresh completes, the next run reads the key's hash slice."""
    with SourceDb("part_range") as db:
        big_keyed_table(db)
        dest = "dst_part_range"
        dest_cfg = fresh_database(dest)
        dest_cfg["commit_ms"] = 50
        conn = connection(db, dest_cfg, "big", [{"name": "big"}])
        state1 = os.path.join(db.tmp, "big.1.state.json")
        kill_worker_mid_slice(db, conn, "big", 1, state1)
        with open(state1) as f:
            doc = json.load(f)
        doc["states"][0]["stream"]["stream_state"].update(
            {"last": ["150000"], "slice": {"index": 1, "count": 3, "column": "id", "from": "100001", "to": "200001"}})
        with open(state1, "w") as f:
            json.dump(doc, f)
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0, "the run from the range state succeeds: %s" % describe(p))
        err = p.stderr.decode()
        check("slice 1 of 3: id in [100001, 200001) from the saved state" in err, "it keeps the saved range: " + err[-800:])
        check("the other workers of this sync must keep theirs" in err, "it warns that the other workers keep theirs")
        check(records_read(err) == 50000, "it reads ids 150001..200000 only (%d records)" % records_read(err))
        p = connhost(worker_args(db, conn, "big", 1))
        check(p.returncode == 0 and "rows whose id hashes to 1 mod 3" in p.stderr.decode(), "the next run reads the hash slice")
        check(records_read(p.stderr.decode()) == slice_rows(db, in_slice(1)), "all of it")
        drop_database(dest)


def case_skewed_keys():
    """A key with gaps and skew (most ids dense and small, some spread up to 10^12, some multiples of 3): the key's
    hash still gives every worker 20%..50% of the rows, where equal ranges of min..max would give one worker nearly
    all and the key mod 3 one worker the multiples."""
    with SourceDb("part_skew") as db:
        db.sql("CREATE TABLE skewed (id bigint PRIMARY KEY, v text);"
               "INSERT INTO skewed SELECT g, 'dense' FROM generate_series(1, 200000) g;"
               "INSERT INTO skewed SELECT 1000000 + g * 37, 'gappy' FROM generate_series(1, 60000) g;"
               "INSERT INTO skewed SELECT (g::bigint * 25000000), 'sparse' FROM generate_series(1, 40000) g;")
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
    """A table whose key cannot be split (text key; no key at all) goes to one worker whole; an integer key without
    statistics is split as one with them."""
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
        check(all("stream public.plain: slice %d of 3: rows whose id hashes to" % i in e for i, e in enumerate(errs)),
              "plain, without statistics, is split by the key's hash")
        check(sum(records_read(e, "public.plain") for e in errs) == 3000, "plain's slices add up to its 3000 rows")
        got = psql_json("SELECT json_build_array((SELECT count(DISTINCT w) FROM public.words), (SELECT count(*) FROM public.words),"
                        " (SELECT count(DISTINCT id) FROM public.plain), (SELECT count(*) FROM public.plain))", dest)
        check(tuple(got) == (3000, 3000, 3000, 3000), "every row of both tables exactly once: %r" % (got,))
        drop_database(dest)


def case_table_changing_while_workers_start():
    """Workers that start apart while the table gets new rows and new statistics (ANALYZE, as autovacuum runs it) still
    read every row once: worker 0 runs alone first, then rows are added and the table analyzed, then workers 1 and 2.
    (Key ranges from each worker's own statistics left the rows between two workers' boundaries to no worker.)"""
    with SourceDb("part_changing") as db:
        n = big_keyed_table(db)
        analyze(db, "big")
        dest = "dst_part_changing"
        dest_cfg = fresh_database(dest)
        conn = connection(db, dest_cfg, "big", [{"name": "big"}])
        p = connhost(worker_args(db, conn, "big", 0))
        check(p.returncode == 0, "worker 0 succeeds: %s" % describe(p))
        db.sql("INSERT INTO big SELECT g, 'late' FROM generate_series(%d, %d) g; DELETE FROM big WHERE id <= 150000 AND "
               "id %% 2 = 0 AND NOT (%s); ANALYZE big;" % (n + 1, 3 * n, in_slice(0)))
        read = records_read(p.stderr.decode())
        for i in (1, 2):
            p = connhost(worker_args(db, conn, "big", i))
            check(p.returncode == 0, "worker %d succeeds: %s" % (i, describe(p)))
            read += records_read(p.stderr.decode())
        want = psql_json("SELECT json_build_array(count(*), count(*) FILTER (WHERE id <= %d OR NOT (%s))) FROM big"
                         % (n, in_slice(0)), db.name)
        got = dest_counts(dest)
        print("dest: %r; source now %r" % (got, want))
        check(got[0] == got[1] == read, "no row read twice: the workers read %d records, dest_pg holds %r" % (read, got))
        kept = n - 75000  # the even ids up to 150000 are left out: some of them were deleted
        have = psql_json("SELECT count(*) FROM big WHERE id <= %d AND (id > 150000 OR id %% 2 = 1)" % n, dest)
        check(have == kept, "every row that existed before worker 0 started is there, but those deleted (%d of %d)"
              % (have, kept))
        check(got[0] == want[1], "dest_pg holds the rows each worker's slice had when it read it: %d, want %d"
              % (got[0], want[1]))
        drop_database(dest)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    main(CASES)
