"""The suite's leak gate: fails, naming each entry and its size, when a test left anything in the test TMPDIR.

Usage: nothing_left.py DIR. Runs as the cleanup of the test_tmp fixture (tests/CMakeLists.txt), after every test;
it removes what it found, so a leaking test cannot fill the disk over repeated runs.
"""
import os
import shutil
import sys


def size_of(path):
    if not os.path.isdir(path) or os.path.islink(path):
        return os.lstat(path).st_size
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def main(tmp):
    if not os.path.isdir(tmp):
        print(f"FAIL: {tmp} is missing: tmp.prepare did not run or a test removed it")
        return 1
    left = sorted(os.listdir(tmp))
    for name in left:
        path = os.path.join(tmp, name)
        print(f"left behind: {path} ({size_of(path)} bytes)")
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    if left:
        print(f"FAIL: {len(left)} entries left in {tmp}: the tests that made them must remove them when they end")
        return 1
    print(f"ok: no test left anything in {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
