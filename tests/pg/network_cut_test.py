#!/usr/bin/env python3
"""A network cut between connhost and PostgreSQL, mid-stream: the connection fails within network_timeout_seconds
instead of hanging, with an error naming the server; what a `write` acknowledged before the cut is committed.

connhost runs in a network namespace of its own whose only way out is a veth pair to a TCP forwarder in front of the
shared test server (pg_server fixture). The cut takes the outer end of the pair down: packets vanish, with no reset
and no acknowledgement, as when a cable is pulled or a host freezes. Needs root (ip netns, from iproute2).

  network_cut_test.py <source_read|dest_write>
"""
import json
import os
import select
import socket
import subprocess
import threading
import time

from pg_lib import (Db, check, lines_bytes, main, psql, record_line, server, write_json, CONNHOST)

TIMEOUT = 6  # network_timeout_seconds in the cases' configs
BOUND = 4 * TIMEOUT  # the connection must fail within this long after the cut (before: TCP's hours)


def ip(*args):
    subprocess.run(["ip", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class CutNetwork:
    """A namespace, a veth pair (outer end here, inner end in the namespace) and a forwarder to the test server."""

    def __init__(self):
        tag = os.getpid() % 100000
        self.ns, self.outer, self.inner = "chcut%d" % tag, "chco%d" % tag, "chci%d" % tag
        a, b = (tag // 64) % 256, (tag % 64) * 4  # a /30 of 10.252.0.0/16 per process
        self.outer_ip, self.inner_ip = "10.252.%d.%d" % (a, b + 1), "10.252.%d.%d" % (a, b + 2)

    def __enter__(self):
        made = subprocess.run(["ip", "netns", "add", self.ns], stderr=subprocess.PIPE)
        check(made.returncode == 0, "ip netns add failed: this test needs root and iproute2 (packaging/install-deps.sh "
              "test installs it): %s" % made.stderr.decode().strip())
        self.listener, self.procs = None, []
        try:
            ip("link", "add", self.outer, "type", "veth", "peer", "name", self.inner, "netns", self.ns)
            ip("addr", "add", self.outer_ip + "/30", "dev", self.outer)
            ip("link", "set", self.outer, "up")
            ip("-n", self.ns, "addr", "add", self.inner_ip + "/30", "dev", self.inner)
            ip("-n", self.ns, "link", "set", self.inner, "up")
            ip("-n", self.ns, "link", "set", "lo", "up")
            self.listener = socket.create_server((self.outer_ip, 0))
        except BaseException:
            self.__exit__()
            raise
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        for p in self.procs:  # a connhost still running in the namespace (a failed check) goes with it
            if p.poll() is None:
                p.kill()
                p.wait()
        if self.listener:
            self.listener.close()
        subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL)  # removes both ends of the pair
        subprocess.run(["ip", "link", "del", self.outer], stderr=subprocess.DEVNULL)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", server()["port"]))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def config(self, db_config):
        """`db_config` (a fresh_database config) reaching the server through the forwarder."""
        return dict(db_config, host=self.outer_ip, port=self.port, network_timeout_seconds=TIMEOUT, connect_attempts=1,
                    connect_timeout_seconds=2)

    def popen(self, args, **kw):
        self.procs.append(subprocess.Popen(["ip", "netns", "exec", self.ns, CONNHOST, *args], **kw))
        return self.procs[-1]

    def cut(self):
        ip("link", "set", self.outer, "down")


def wait_exit(p, since, what):
    """Waits up to BOUND after `since` for `p`; kills it and fails when it is still running."""
    try:
        p.wait(timeout=max(0.1, since + BOUND - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        check(False, "%s still running %d s after the network cut (network_timeout_seconds %d)" % (what, BOUND, TIMEOUT))
    return time.monotonic() - since


def drain(stream, into):
    for line in stream:
        into.append(line)


def case_source_read():
    """`run --plugin source_postgres read` of a big table: after the cut the read fails within the bound, naming
    the server."""
    with Db("net_cut_src") as db, CutNetwork() as net:
        psql("CREATE TABLE big (id int PRIMARY KEY, pad text);"
             "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 600000) g;"
             "ALTER TABLE big OWNER TO %s;" % server()["username"], db.name)
        cfg = write_json(os.path.join(db.tmp, "src.json"), dict(net.config(db.config), state_interval=5000))
        schema = {"type": "object", "properties": {"id": {"type": "integer"}, "pad": {"type": "string"}}}
        cat = write_json(os.path.join(db.tmp, "cat.json"), {"streams": [{
            "stream": {"name": "big", "namespace": "public", "json_schema": schema, "supported_sync_modes": ["full_refresh"],
                       "source_defined_primary_key": [["id"]]},
            "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
        p = net.popen(["run", "--plugin", "source_postgres", "read", "--config", cfg, "--catalog", cat],
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = [], []
        while not out or not out[-1].startswith(b'{"type":"RECORD"'):
            out.append(p.stdout.readline())
            check(out[-1], "the read ended before its first record: %r" % out[-5:])
        net.cut()
        cut_at = time.monotonic()
        readers = [threading.Thread(target=drain, args=(p.stdout, out)), threading.Thread(target=drain, args=(p.stderr, err))]
        for t in readers:
            t.start()
        took = wait_exit(p, cut_at, "the read")
        for t in readers:
            t.join()
        err_text = b"".join(err).decode("utf-8", "replace")
        records = sum(1 for line in out if line.startswith(b'{"type":"RECORD"'))
        check(p.returncode != 0, "the read fails after the cut (rc %s, %d records)" % (p.returncode, records))
        check(records < 600000, "the cut came before the end of the table (%d records)" % records)
        print("ok: the read failed %.1f s after the cut, after %d records" % (took, records))
        check("%s:%d" % (net.outer_ip, net.port) in err_text, "the error names the server: %s" % err_text[-1500:])
        print("ok: the error: %s" % err_text.strip()[-1200:])


def case_dest_write():
    """`run --plugin dest_pg write` fed without end: after the cut the write fails within the bound, naming the
    server; every record before its last echoed state is in the table."""
    with Db("net_cut_dest") as db, CutNetwork() as net:
        cfg = write_json(os.path.join(db.tmp, "dest.json"), dict(net.config(db.config), commit_ms=0))
        schema = {"type": "object", "properties": {"id": {"type": "integer"}, "pad": {"type": "string"}}}
        cat = write_json(os.path.join(db.tmp, "cat.json"), {"streams": [{
            "stream": {"name": "cut", "json_schema": schema, "supported_sync_modes": ["full_refresh"]},
            "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
        p = net.popen(["run", "--plugin", "dest_pg", "write", "--config", cfg, "--catalog", cat],
                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stop = threading.Event()

        def feed():
            i = 0
            try:
                while not stop.is_set():
                    chunk = [record_line("cut", {"id": i + k, "pad": "y" * 200}, 1000) for k in range(2000)]
                    i += 2000
                    chunk.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
                        "stream_descriptor": {"name": "cut"}, "stream_state": {"upto": i - 1}}}}))
                    p.stdin.write(lines_bytes(chunk))
                p.stdin.close()
            except (BrokenPipeError, OSError):
                pass

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        echoed, err = [], []
        errs = threading.Thread(target=drain, args=(p.stderr, err))
        errs.start()
        cut_at = None
        while cut_at is None or time.monotonic() < cut_at + BOUND:
            ready, _, _ = select.select([p.stdout], [], [], 1)
            if not ready:
                check(cut_at is not None or p.poll() is None, "the write ended before the cut: %s" % b"".join(err)[-1500:])
                continue
            line = p.stdout.readline()
            if not line:
                break
            m = json.loads(line)
            if m.get("type") == "STATE":
                echoed.append(m["state"]["stream"]["stream_state"]["upto"])
                if len(echoed) == 3 and cut_at is None:
                    net.cut()
                    cut_at = time.monotonic()
        check(cut_at is not None, "the write ended before three states were echoed: %s" % b"".join(err)[-1500:])
        took = wait_exit(p, cut_at, "the write")
        stop.set()
        errs.join()
        err_text = b"".join(err).decode("utf-8", "replace")
        check(p.returncode != 0, "the write fails after the cut (rc %s, states %r)" % (p.returncode, echoed[-3:]))
        print("ok: the write failed %.1f s after the cut, %d states echoed" % (took, len(echoed)))
        check("%s:%d" % (net.outer_ip, net.port) in err_text, "the error names the server: %s" % err_text[-1500:])
        print("ok: the error: %s" % err_text.strip()[-1200:])
        count = int(psql('SELECT count(*) FROM public."cut" WHERE id <= %d;' % echoed[-1], db.name).strip())
        check(count == echoed[-1] + 1, "every record before the last echoed state is committed (%d of %d)" % (count, echoed[-1] + 1))


if __name__ == "__main__":
    main({"source_read": case_source_read, "dest_write": case_dest_write})
