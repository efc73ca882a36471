#!/usr/bin/env python3
"""Writes the input of bench/streams: N records spread evenly over 4 streams (the row shape of bench/pg), as
  OUT_DIR/all.jsonl      the 4 streams interleaved in blocks of 1000 records per stream (as a source reading its
                         streams concurrently emits them), a STATE every 20000 records
  OUT_DIR/s<K>.jsonl     stream K alone, with the same STATE cadence
  OUT_DIR/catalog.json   the 4 streams, full_refresh / append

  gen_streams.py N OUT_DIR
"""
import json
import os
import random
import sys

STREAMS = 4
BLOCK = 1000
STATE_EVERY = 20000
SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}, "score": {"type": "number"},
    "active": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}, "payload": {"type": "object"}}}


def record(stream, i, rnd):
    score = "%d.%02d" % (rnd.randrange(100000), rnd.randrange(100))
    created = "2024-%02d-%02dT%02d:%02d:%02dZ" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60)
    payload = '{"plan": "%s", "seats": %d, "tags": ["a", "b%d"]}' % (rnd.choice(["free", "pro", "team"]), i % 50, i % 7)
    return ('{"type": "RECORD", "record": {"stream": "s%d", "emitted_at": %d, "data": {"id": %d, "name": "user %d", '
            '"email": "user%d@example.com", "score": %s, "active": %s, "created_at": "%s", "payload": %s}}}\n'
            % (stream, 1700000000000 + i, i, i, i, score, "true" if i % 3 else "false", created, payload))


def state(n):
    return json.dumps({"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {"records": n}}}}) + "\n"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    per = n // STREAMS
    rnd = random.Random(42)
    rows = [[record(k, k * per + i, rnd) for i in range(per)] for k in range(STREAMS)]
    with open(os.path.join(out, "all.jsonl"), "w") as f:
        written = 0
        for start in range(0, per, BLOCK):
            for k in range(STREAMS):
                f.writelines(rows[k][start:start + BLOCK])
                written += len(rows[k][start:start + BLOCK])
                if written % STATE_EVERY == 0:
                    f.write(state(written))
        f.write(state(written))
    for k in range(STREAMS):
        with open(os.path.join(out, "s%d.jsonl" % k), "w") as f:
            for start in range(0, per, STATE_EVERY):
                f.writelines(rows[k][start:start + STATE_EVERY])
                f.write(state(start + len(rows[k][start:start + STATE_EVERY])))
    with open(os.path.join(out, "catalog.json"), "w") as f:
        json.dump({"streams": [{"stream": {"name": "s%d" % k, "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "append"} for k in range(STREAMS)]}, f)


if __name__ == "__main__":
    main()
