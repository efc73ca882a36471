#!/usr/bin/env python3
"""Honest advice after a failed `connhost sync`: "re-run the same command to resume" only for a failure a re-run can
get past (transient, interrupted); a permanent one (bad config, catalog or state, an unsupported mode) says what to
change and that a re-run alone fails the same way.

Usage: advice_test.py CASE   (CONNHOST names the binary)."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, scratch_dir, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
RESUME = "re-run the same command to resume"


def sync(args):
    return subprocess.run([CONNHOST, "sync", "--log-format", "json", *args], capture_output=True, text=True, timeout=120)


def failure(p):
    """The ERROR object ending a failed sync's JSON log."""
    errors = [o for o in map(json.loads, p.stderr.splitlines()) if o.get("level") == "ERROR" and "exit_code" in o]
    check(p.returncode != 0 and errors, "the sync fails with an ERROR object: %s" % p.stderr[-600:])
    return errors[-1]


class Faker:
    def __init__(self, streams=("users",), mode="append"):
        self.dir = scratch_dir("connhost-advice-")
        self.src = write_json(os.path.join(self.dir, "faker.json"), {"count": 200, "state_interval": 50})
        self.db = os.path.join(self.dir, "out.sqlite")
        self.dst = write_json(os.path.join(self.dir, "dst.json"), {"path": self.db})
        self.state = os.path.join(self.dir, "state.json")
        self.catalog = write_json(os.path.join(self.dir, "catalog.json"), {"streams": [
            {"stream": {"name": n}, "sync_mode": "incremental", "cursor_field": ["updated_at"],
             "destination_sync_mode": mode} for n in streams]})

    def args(self):
        return ["--source", "source_faker", "--source-config", self.src, "--destination", "dest_sqlite",
                "--destination-config", self.dst, "--catalog", self.catalog, "--state-file", self.state]


def permanent(err, what):
    check(RESUME not in err["message"], "%s: no advice to just re-run: %s" % (what, err["message"]))
    check(err["failure_type"] == "config_error", "%s: failure_type config_error (%s)" % (what, err["failure_type"]))


def case_config_error_says_what_to_change():
    """The source refuses its catalog while reading (a stream it does not have): change it, a re-run fails alike."""
    f = Faker(streams=("users", "gone"))
    err = failure(sync(f.args()))
    permanent(err, "a catalog the source refuses")
    check("gone" in err["message"] and "fails the same way" in err["message"] and "Change what the message names" in
          err["message"], "it names the stream and says to change it first: %s" % err["message"])


def case_bad_state_file_says_what_to_change():
    """A state file entry no run can resume from is a config_error saying to remove it or --reset-state."""
    f = Faker()
    write_json(f.state, {"connhost_state_file": 1, "states": [{"type": "STREAM", "stream": {"stream_state": {}}}]})
    err = failure(sync(f.args()))
    permanent(err, "a bad state file")
    check("--reset-state" in err["message"] and f.state in err["message"], "it names the file and the way out: %s"
          % err["message"])


def case_unsupported_mode_says_what_to_change():
    """A mode the destination does not support (dest_append_only lists append alone) is refused before anything
    moves, naming the stream, the mode and what to pick; a re-run alone is not advised."""
    f = Faker(mode="append_dedup")
    dst = write_json(os.path.join(f.dir, "ao.json"), {"destination_path": os.path.join(f.dir, "ao")})
    p = sync(["--plugin-dir", os.environ["CONNHOST_TEST_PLUGIN_DIR"], "--source", "source_faker", "--source-config",
              f.src, "--destination", "dest_append_only", "--destination-config", dst, "--catalog", f.catalog,
              "--state-file", f.state])
    err = failure(p)
    permanent(err, "an unsupported mode")
    check("users" in err["message"] and "append_dedup" in err["message"] and "append" in err["message"],
          "it names the stream, the mode and the supported ones: %s" % err["message"])


def case_transient_says_rerun():
    """The target is locked by another writer (dest_sqlite: a transient error): re-run to resume, and it does."""
    f = Faker()
    holder = subprocess.Popen([CONNHOST, "run", "--plugin", "dest_sqlite", "write", "--config", f.dst, "--catalog", f.catalog],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if os.path.exists(f.db):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        err = failure(sync(f.args()))
        check(err["failure_type"] == "transient_error", "a locked target is transient: %s" % err)
        check(RESUME in err["message"], "a transient failure says to re-run: %s" % err["message"])
    finally:
        holder.communicate(input=b"", timeout=60)  # its end of input: it finishes and unlocks the target
    p = sync(f.args())
    check(p.returncode == 0, "the re-run succeeds once the other writer is gone: %s" % p.stderr[-500:])


if __name__ == "__main__":
    run_case(globals())
