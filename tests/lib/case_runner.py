"""The small harness of the tests/integration scripts: one case a run, each check printed, the first failure exits 1.

Usage in a test script: `from case_runner import check, run_case, write_json`, define `case_<name>()` functions,
and end with `run_case(globals())`; ctest runs `script.py <name>`.
"""
import atexit
import json
import os
import shutil
import sys
import tempfile


def check(cond, msg):
    """Prints "ok: msg", or "FAIL: msg" and exits 1."""
    if not cond:
        print("FAIL:", msg)
        sys.exit(1)
    print("ok:", msg)


def scratch_dir(prefix):
    """Creates a folder under TMPDIR that is removed when the script exits (tmp.nothing_left fails on leftovers)."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    return d


def write_json(path, obj):
    """Writes `obj` as JSON to `path`; returns the path."""
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def volume(n):
    """A test's record count `n`, or a quarter of it in the sanitizer build (CONNHOST_TEST_SANITIZED is set there),
    whose code runs several times slower. Only for counts that make a sync long enough to be killed mid-way or to log
    progress, never for one a check depends on."""
    return n // 4 if os.environ.get("CONNHOST_TEST_SANITIZED") else n


def run_case(namespace):
    """Runs case_<argv[1]> of the calling script."""
    namespace["case_" + sys.argv[1]]()
