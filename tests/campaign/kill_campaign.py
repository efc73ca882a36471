#!/usr/bin/env python3
"""The kill campaign: SIGKILLs `connhost sync` at random moments, re-runs it (killed again at times) until a run
exits 0, then counts per stream the ids the destination holds against the ids the source emitted.

  kill_campaign.py [--destination dest_sqlite|dest_jsonl|dest_pg]... [--profile faker|slow]... [--kills N] [--seed S]

Profiles (every sync runs from a connection file with a state file, each trial on a fresh destination and state):
  faker  source_faker: users (incremental, append_dedup), products (incremental, overwrite: a re-run resumes its
         state), purchases (incremental, append).
  slow   source_http against tests/http's test server answering every page late, four streams of one collection:
         append_dedup, append, full_refresh overwrite, incremental overwrite (source_faker has no throttle).
Each (destination, profile) runs without and with --isolate until at least N kills landed in each (N = --kills;
20 is the full campaign, `make test` runs 4). Kill moments come from an RNG seeded per (seed, destination,
profile, isolate), so one combination re-runs alone with the same draws: a random delay within a clean run's
duration, an early one (start-up, discover, table creation), or right after the state file's k-th change in
that run. A re-run is killed again with probability 1/2, at most 3 kills per trial.

Fails (exit 1) on: a missing id in any stream; a duplicate id in an append_dedup or overwrite stream (append
duplicates are counted, not failed); an id the source never emitted; a torn JSONL line in the final data; an
overwrite table that, right after a kill, is neither empty nor the full set; a run that exits non-zero without
being killed (its stderr is shown); a plugin child still running 10 s after its host was killed; fewer kills
than asked. The seed, a table per stream and the first failures per combination are printed.

Env: CONNHOST (default build/bin/connhost), HTTP_TEST_SERVER (default build/tests/http/http_test_server),
PG_TEST_SERVER_JSON (dest_pg; without it a throwaway cluster is started with tests/pg/pg_server.sh).
"""
import argparse
import collections
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
REPO = os.path.dirname(TESTS)
for _sub in ("lib", "pg", "sqlite", "http"):
    sys.path.insert(0, os.path.join(TESTS, _sub))
os.environ.setdefault("CONNHOST", os.path.join(REPO, "build", "bin", "connhost"))
os.environ.setdefault("HTTP_TEST_SERVER", os.path.join(REPO, "build", "tests", "http", "http_test_server"))
import pg_lib  # noqa: E402
import source_http_test  # noqa: E402
import sqlite_lib  # noqa: E402
from dest_testlib import write_json  # noqa: E402

CONNHOST = os.environ["CONNHOST"]
MAX_KILLS_PER_TRIAL = 3
RERUN_KILL_CHANCE = 0.5
CHILD_GRACE_SECONDS = 10.0
FAILURES_SHOWN = 8


# ---------------------------------------------------------------- destinations: a fresh place per trial, ids read back

class SqliteDest:
    plugin = "dest_sqlite"

    def config(self, trial_dir, trial):
        """The dest_sqlite config of a fresh database file in `trial_dir`."""
        return {"path": os.path.join(trial_dir, "dest.sqlite")}

    def ids(self, config, stream):
        """(the `id` of every row of the stream's table, unreadable rows): ([], 0) when the table does not exist."""
        if not os.path.exists(config["path"]):
            return [], 0
        con = sqlite3.connect(config["path"])
        try:
            table = sqlite_lib.table_name(None, stream)
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
                return [], 0
            return [r[0] for r in con.execute('SELECT "id" FROM "%s"' % table.replace('"', '""'))], 0
        finally:
            con.close()

    def finish(self, passed):
        pass


