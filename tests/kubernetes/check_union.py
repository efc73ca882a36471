#!/usr/bin/env python3
"""After N workers of `connhost sync --partition I/N` (source_faker, `count` records per stream, into dest_jsonl
folders OUT/part-I): every stream's ids 1..count appear exactly once over all workers, and each worker's state
file is on the state volume. Prints each worker's share.
Usage: check_union.py OUT N COUNT STATE_DIR CONNECTION"""
import collections
import json
import pathlib
import sys

STREAMS = ("users", "products", "purchases")


def main():
    out, n, count, state_dir, connection = sys.argv[1:6]
    out, n, count, state_dir = pathlib.Path(out), int(n), int(count), pathlib.Path(state_dir)
    problems = []
    for stream in STREAMS:
        seen = collections.Counter()
        shares = []
        for i in range(n):
            path = out / f"part-{i}" / f"{stream}.jsonl"
            ids = [json.loads(line)["id"] for line in path.read_text().splitlines()] if path.exists() else []
            seen.update(ids)
            shares.append(len(ids))
        missing = count - len(set(seen) & set(range(1, count + 1)))
        dupes = sum(c - 1 for c in seen.values() if c > 1)
        extra = len(set(seen) - set(range(1, count + 1)))
        print(f"{stream}: {sum(shares)} records, per worker {shares}, missing {missing}, duplicated {dupes}, "
              f"unexpected {extra}")
        if missing or dupes or extra:
            problems.append(f"{stream}: {missing} missing, {dupes} duplicated, {extra} unexpected ids")
    for i in range(n):
        state = state_dir / f"{connection}.{i}-of-{n}.json"
        if not state.exists():
            problems.append(f"worker {i}'s state file {state.name} is not on the state volume")
    for p in problems:
        print(f"FAIL: {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
