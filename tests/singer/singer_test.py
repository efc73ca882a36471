#!/usr/bin/env python3
"""Runs one Singer SDK target test stream through `connhost run --plugin DEST write` (no catalog: the catalog
comes from the SCHEMA messages) and checks the outcome the Singer SDK's target tests expect: invalid_schema,
record_before_schema and record_missing_key_property are rejected with an error naming the line; every other
file loads, value by value (numbers as exact text), deduplicated by key_properties.

  singer_test.py FILE [dest_jsonl|dest_sqlite]      (default dest_jsonl)

Into dest_sqlite every record is one row of its stream's table, each field in its column as
docs/connectors/dest_sqlite.md says (integers as integers, numbers as their exact text, booleans 0/1,
strings decoded, objects and arrays as compact JSON), matched to the input by key (or order without keys)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import scratch_dir  # noqa: E402

REJECTED = {
    "invalid_schema": ("stdin line 1", "no \"properties\""),
    "record_before_schema": ("stdin line 1", "before its SCHEMA"),
    "record_missing_key_property": ("stdin line 2", "lacks its key property \"id\""),
}


def exact(text):
    return json.loads(text, parse_float=lambda s: ("num", s), parse_int=lambda s: ("num", s), parse_constant=lambda s: ("num", s))


def key_properties(path):
    keys = {}
    for line in open(path, encoding="utf-8"):
        if line.strip() and json.loads(line)["type"] == "SCHEMA":
            m = json.loads(line)
            keys[m["stream"]] = m.get("key_properties", m["schema"].get("key_properties", []))
    return keys


def expected(path):
    """Per stream: the records a target must hold, given append (no keys) or dedup by key (latest wins)."""
    keys, rows, states = {}, {}, []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        m = json.loads(line)
        if m["type"] == "SCHEMA":
            keys[m["stream"]] = m.get("key_properties", m["schema"].get("key_properties", []))
            rows.setdefault(m["stream"], [])
        elif m["type"] == "RECORD":
            rec = exact(line)["record"]
            ks = keys[m["stream"]]
            if ks:
                k = json.dumps([rec[x] for x in ks])
                lst = rows[m["stream"]]
                for i, (old_k, _) in enumerate(lst):
                    if old_k == k:
                        lst[i] = (k, rec)
                        break
                else:
                    lst.append((k, rec))
            else:
                rows[m["stream"]].append((None, rec))
        elif m["type"] == "STATE":
            states.append(m["value"])
    return {s: [r for _, r in v] for s, v in rows.items()}, states


def plain(v):
    """An exact() value as Python JSON (numbers back to their text as float/int), for comparing JSON text."""
    if isinstance(v, tuple) and v[0] == "num":
        return json.loads(v[1])
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def sqlite_cell_ok(decl, cell, v):
    """Whether dest_sqlite's cell of declared type `decl` holds input value `v` (an exact() value)."""
    if v is None:
        return cell is None
    num = v[1] if isinstance(v, tuple) and v[0] == "num" else None
    if decl == "INTEGER":
        return num is not None and cell == int(json.loads(num)) if num is not None else cell is None
    if decl == "NUMBER_TEXT":
        return cell == num if num is not None else cell is None
    if decl == "BOOLEAN":
        return cell == (1 if v else 0) if isinstance(v, bool) else cell is None
    if decl == "TEXT" and isinstance(v, str):
        return cell == v
    # JSON_TEXT, or a non-string in a TEXT column: the value's JSON text.
    return isinstance(cell, str) and json.loads(cell) == plain(v)


def check_sqlite(name, db_path, want, keys_of):
    import sqlite3
    con = sqlite3.connect(db_path)
    try:
        for stream, rows in want.items():
            table = stream if "__" not in stream else "__" + stream
            decl = {r[1]: r[2] for r in con.execute('PRAGMA table_info("%s")' % table.replace('"', '""'))}
            cols = list(decl)
            got = [dict(zip(cols, r)) for r in con.execute('SELECT * FROM "%s" ORDER BY rowid' % table.replace('"', '""'))]
            assert len(got) == len(rows), "%s: table %s has %d rows, expected %d" % (name, table, len(got), len(rows))
            keys = keys_of.get(stream) or []
            if keys:
                by_key = {json.dumps([plain(rec[k]) for k in keys]): rec for rec in rows}
                pairs = [(g, by_key.get(json.dumps([g[k] for k in keys]))) for g in got]
            else:
                pairs = list(zip(got, rows))
            for g, rec in pairs:
                assert rec is not None, "%s: table %s row %r matches no input record by key %s" % (name, table, g, keys)
                for field, v in rec.items():
                    assert field in decl, "%s: table %s has no column %r" % (name, table, field)
                    assert sqlite_cell_ok(decl[field], g[field], v), "%s: table %s column %s (%s) holds %r for input %r" % (
                        name, table, field, decl[field], g[field], v)
            print("ok: %s: %d rows match (columns %s)" % (stream, len(rows), ", ".join("%s %s" % kv for kv in decl.items() if not kv[0].startswith("_connhost_"))))
    finally:
        con.close()


def main(path, dest="dest_jsonl"):
    name = os.path.splitext(os.path.basename(path))[0]
    out = scratch_dir("connhost-singer-")
    cfg = os.path.join(out, "config.json")
    db_path = os.path.join(out, "singer.sqlite")
    json.dump({"path": db_path} if dest == "dest_sqlite" else {"destination_path": os.path.join(out, "data")}, open(cfg, "w"))
    with open(path, "rb") as stdin:
        r = subprocess.run([os.environ["CONNHOST"], "run", "--plugin", dest, "write", "--config", cfg],
                           stdin=stdin, capture_output=True, text=True, timeout=60)
    if name in REJECTED:
        where, why = REJECTED[name]
        assert r.returncode == 1, "%s must be rejected, got rc %d" % (name, r.returncode)
        assert where in r.stderr and why in r.stderr, "the error names the line and the cause: " + r.stderr
        assert r.stdout == "", "a Singer target prints nothing but states on stdout (no TRACE, no LOG): %r" % r.stdout
        print("ok: rejected:", r.stderr.strip())
        return
    assert r.returncode == 0, "%s must load: %s" % (name, r.stderr)
    want, want_states = expected(path)
    if dest == "dest_sqlite":
        check_sqlite(name, db_path, want, key_properties(path))
    for stream, rows in ({} if dest == "dest_sqlite" else want).items():
        got = [exact(l) for l in open(os.path.join(out, "data", stream + ".jsonl"), encoding="utf-8")]
        assert got == rows, "%s: stream %s differs:\n got  %s\n want %s" % (name, stream, got, rows)
        print("ok: %s: %d records match" % (stream, len(rows)))
    # What a Singer target prints (Meltano reads it): each acknowledged STATE's bare value, one JSON line each, and
    # nothing else on stdout (logs go to stderr).
    echoed = [json.loads(l) for l in r.stdout.splitlines()]
    assert echoed == want_states, "stdout is exactly the Singer STATE values, in order: %s" % r.stdout
    print("ok: %d state values printed in order, nothing else on stdout" % len(echoed))


if __name__ == "__main__":
    main(*sys.argv[1:])