class JsonlDest:
    plugin = "dest_jsonl"

    def config(self, trial_dir, trial):
        """The dest_jsonl config of a fresh output directory in `trial_dir`."""
        return {"destination_path": os.path.join(trial_dir, "out")}

    def ids(self, config, stream):
        """(the `id` of every line of <stream>.jsonl, lines that are not a JSON object with an id): ([], 0) without the file."""
        path = os.path.join(config["destination_path"], stream + ".jsonl")
        if not os.path.exists(path):
            return [], 0
        ids, bad = [], 0
        with open(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                try:
                    ids.append(json.loads(line)["id"])
                except (ValueError, KeyError, TypeError):
                    bad += 1
        return ids, bad

    def finish(self, passed):
        pass


class PgDest:
    plugin = "dest_pg"

    def __init__(self, tag):
        self.db = pg_lib.db_name("campaign_" + tag)
        self.base = pg_lib.fresh_database(self.db)

    def config(self, trial_dir, trial):
        """The dest_pg config of a schema of its own for the trial (created by dest_pg), in the combination's database."""
        return dict(self.base, schema="trial_%03d" % trial)

    def ids(self, config, stream):
        """(the `id` of every row of the stream's table, 0): ([], 0) when the table does not exist."""
        rel = "%s.%s" % (pg_lib.qi(config["schema"]), pg_lib.qi(pg_lib.identifier(stream)))
        if not pg_lib.psql_json("SELECT to_json(to_regclass(%s) IS NOT NULL)" % pg_lib.sql_literal(rel), self.db):
            return [], 0
        return pg_lib.psql_json("SELECT coalesce(json_agg(id), '[]') FROM %s" % rel, self.db), 0

    def finish(self, passed):
        """Drops the combination's database when it passed (kept to look at otherwise)."""
        if passed:
            pg_lib.drop_database(self.db)


# ---------------------------------------------------------------- sources

class FakerProfile:
    name = "faker"
    streams = (("users", "incremental", "append_dedup"), ("products", "incremental", "overwrite"),
               ("purchases", "incremental", "append"))

    def __init__(self, args):
        self.count, self.state_interval = args.count, args.state_interval

    def start(self):
        """(the connection file's "source" entry, a handle for stop())."""
        return {"plugin": "source_faker", "config": {"count": self.count, "seed": 7, "state_interval": self.state_interval}}, None

    def stop(self, handle):
        pass

    def expected(self):
        """The ids every stream emits in a complete sync (source_faker: id = index + 1)."""
        return set(range(1, self.count + 1))


class SlowHttpProfile:
    name = "slow"
    streams = (("items_dedup", "incremental", "append_dedup"), ("items_append", "incremental", "append"),
               ("items_overwrite", "full_refresh", "overwrite"), ("items_overwrite_resumed", "incremental", "overwrite"))

    def __init__(self, args):
        self.items, self.delay_ms, self.page_size = args.items, args.page_delay_ms, args.page_size

    def start(self):
        """Starts a test server whose every data request answers `delay_ms` late; (the "source" entry, the server)."""
        srv = source_http_test.Server(items=self.items)
        srv.admin("fault", kind="slow", at=1, times=10 ** 9, delay_ms=self.delay_ms)
        paginator = {"type": "page_number", "page_size_param": "per_page", "page_size": self.page_size}
        streams = [source_http_test.stream("/page/items", "/data", paginator, name=name, cursor_param="updated_since")
                   for name, _, _ in self.streams]
        return {"plugin": "source_http", "config": source_http_test.config(srv, streams)}, srv

    def stop(self, srv):
        srv.stop()

    def expected(self):
        """The ids every stream emits in a complete sync (the test server's items 1..N)."""
        return set(range(1, self.items + 1))


def stream_choice(name, sync_mode, mode):
    """A connection file's "streams" entry."""
    c = {"name": name, "sync_mode": sync_mode, "destination_sync_mode": mode, "primary_key": [["id"]]}
    if sync_mode == "incremental":
        c["cursor_field"] = ["updated_at"]
    return c


# ---------------------------------------------------------------- kill moments

class KillPlan:
    """SIGKILL `delay` seconds after the run starts, or after the state file's `after_changes`-th change when that is > 0."""

    def __init__(self, kind, delay, after_changes=0):
        self.kind, self.delay, self.after_changes = kind, delay, after_changes

    def describe(self):
        if self.after_changes:
            return "state change #%d + %.1f ms" % (self.after_changes, self.delay * 1000)
        return "%s %.3f s" % (self.kind, self.delay)


class Planner:
    """Draws the kill moments of one combination from its own RNG, scaled by a clean run's duration and state changes."""

    def __init__(self, rng, seconds, state_changes):
        self.rng, self.seconds, self.state_changes = rng, seconds, max(1, state_changes)

    def draw(self):
        kind = self.rng.choice(("delay", "early", "state"))
        if kind == "delay":
            return KillPlan(kind, self.rng.uniform(0.0, 0.9 * self.seconds))
        if kind == "early":
            return KillPlan(kind, self.rng.uniform(0.0, min(0.15, self.seconds)))
        jitter = self.rng.uniform(0.0, 0.003) if self.rng.random() < 0.5 else 0.0
        return KillPlan(kind, jitter, self.rng.randint(1, self.state_changes))

    def rerun(self, kills_so_far):
        """The plan of a re-run after `kills_so_far` kills in this trial, or None (let it finish)."""
        if kills_so_far < MAX_KILLS_PER_TRIAL and self.rng.random() < RERUN_KILL_CHANCE:
            return self.draw()
        return None


class FileWatch:
    """Counts the changes of one file seen by polling (an atomic replace shows as a new inode)."""

    def __init__(self, path):
        self.path, self.changes = path, 0
        self.last = self._signature()

    def _signature(self):
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def poll(self):
        sig = self._signature()
        if sig != self.last:
            self.changes += 1
            self.last = sig
        return self.changes


# ---------------------------------------------------------------- one run

def group_members(pgid):
    """Pids of the live (not zombie) processes in process group `pgid`."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(d))
    return out


def settle_group(pgid):
    """Waits for the processes left in the run's group (its plugin children); SIGKILLs those still there after
    CHILD_GRACE_SECONDS. Returns (how many outlived the host, how many had to be killed)."""
    left = group_members(pgid)
    seen = len(left)
    deadline = time.monotonic() + CHILD_GRACE_SECONDS
    while left and time.monotonic() < deadline:
        time.sleep(0.02)
        left = group_members(pgid)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return seen, len(left)


class Run:
    def __init__(self, rc, seconds, state_changes, plan, log):
        self.rc, self.seconds, self.state_changes, self.plan, self.log = rc, seconds, state_changes, plan, log
        self.killed = rc == -signal.SIGKILL
        self.orphans = self.stuck = 0

    def describe(self):
        if self.killed:
            return "killed at %s" % self.plan.describe()
        return "exit %d after %.2f s" % (self.rc, self.seconds)

    def stderr_tail(self, n=1500):
        with open(self.log + ".stderr", "rb") as f:
            return f.read().decode("utf-8", "replace")[-n:]


def run_once(cmd, plan, state_path, log):
    """Runs `cmd` in a process group of its own, SIGKILLs its leader when `plan` says, then settles the group."""
    watch = FileWatch(state_path)
    with open(log + ".stdout", "wb") as out, open(log + ".stderr", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        armed_at = 0.0 if plan is not None and not plan.after_changes else None
        while p.poll() is None:
            elapsed = time.monotonic() - t0
            changes = watch.poll()
            if plan is not None and armed_at is None and changes >= plan.after_changes:
                armed_at = elapsed
            if armed_at is not None and elapsed >= armed_at + plan.delay:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
                break
            time.sleep(0.001)
        seconds = time.monotonic() - t0
    r = Run(p.returncode, seconds, watch.poll(), plan, log)
    r.orphans, r.stuck = settle_group(p.pid)
    return r


# ---------------------------------------------------------------- trials and their tallies

class StreamTally:
    def __init__(self, mode):
        self.mode = mode
        self.missing = self.missing_trials = self.dups = self.extra = self.bad = self.partial = 0


class Combo:
    """One (destination, profile, isolate) combination: its trials, kills and per-stream tallies."""

    def __init__(self, dest, profile, isolate, workdir):
        self.dest, self.profile, self.isolate = dest, profile, isolate
        self.label = "%s %s isolate=%s" % (dest.plugin, profile.name, "on" if isolate else "off")
        self.dir = os.path.join(workdir, "%s-%s-%s" % (dest.plugin, profile.name, "isolate" if isolate else "inproc"))
        os.makedirs(self.dir)
        self.trials = self.kills = self.orphan_kills = 0
        self.failures = []
        self.streams = collections.OrderedDict((name, StreamTally(mode)) for name, _, mode in profile.streams)

    def command(self, connection_file):
        return [CONNHOST, "sync"] + (["--isolate"] if self.isolate else []) + [connection_file]

    def fail(self, what):
        self.failures.append(what)


def id_ranges(ids, shown=6):
    """Sorted ids as "1-5, 9, 12-20" (the first `shown` ranges)."""
    ids = sorted(ids)
    ranges, start = [], None
    for i, v in enumerate(ids):
        if start is None:
            start = v
        if i + 1 == len(ids) or ids[i + 1] != v + 1:
            ranges.append(str(start) if start == v else "%d-%d" % (start, v))
            start = None
    return ", ".join(ranges[:shown]) + (", ..." if len(ranges) > shown else "")


def as_id(v):
    """An id as the int the source emitted; a value that is no integer stays as it is (and counts as foreign)."""
    try:
        return int(v)
    except (TypeError, ValueError):
        return v


def stream_problems(combo, name, mode, config, final):
    """What is wrong with the stream's table now (a list of phrases); updates its tally when `final`."""
    ids, bad = combo.dest.ids(config, name)
    seen = collections.Counter(as_id(i) for i in ids)
    expected = combo.profile.expected()
    if not final:  # right after a kill: an overwrite table holds nothing or everything
        return [] if not ids or seen == collections.Counter(expected) else [
            "%s (overwrite) holds %d rows right after the kill, neither none nor the full %d" % (name, len(ids), len(expected))]
    missing = expected - set(seen)
    dups = sum(v - 1 for v in seen.values())
    extra = sorted((k for k in seen if k not in expected), key=repr)
    t = combo.streams[name]
    t.missing += len(missing)
    t.missing_trials += bool(missing)
    t.dups, t.extra, t.bad = t.dups + dups, t.extra + len(extra), t.bad + bad
    out = []
    if missing:
        out.append("%s: %d of %d ids missing (%s)" % (name, len(missing), len(expected), id_ranges(missing)))
    if dups and mode != "append":
        out.append("%s (%s): %d duplicate rows (ids %s)" % (name, mode, dups, id_ranges(k for k, v in seen.items() if v > 1 and isinstance(k, int))))
    if extra:
        out.append("%s: %d ids the source never emitted (%r)" % (name, len(extra), extra[:5]))
    if bad:
        out.append("%s: %d unreadable lines" % (name, bad))
    return out


def check_after_kill(combo, trial, config, run):
    for name, _, mode in combo.profile.streams:
        if mode == "overwrite":
            problems = stream_problems(combo, name, mode, config, final=False)
            if problems:
                combo.streams[name].partial += 1
                combo.fail("trial %d, after %s: %s" % (trial, run.describe(), "; ".join(problems)))


def run_until_done(combo, trial, trial_dir, connection_file, config, planner):
    """Runs the sync until a run is not killed; a killed run is followed by checks and a re-run. Returns the runs."""
    runs, plan = [], planner.draw() if planner else None
    state = os.path.join(trial_dir, "state.json")
    while True:
        r = run_once(combo.command(connection_file), plan, state, os.path.join(trial_dir, "run%02d" % len(runs)))
        runs.append(r)
        combo.orphan_kills += bool(r.killed and r.orphans)
        if r.stuck:
            combo.fail("trial %d, %s: %d plugin child process(es) still running %.0f s later (killed by the campaign)" %
                       (trial, r.describe(), r.stuck, CHILD_GRACE_SECONDS))
        if not r.killed:
            return runs
        combo.kills += 1
        check_after_kill(combo, trial, config, r)
        plan = planner.rerun(sum(x.killed for x in runs))


def run_trial(combo, trial, planner):
    """One trial on a fresh destination and state file: kills and re-runs, then the final count. Returns its runs."""
    trial_dir = os.path.join(combo.dir, "trial%03d" % trial)
    os.makedirs(trial_dir)
    config = combo.dest.config(trial_dir, trial)
    source, handle = combo.profile.start()
    try:
        conn = write_json(os.path.join(trial_dir, "connection.json"), {
            "source": source, "destination": {"plugin": combo.dest.plugin, "config": config},
            "streams": [stream_choice(*s) for s in combo.profile.streams], "state_file": "state.json"})
        runs = run_until_done(combo, trial, trial_dir, conn, config, planner)
    finally:
        combo.profile.stop(handle)
    combo.trials += 1
    history = " | ".join(r.describe() for r in runs)
    last = runs[-1]
    if last.rc != 0:
        combo.fail("trial %d: a run exited %d without being killed (%s)\n      stderr: %s" %
                   (trial, last.rc, history, last.stderr_tail().strip().replace("\n", "\n              ")))
        return runs
    problems = [p for name, _, mode in combo.profile.streams for p in stream_problems(combo, name, mode, config, final=True)]
    if problems:
        combo.fail("trial %d (%s): %s" % (trial, history, "; ".join(problems)))
    print("  trial %d: %s -> %s" % (trial, history, "; ".join(problems) or "ok"), flush=True)
    return runs


def run_combo(combo, kills, rng):
    """A clean run (trial 0, which sizes the kill moments), then trials until `kills` kills landed."""
    print("%s:" % combo.label, flush=True)
    clean = run_trial(combo, 0, None)[0]
    if clean.rc != 0:
        return
    planner = Planner(rng, clean.seconds, clean.state_changes)
    print("  (clean run: %.2f s, %d state file changes seen)" % (clean.seconds, clean.state_changes), flush=True)
    trial = 1
    while combo.kills < kills and trial <= 3 * kills + 5:
        run_trial(combo, trial, planner)
        trial += 1
    if combo.kills < kills:
        combo.fail("only %d of %d kills landed in %d trials (the runs ended before their kill moment)" % (combo.kills, kills, trial - 1))


# ---------------------------------------------------------------- the report

def print_table(combos):
    head = ("destination", "profile", "isolate", "stream", "mode", "trials", "kills", "missing", "dup", "foreign",
            "partial", "verdict")
    rows = [head]
    for c in combos:
        for name, t in c.streams.items():
            bad = t.missing or t.extra or t.bad or t.partial or (t.dups and t.mode != "append")
            rows.append((c.dest.plugin, c.profile.name, "on" if c.isolate else "off", name, t.mode, str(c.trials),
                         str(c.kills), "%d (%d trials)" % (t.missing, t.missing_trials) if t.missing else "0",
                         str(t.dups), str(t.extra + t.bad), str(t.partial), "FAIL" if bad else "ok"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def print_failures(combos):
    for c in combos:
        if c.failures:
            print("\n%s: %d failure(s)" % (c.label, len(c.failures)))
            for f in c.failures[:FAILURES_SHOWN]:
                print("  - " + f)
            if len(c.failures) > FAILURES_SHOWN:
                print("  ... and %d more (see the run logs)" % (len(c.failures) - FAILURES_SHOWN))


def report(combos, args, seed):
    print("\n== kill campaign, seed %d: missing and duplicated ids per stream after kills and re-runs ==" % seed)
    print("(dup: rows beyond one per id, allowed in append only; foreign: ids never emitted or unreadable lines;")
    print(" partial: kills after which an overwrite table held neither nothing nor the full set)")
    print_table(combos)
    for c in combos:
        if c.orphan_kills:
            print("note: %s: after %d of %d kills a plugin child outlived the host for a while" % (c.label, c.orphan_kills, c.kills))
    print_failures(combos)
    failed = any(c.failures for c in combos)
    print("\n%s; seed %d. Same draws: %s --seed %d --kills %d --count %d --isolate %s %s %s" % (
        "FAILED" if failed else "passed", seed, sys.argv[0], seed, args.kills, args.count, args.isolate,
        " ".join("--destination " + d for d in args.destination), " ".join("--profile " + p for p in args.profile)))
    return failed


# ---------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--destination", action="append", choices=("dest_sqlite", "dest_jsonl", "dest_pg"))
    ap.add_argument("--profile", action="append", choices=("faker", "slow"))
    ap.add_argument("--isolate", choices=("both", "on", "off"), default="both", help="with, without or both (default)")
    ap.add_argument("--kills", type=int, default=20, help="kills per destination, profile and isolate mode (default 20: full)")
    ap.add_argument("--seed", type=int, help="seed of the kill moments (default: a fresh one, printed)")
    ap.add_argument("--count", type=int, default=20000, help="faker: records per stream")
    ap.add_argument("--state-interval", type=int, default=500, help="faker: a STATE every N records")
    ap.add_argument("--items", type=int, default=120, help="slow: items per stream (at most 1439: one cursor minute each)")
    ap.add_argument("--page-size", type=int, default=20, help="slow: records per page (a STATE after each)")
    ap.add_argument("--page-delay-ms", type=int, default=20, help="slow: how late the server answers each page")
    ap.add_argument("--keep", action="store_true", help="keep the work directory even when everything passed")
    args = ap.parse_args()
    args.destination = args.destination or ["dest_sqlite", "dest_jsonl", "dest_pg"]
    args.profile = args.profile or ["faker", "slow"]
    return args


def pg_server_for(workdir):
    """Points pg_lib at PG_TEST_SERVER_JSON, or starts a throwaway cluster; returns the info file to clean up, or None."""
    if os.environ.get("PG_TEST_SERVER_JSON"):
        pg_lib.SERVER_JSON = os.environ["PG_TEST_SERVER_JSON"]
        return None
    info = os.path.join(workdir, "pg-server.json")
    subprocess.run([os.path.join(TESTS, "pg", "pg_server.sh"), "setup", info], check=True)
    pg_lib.SERVER_JSON = info
    return info


def make_dest(plugin, tag):
    return {"dest_sqlite": SqliteDest, "dest_jsonl": JsonlDest}[plugin]() if plugin != "dest_pg" else PgDest(tag)


def run_all(args, seed, workdir):
    combos = []
    for plugin in args.destination:
        for profile in args.profile:
            for isolate in {"both": (False, True), "on": (True,), "off": (False,)}[args.isolate]:
                tag = "%s_%s" % (profile, "isolate" if isolate else "inproc")
                prof = FakerProfile(args) if profile == "faker" else SlowHttpProfile(args)
                combo = Combo(make_dest(plugin, tag), prof, isolate, workdir)
                run_combo(combo, args.kills, random.Random("%d/%s/%s/%s" % (seed, plugin, profile, isolate)))
                combo.dest.finish(not combo.failures)
                combos.append(combo)
    return combos


def main():
    args = parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2 ** 31)
    workdir = tempfile.mkdtemp(prefix="connhost-campaign-")
    print("kill campaign: seed %d, %d kills per destination, profile and isolate mode; work dir %s" % (seed, args.kills, workdir),
          flush=True)
    pg_info = pg_server_for(workdir) if "dest_pg" in args.destination else None
    try:
        failed = report(run_all(args, seed, workdir), args, seed)
    finally:
        if pg_info:
            subprocess.run([os.path.join(TESTS, "pg", "pg_server.sh"), "cleanup", pg_info])
    if failed or args.keep:
        keep_dir = os.environ.get("CONNHOST_TEST_KEEP_DIR")  # under ctest: TMPDIR is emptied after the suite
        if keep_dir:
            os.makedirs(keep_dir, exist_ok=True)
            workdir = shutil.move(workdir, os.path.join(keep_dir, os.path.basename(workdir)))
        print("work dir kept (connection files, state files, run logs): %s" % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
