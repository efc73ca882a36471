#!/usr/bin/env python3
"""dest_pg writing several streams over several connections ("connections"), killed with SIGKILL and resumed from
the last state it echoed: every record lands exactly once (no missing id, no duplicate), append streams included.

  lanes_test.py kill_between_commits   the kill lands between two connections' commits of one window (the test holds
                                       the last lane's ledger row locked, so its commit waits): the re-run, with one
                                       connection, trims the window's rows the other lanes committed
  lanes_test.py killed_at_random ROUNDS   SIGKILLs at random moments, ROUNDS times, each re-run killed again at times;
                                       a kill after a window's last commit and before its state is echoed re-sends
                                       that whole window, as with one connection (reported, not failed)
  lanes_test.py every_mode             overwrite, append and append_dedup streams over 3 connections, written twice
  lanes_test.py opener_beside_live_runs   a write opening while two others run: no wait for their sessions to end
"""
import collections
import json
import os
import random
import signal
import subprocess
import threading
import time

from pg_lib import CONNHOST, Db, Stream, check, configured, lines_bytes, main, psql, psql_json, qi, server, write_json

SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "pad": {"type": "string"}}}
STREAMS = [Stream(None, "lane_a", SCHEMA), Stream(None, "lane_b", SCHEMA), Stream(None, "lane_c", SCHEMA),
           Stream(None, "lane_d", SCHEMA, "append_dedup", primary_key=[["id"]])]
PER_BLOCK = 400  # records per stream between two states
LEDGER = "public._connhost_windows"


def blocks(n_blocks):
    """Input blocks: block k holds PER_BLOCK records of each stream (interleaved) and ends with state k."""
    out = []
    for k in range(n_blocks):
        lines = []
        for i in range(PER_BLOCK):
            for s in STREAMS:
                rid = k * PER_BLOCK + i
                lines.append(json.dumps({"type": "RECORD", "record": {"stream": s.name, "emitted_at": 1000 + rid,
                                                                      "data": {"id": rid, "pad": "p" * 100}}}))
        lines.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "any"}, "stream_state": {"block": k}}}}))
        out.append(lines_bytes(lines))
    return out


