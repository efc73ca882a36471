#!/usr/bin/env python3
"""Writes N benchmark rows twice: as Airbyte RECORD lines (JSONL, for `connhost run --plugin dest_pg write`)
and as CSV with exactly the values dest_pg stores (for `psql \\copy` into a table of the same shape).

  gen_rows.py N OUT.jsonl OUT.csv
CSV columns, in order: id, name, email, score, active, created_at, payload, _connhost_meta, _connhost_raw_id,
_connhost_extracted_at, _connhost_generation_id (the order dest_pg's COPY uses).
"""
import csv
import json
import random
import sys
import uuid

COLUMNS = ["id", "name", "email", "score", "active", "created_at", "payload", "_connhost_meta", "_connhost_raw_id",
           "_connhost_extracted_at", "_connhost_generation_id"]
SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}, "score": {"type": "number"},
    "active": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}, "payload": {"type": "object"}}}


def main():
    n, jsonl_path, csv_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rnd = random.Random(42)
    base_ms = 1700000000000
    with open(jsonl_path, "w", encoding="utf-8") as jf, open(csv_path, "w", encoding="utf-8", newline="") as cf:
        w = csv.writer(cf, lineterminator="\n")
        for i in range(n):
            ms = base_ms + i
            score = "%d.%02d" % (rnd.randrange(100000), rnd.randrange(100))
            created = "2024-%02d-%02dT%02d:%02d:%02dZ" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60)
            name = "user %d %s" % (i, rnd.choice(["alpha", "beta", "gamma", "delta"]))
            email = "user%d@example.com" % i
            active = i % 3 != 0
            payload = '{"plan": "%s", "seats": %d, "tags": ["a", "b%d"]}' % (rnd.choice(["free", "pro", "team"]), i % 50, i % 7)
            jf.write('{"type": "RECORD", "record": {"stream": "bench", "emitted_at": %d, "data": {"id": %d, "name": "%s", "email": "%s", '
                     '"score": %s, "active": %s, "created_at": "%s", "payload": %s}}}\n'
                     % (ms, i, name, email, score, "true" if active else "false", created, payload))
            iso = "%s.%03dZ" % (__import__("datetime").datetime.utcfromtimestamp(ms // 1000).strftime("%Y-%m-%dT%H:%M:%S"), ms % 1000)
            w.writerow([i, name, email, score, "t" if active else "f", created, payload, "", str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                        iso, 0])


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--catalog":
        json.dump({"streams": [{"stream": {"name": "bench", "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}, sys.stdout)
    else:
        main()
