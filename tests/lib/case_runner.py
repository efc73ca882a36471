"""The small harness of the tests/integration scripts: one case a run, each check printed, the first failure exits 1.

Usage in a test script: `from case_runner import check, run_case, write_json`, define `case_<name>()` functions,
and end with `run_case(globals())`; ctest runs `script.py <name>`.
"""
import atexit
import json
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


def run_case(namespace):
    """Runs case_<argv[1]> of the calling script."""
    namespace["case_" + sys.argv[1]]()