class Write:
    """A running `connhost run --plugin dest_pg write`; `echoed` collects the blocks of the states it echoed."""

    def __init__(self, d, config, data_blocks, pace=0.0, close=True, tag=""):
        cfg = write_json(os.path.join(d.tmp, "cfg%s.json" % tag), config)
        cat = write_json(os.path.join(d.tmp, "cat%s.json" % tag), configured(STREAMS))
        self.err = open(os.path.join(d.tmp, "err%s.txt" % tag), "w+b")
        self.proc = subprocess.Popen([CONNHOST, "run", "--plugin", "dest_pg", "write", "--config", cfg, "--catalog", cat],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.echoed = []
        self.logs = []
        self.feeder = threading.Thread(target=self._feed, args=(data_blocks, pace, close), daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.feeder.start()
        self.reader.start()

    def _feed(self, data_blocks, pace, close):
        try:
            for b in data_blocks:
                self.proc.stdin.write(b)
                self.proc.stdin.flush()
                time.sleep(pace)
            if close:
                self.proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def _read(self):
        for raw in self.proc.stdout:
            m = json.loads(raw)
            if m.get("type") == "STATE":
                self.echoed.append(m["state"]["stream"]["stream_state"]["block"])
            elif m.get("type") == "LOG":
                self.logs.append(m["log"]["message"])

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(10)

    def finish(self):
        self.proc.wait(timeout=600)
        self.reader.join(10)
        self.err.seek(0)
        return self.proc.returncode, self.err.read().decode("utf-8", "replace")


def stream_ids(db, s):
    return psql_json("SELECT coalesce(json_agg(id), '[]') FROM %s" % qi(s.name), db)


def check_exact(db, n_blocks, whole_windows_ok=False):
    """Each stream holds every id of the n_blocks blocks exactly once. With whole_windows_ok, a duplicate is allowed
    only as whole blocks that every append stream holds twice alike: a window re-sent because the kill came after
    its last commit and before its state was echoed (as with one connection; the kill campaign counts these too).
    Returns the blocks so re-sent."""
    want = set(range(n_blocks * PER_BLOCK))
    wrong, dup_blocks = [], {}
    for s in STREAMS:
        counts = collections.Counter(stream_ids(db, s))
        missing = sorted(want - set(counts))
        dups = sorted(i for i, c in counts.items() if c > 1)
        blocks_twice = sorted({i // PER_BLOCK for i in dups})
        whole = all(counts[b * PER_BLOCK + i] == 2 for b in blocks_twice for i in range(PER_BLOCK))
        if s.mode == "append":
            dup_blocks[s.name] = blocks_twice
        if missing or (dups and not (whole_windows_ok and whole and s.mode == "append")):
            wrong.append("%s: %d id(s) missing (e.g. %r), %d duplicated (blocks %r)" % (
                s.name, len(missing), missing[:5], len(dups), blocks_twice))
    if len(set(map(tuple, dup_blocks.values()))) > 1:
        wrong.append("append streams hold different duplicated blocks (a partial window): %r" % dup_blocks)
    check(not wrong, "; ".join(wrong))
    return next(iter(dup_blocks.values()), [])


def resume_from(d, config, data_blocks, after):
    """Re-runs the write from the block after `after` (-1: from the start) to the end; returns its log lines."""
    w = Write(d, config, data_blocks[after + 1:])
    rc, err = w.finish()
    check(rc == 0, "the re-run failed (%d): %s" % (rc, err[-2000:]))
    return "\n".join(w.logs)


def case_kill_between_commits():
    n_blocks = 6
    data = blocks(n_blocks)
    with Db("lanes_kill_between_commits") as d:
        config = dict(d.config, connections=4, commit_ms=0)
        w = Write(d, config, data[:1], close=False)
        deadline = time.monotonic() + 60
        while w.echoed != [0] and time.monotonic() < deadline:
            time.sleep(0.05)
        check(w.echoed == [0], "state 0 not echoed: %r" % w.echoed)
        # Hold lane 3's ledger row: its commit of the next window waits while lanes 0-2 commit theirs.
        holder = subprocess.Popen([os.path.join(server()["bindir"], "psql"), "-X", "-q", "-h", server()["socket_dir"],
                                   "-p", str(server()["port"]), "-U", server()["superuser"], "-d", d.name],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        holder.stdin.write(b"BEGIN; SELECT 1 FROM %s WHERE lane = 3 FOR UPDATE;\n" % LEDGER.encode())
        holder.stdin.flush()
        time.sleep(0.5)
        w.proc.stdin.write(data[1])
        w.proc.stdin.flush()
        deadline = time.monotonic() + 60
        windows = {}
        while time.monotonic() < deadline:
            windows = dict(psql_json("SELECT coalesce(json_agg(json_build_array(lane, commit_window)), '[]') FROM %s"
                                     % LEDGER, d.name))
            if [windows.get(i) for i in range(4)] == [2, 2, 2, 1]:
                break
            time.sleep(0.05)
        check([windows.get(i) for i in range(4)] == [2, 2, 2, 1], "lanes did not reach windows 2,2,2,1: %r" % windows)
        w.kill()
        holder.stdin.write(b"ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(30)
        check(w.echoed == [0], "state 1 was echoed although lane 3 never committed: %r" % w.echoed)
        ahead = [s.name for s in STREAMS[:3]
                 if int(psql("SELECT count(*) FROM %s" % qi(s.name), d.name).strip()) > PER_BLOCK]
        check(ahead, "no lane committed window 2 before the kill: the case did not happen")
        logs = resume_from(d, dict(config, connections=1), data, 0)
        check_exact(d.name, n_blocks)
        check("trimmed" in logs, "the re-run trimmed nothing: %s" % logs[-2000:])
        left = psql("SELECT count(*) FROM %s" % LEDGER, d.name).strip()
        check(left == "0", "%s ledger rows left after a clean run" % left)
        print("lanes ahead at the kill: %s; re-run trimmed them, every id once" % ", ".join(ahead))


def case_killed_at_random(rounds="3"):
    rng = random.Random(int(os.environ.get("LANES_SEED", "13")))
    n_blocks = 40
    data = blocks(n_blocks)
    for r in range(int(rounds)):
        with Db("lanes_killed_at_random") as d:
            config = dict(d.config, connections=3, commit_ms=0)
            last, kills = -1, 0
            while True:
                w = Write(d, config, data[last + 1:], pace=0.02)
                if kills < 3 and rng.random() < (1.0 if kills == 0 else 0.5):
                    time.sleep(rng.uniform(0.05, 1.5))
                    w.kill()
                    kills += 1
                    last = w.echoed[-1] if w.echoed else last
                    continue
                rc, err = w.finish()
                check(rc == 0, "round %d: the final run failed (%d): %s" % (r, rc, err[-2000:]))
                break
            resent = check_exact(d.name, n_blocks, whole_windows_ok=True)
            print("round %d: %d kill(s), every id once%s" % (r, kills, "" if not resent else
                  " except block(s) %r in every append stream: killed between the commit and the echo" % resent))


def case_every_mode():
    """overwrite, append and append_dedup streams over 3 connections, written twice: the overwrite holds one copy,
    the append two, the dedup one; the run leaves no ledger row."""
    streams = [Stream(None, "m_over", SCHEMA, "overwrite"), Stream(None, "m_append", SCHEMA),
               Stream(None, "m_dedup", SCHEMA, "append_dedup", primary_key=[["id"]])]
    n = 3000
    lines = []
    for i in range(n):
        for s in streams:
            lines.append(json.dumps({"type": "RECORD", "record": {"stream": s.name, "emitted_at": 1000 + i,
                                                                  "data": {"id": i, "pad": "x"}}}))
        if i % 500 == 499:
            lines.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
                "stream_descriptor": {"name": "any"}, "stream_state": {"i": i}}}}))
    with Db("lanes_every_mode") as d:
        cfg = write_json(os.path.join(d.tmp, "cfg.json"), dict(d.config, connections=3, commit_ms=0))
        cat = write_json(os.path.join(d.tmp, "cat.json"), configured(streams))
        for _ in range(2):
            p = subprocess.run([CONNHOST, "run", "--plugin", "dest_pg", "write", "--config", cfg, "--catalog", cat],
                               input=lines_bytes(lines), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            check(p.returncode == 0, "write failed: %s" % p.stderr.decode()[-2000:])
            check(b"over 3 connections" in p.stdout, "not written over 3 connections: %s" % p.stdout.decode()[-1000:])
        for s, copies in zip(streams, (1, 2, 1)):
            counts = collections.Counter(stream_ids(d.name, s))
            check(set(counts) == set(range(n)) and set(counts.values()) == {copies},
                  "%s: expected every id %d time(s), got %r" % (s.name, copies, collections.Counter(counts.values())))
        left = psql("SELECT count(*) FROM %s" % LEDGER, d.name).strip()
        check(left == "0", "%s ledger rows left after clean runs" % left)


def case_opener_beside_live_runs():
    """Two runs over 2 connections stay open (their ledger rows locked by live sessions) while a third writes the
    same streams: it must not wait out the killed-run budget (10 s) for each live run, and leaves their rows alone."""
    data = blocks(1)
    with Db("lanes_beside_live_runs") as d:
        config = dict(d.config, connections=2, commit_ms=0)
        live = [Write(d, config, data, close=False, tag=str(i)) for i in range(2)]
        deadline = time.monotonic() + 60
        while any(w.echoed != [0] for w in live) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(all(w.echoed == [0] for w in live), "state 0 not echoed by both live runs: %r" % [w.echoed for w in live])
        runs = psql("SELECT count(DISTINCT run) FROM %s" % LEDGER, d.name).strip()
        check(runs == "2", "the live runs hold %s ledger run(s), not 2: the case did not happen" % runs)
        started = time.monotonic()
        logs = resume_from(d, config, data, -1)
        took = time.monotonic() - started
        alive = logs.count("is still writing into")
        check(alive == 2, "the third run took %d earlier run(s) for live, not 2: %s" % (alive, logs[-2000:]))
        check(took < 8, "the third run took %.1f s beside two live runs: it waited out the budget for killed runs"
              % took)
        for w in live:
            w.proc.stdin.close()
            rc, err = w.finish()
            check(rc == 0, "a live run failed (%d): %s" % (rc, err[-2000:]))
        for s in STREAMS:
            counts = collections.Counter(collections.Counter(stream_ids(d.name, s)).values())
            want = {1: PER_BLOCK} if s.mode == "append_dedup" else {3: PER_BLOCK}
            check(counts == want, "%s: ids held n times: %r, expected %r" % (s.name, dict(counts), want))
        left = psql("SELECT count(*) FROM %s" % LEDGER, d.name).strip()
        check(left == "0", "%s ledger rows left after clean runs" % left)
        print("the third run opened beside two live runs in %.1f s; every run's rows kept" % took)


CASES = {"kill_between_commits": case_kill_between_commits, "killed_at_random": case_killed_at_random,
         "every_mode": case_every_mode, "opener_beside_live_runs": case_opener_beside_live_runs}

if __name__ == "__main__":
    main(CASES)
