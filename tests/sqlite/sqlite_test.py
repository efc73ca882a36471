#!/usr/bin/env python3
"""dest_sqlite through the real `connhost run --plugin dest_sqlite write`; tables read back with sqlite3.

  sqlite_test.py file MESSAGES_TXT      one Airbyte destination-test file into a fresh database, every
                                        table compared cell by cell with the input; a file with a
                                        malformed line (users_with_generation_id line 4) must instead
                                        fail with exit 1 naming "stdin line N" and leave the previous
                                        rows of its overwrite stream untouched
  sqlite_test.py <case>                 one of the destination cases below
"""
import hashlib
import json
import os
import re
import sqlite3
import tempfile

from sqlite_lib import (AIRBYTE_DIR, CONNHOST, Failure, Num, Obj, Rec, Stream, catalog_streams, check, compare_table, configured,
                        describe, errors_in, exact, expected_records, lines_bytes, messages_of, read_table, record_line,
                        records_by_stream, run, run_write, state_line, sync_ok, table_name, table_names, write_json, main)
import dest_testlib  # noqa: E402
from dest_testlib import read_messages_file  # noqa: E402 (pg_lib / sqlite_lib put tests/lib on the path)


def snapshot(db_path):
    con = sqlite3.connect(db_path)
    try:
        out = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            out[name] = con.execute('SELECT * FROM "%s" ORDER BY rowid' % name.replace('"', '""')).fetchall()
        return out
    finally:
        con.close()


def case_file(path):
    data, bad, messages, cat_path, catalog = read_messages_file(path)
    streams = catalog_streams(catalog)
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        if bad is None:
            sync_ok(tmp, db, cat_path or catalog, data, messages)
            got = records_by_stream(messages)
            for key, s in streams.items():
                compare_table(db, s, expected_records(s, [], got.get(key, [])))
            check(set(table_names(db)) == {s.table() for s in streams.values()} | {"_connhost_columns"},
                  "tables %r, expected one per stream" % table_names(db))
            print("%s: %d records in %d tables, values equal" % (os.path.basename(path), sum(map(len, got.values())), len(streams)))
            return
        # A previous sync's rows, then the file with the malformed line.
        old = []
        for key, s in streams.items():
            old.append(record_line(s.name, {"id": 100, "name": "previous sync \u2028 kept"}, 1600000000000, s.ns))
            old.append(record_line(s.name, {"id": 101, "name": "two"}, 1600000000001, s.ns))
        old_msgs = messages_of(lines_bytes(old))
        sync_ok(tmp, db, cat_path or catalog, lines_bytes(old), old_msgs)
        before = snapshot(db)
        p, outputs = run_write(tmp, db, cat_path or catalog, data)
        check(p.returncode == 1, "exit code %d, expected 1: %s" % (p.returncode, describe(p)))
        errs = errors_in(outputs)
        check(len(errs) == 1 and "stdin line %d" % bad in errs[0], "expected one error naming stdin line %d, got %r" % (bad, errs))
        after = snapshot(db)
        old_recs = records_by_stream(old_msgs)
        new_recs = records_by_stream(messages)
        for key, s in streams.items():
            if s.mode == "overwrite":
                check(after.get(s.table()) == before.get(s.table()),
                      "table %r changed although its overwrite sync failed" % s.table())
            else:
                # Append keeps the old rows and at most the records before the bad line.
                _, rows, _ = read_table(db, s.table())
                check(rows[: len(before[s.table()])] == before[s.table()], "table %r lost rows" % s.table())
                check(len(rows) <= len(old_recs[key]) + len(new_recs.get(key, [])), "table %r gained too many rows" % s.table())
        check(sorted(after) == sorted(before), "tables after the failed sync %r, before %r" % (sorted(after), sorted(before)))
        print("%s: failed cleanly (%s); previous rows kept" % (os.path.basename(path), errs[0]))


# ---------------------------------------------------------------- destination cases

LAST_OUTPUTS = []


def _sync(tmp, db, streams, lines):
    data = lines_bytes(lines)
    msgs = messages_of(data)
    LAST_OUTPUTS[:] = sync_ok(tmp, db, configured(streams), data, msgs)
    return records_by_stream(msgs)


USERS_SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def case_overwrite_second_sync():
    """Overwrite replaces only its own stream; an append stream next to it keeps both syncs."""
    a = Stream(None, "a_over", USERS_SCHEMA, "overwrite", generation_id=7)
    b = Stream(None, "b_append", USERS_SCHEMA, "append")
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        first = _sync(tmp, db, [a, b], [record_line("a_over", {"id": i, "name": "first %d" % i}, 1000 + i) for i in range(3)] +
                      [record_line("b_append", {"id": i, "name": "b1"}, 2000 + i) for i in range(2)] + [state_line(1)])
        compare_table(db, a, first[(None, "a_over")])
        second = _sync(tmp, db, [a, b], [record_line("a_over", {"id": 9, "name": "second"}, 3000),
                                         record_line("b_append", {"id": 5, "name": "b2"}, 3001), state_line(2)])
        compare_table(db, a, second[(None, "a_over")])
        compare_table(db, b, first[(None, "b_append")] + second[(None, "b_append")])
        check(not [t for t in table_names(db) if t.startswith("_connhost_tmp_")], "staging tables left: %r" % table_names(db))


def case_overwrite_empty_and_interrupted():
    """A completed overwrite sync without records empties its table; an interrupted one keeps the old rows."""
    a = Stream(None, "a", USERS_SCHEMA, "overwrite")
    c = Stream(None, "c", USERS_SCHEMA, "overwrite")
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        first = _sync(tmp, db, [a, c], [record_line("a", {"id": 1, "name": "x"}, 1), record_line("c", {"id": 2, "name": "y"}, 2)])
        compare_table(db, c, first[(None, "c")])
        # Interrupted: a malformed line after records for both streams.
        before = snapshot(db)
        data = lines_bytes([record_line("a", {"id": 3, "name": "new"}, 3), state_line(1),
                            record_line("c", {"id": 4, "name": "new"}, 4), '{"type": "RECORD", "record": {'])
        p, outputs = run_write(tmp, db, configured([a, c]), data)
        check(p.returncode != 0, "a malformed line did not fail the sync: %s" % describe(p))
        check(any("stdin line 4" in e for e in errors_in(outputs)), "error does not name stdin line 4: %r" % errors_in(outputs))
        check(snapshot(db) == before, "an interrupted overwrite changed the database: %r" % snapshot(db))
        # Completed, but only `a` has records: `c` ends empty.
        second = _sync(tmp, db, [a, c], [record_line("a", {"id": 5, "name": "only a"}, 5), state_line(2)])
        compare_table(db, a, second[(None, "a")])
        compare_table(db, c, [])


def case_incremental_append():
    s = Stream(None, "events", {"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}},
               "append", cursor=["at"])
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        r1 = _sync(tmp, db, [s], [record_line("events", {"id": i, "at": "2024-01-0%dT00:00:00Z" % (i + 1)}, 10 + i) for i in range(3)] + [state_line(1)])
        r2 = _sync(tmp, db, [s], [record_line("events", {"id": 3, "at": "2024-01-04T00:00:00+02:00"}, 20), state_line(2),
                                  record_line("events", {"id": 2, "at": "2024-01-03T00:00:00Z"}, 21), state_line(3)])
        compare_table(db, s, r1[(None, "events")] + r2[(None, "events")])


def _dedup_check(s, syncs):
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        old = []
        for lines in syncs:
            got = _sync(tmp, db, [s], lines)
            old = expected_records(s, old, got.get((s.ns, s.name), []))
            compare_table(db, s, old, sort_rows=True)
        return old


def case_dedup_composite_key():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "region": {"type": "string"},
                                               "updated": {"type": "integer"}, "v": {"type": "string"}}}
    s = Stream(None, "accounts", schema, "append_dedup", primary_key=[["id"], ["region"]], cursor=["updated"])
    r = lambda i, reg, upd, v, t: record_line("accounts", {"id": i, "region": reg, "updated": upd, "v": v}, t)
    final = _dedup_check(s, [
        [r(1, "eu", 5, "1eu-a", 100), r(1, "us", 5, "1us-a", 101), r(1, "eu", 7, "1eu-b", 102),  # newer cursor wins
         r(1, "eu", 6, "1eu-older", 103),                                                          # older cursor loses
         r(2, "eu", None, "2eu-null", 104), r(2, "eu", 1, "2eu-1", 105),                           # null cursor loses
         state_line(1)],
        [r(1, "us", 5, "1us-tie-later", 200),                                                      # tie: later emitted_at wins
         r(2, "eu", None, "2eu-null-again", 201),                                                  # null loses to 1
         r(3, "eu", 10, "3eu", 202), r(3, "eu", 10, "3eu-tie", 202),                              # full tie: the later row wins
         state_line(2)],
    ])
    got = sorted(x.data.get("v") for x in final)
    check(got == ["1eu-b", "1us-tie-later", "2eu-1", "3eu-tie"], "dedup kept %r" % got)


def case_dedup_string_key():
    schema = {"type": "object", "properties": {"email": {"type": "string"}, "seen": {"type": "string", "format": "date-time"},
                                               "n": {"type": "number"}}}
    s = Stream(None, "people", schema, "append_dedup", primary_key=[["email"]], cursor=["seen"])
    r = lambda e, seen, n, t: record_line("people", {"email": e, "seen": seen, "n": n}, t)
    final = _dedup_check(s, [
        [r("a@x.org", "2024-01-01T00:00:00Z", 1, 1), r("B@x.org", "2024-01-01T00:00:00Z", 2, 2),
         r("b@x.org", "2024-01-01T00:00:00Z", 3, 3),  # a different key: strings compare exactly
         r("a@x.org", "2024-02-01T00:00:00Z", 4, 4), r("a@x.org", "2023-01-01T00:00:00Z", 5, 5)],
        [r("B@x.org", "2024-03-01T00:00:00Z", 6.50, 6), r("ö \"quoted\"@x.org", None, 7, 7)],
    ])
    got = sorted(x.data.get("n").text for x in final)
    check(got == ["3", "4", "6.5", "7"], "dedup kept %r" % got)
    # No cursor: the latest emitted_at wins.
    s2 = Stream(None, "nocursor", schema, "append_dedup", primary_key=[["email"]])
    r2 = lambda e, n, t: record_line("nocursor", {"email": e, "n": n}, t)
    final = _dedup_check(s2, [[r2("a", 1, 5), r2("a", 2, 6)], [r2("a", 3, 7), r2("b", 4, 1)]])
    check(sorted(x.data.get("n").text for x in final) == ["3", "4"], "no-cursor dedup kept the wrong rows")


def case_new_field_mid_stream():
    s = Stream(None, "users", USERS_SCHEMA, "append")
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        got = _sync(tmp, db, [s], [
            record_line("users", {"id": 1, "name": "a"}, 1),
            record_line("users", {"id": 2, "name": "b", "extra": {"x": 1.50, "y": [1, "two", None]}}, 2),
            state_line(1),
            record_line("users", {"id": 3, "score": 12, "extra": "text now"}, 3),
            record_line("users", {"id": 4, "name": "d", "flag": True}, 4)])
        compare_table(db, s, got[(None, "users")])
        cols, _, _ = read_table(db, "users")
        check(cols[5:] == ["id", "name", "extra", "score", "flag"], "columns %r" % cols)
        # The next sync finds the added columns again (no duplicates, same kinds).
        got2 = _sync(tmp, db, [s], [record_line("users", {"id": 5, "extra": [1], "score": 1e3}, 5)])
        compare_table(db, s, got[(None, "users")] + got2[(None, "users")])
        check(read_table(db, "users")[0] == cols, "columns changed on the second sync")


def case_large_record():
    big = "x\u2028y\n" * (10 * 1024 * 1024 // 5)
    s = Stream(None, "blobs", {"type": "object", "properties": {"id": {"type": "integer"}, "body": {"type": "string"}}})
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        lines = [record_line("blobs", {"id": 1, "body": big, "nested": {"list": [big[:1000]] * 100}}, 1),
                 record_line("blobs", {"id": 2, "body": "small"}, 2), state_line(1)]
        check(len(lines[0]) > 10 * 1024 * 1024, "the large record is not over 10 MB")
        got = _sync(tmp, db, [s], lines)
        compare_table(db, s, got[(None, "blobs")])
        con = sqlite3.connect(db)
        (body,) = con.execute("SELECT body FROM blobs WHERE id = 1").fetchone()
        con.close()
        check(hashlib.sha256(body.encode()).digest() == hashlib.sha256(big.encode()).digest(), "the 10 MB value changed")


def case_typecast_nulled():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "ok": {"type": "boolean"}, "amount": {"type": "number"},
                                               "name": {"type": "string"}}}
    s = Stream(None, "users", schema, "append")
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        got = _sync(tmp, db, [s], [
            record_line("users", {"id": "two", "ok": "yes", "amount": "12.5", "name": 42}, 1),
            record_line("users", {"id": 1.5, "ok": 1, "amount": {"a": 1}, "name": {"k": [True]}}, 2,
                        meta={"changes": [{"field": "name", "change": "TRUNCATED", "reason": "SOURCE_FIELD_SIZE_LIMITATION"}], "x": 1}),
            '{"type":"RECORD","record":{"stream":"users","emitted_at":3,"data":{"id":99999999999999999999,"ok":true,"amount":-0}}}',
            '{"type":"RECORD","record":{"stream":"users","emitted_at":4,"data":{"id":1e2,"ok":false,"amount":1E-7}}}',
            '{"type":"RECORD","record":{"stream":"users","emitted_at":5,"data":{"id":-9223372036854775808,"amount":1e999}}}',
            '{"type":"RECORD","record":{"stream":"users","emitted_at":6,"data":{"id":9223372036854775808}}}',
            state_line(1)])
        compare_table(db, s, got[(None, "users")])
        _, rows, _ = read_table(db, "users")
        meta = json.loads(rows[0][3])
        check({"field": "id", "change": "NULLED", "reason": "DESTINATION_TYPECAST_ERROR"} in meta["changes"],
              "change for \"two\" not recorded: %r" % meta)
        check(rows[0][5] is None and rows[2][5] is None and rows[3][5] == 100, "integer cells %r" % [r[5] for r in rows])
        changed = sum(1 for r in rows for c in json.loads(r[3])["changes"] if c["reason"].startswith("DESTINATION_"))
        warned = [m["log"]["message"] for m in LAST_OUTPUTS if m.get("type") == "LOG" and m["log"].get("level") == "WARN"
                  and "changed to fit their columns" in m["log"]["message"]]
        check(changed > 0 and len(warned) == 1 and ("stream users: %d values changed" % changed) in warned[0],
              "one warning counts the %d changed values: %r" % (changed, warned))
        done = [m["log"]["message"] for m in LAST_OUTPUTS if m.get("type") == "LOG" and "write done" in m["log"]["message"]]
        check(len(done) == 1 and ("%d values changed" % changed) in done[0],
              "the host's last line counts the %d changed values (connhost.value_changes/1): %r" % (changed, done))


def case_numbers_exact():
    digits500 = "9" * 250 + "1" * 250
    schema = {"type": "object", "properties": {"n": {"type": "number"}, "i": {"type": ["null", "integer"]}, "s": {"type": "string"}, "j": {}}}
    s = Stream(None, "numbers", schema)
    literals = ["56.78", "0", "-0", "1.50", "-12345.678", "1e500", "1E-7", "0.1000000000000000055511151231257827",
                digits500, "-" + digits500 + ".000", "123456789012345678901234567890.5e-3"]
    lines = ['{"type":"RECORD","record":{"stream":"numbers","emitted_at":%d,"data":{"n":%s,"s":%s,"j":{"deep":[%s]},"i":%s}}}'
             % (k + 1, lit, lit, lit, lit if k in (1, 2) else "7") for k, lit in enumerate(literals)]
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        got = _sync(tmp, db, [s], lines + [state_line(1)])
        compare_table(db, s, got[(None, "numbers")])
        con = sqlite3.connect(db)
        rows = con.execute("SELECT n, typeof(n), s, j, typeof(i) FROM numbers ORDER BY rowid").fetchall()
        con.close()
        for lit, (n, tn, st, j, ti) in zip(literals, rows):
            check(n == lit and tn == "text", "number %s stored as %r (%s)" % (lit[:40], n[:40] if n else n, tn))
            check(st == lit, "number %s in a string column stored as %r" % (lit[:40], st[:40]))
            check(j == '{"deep":[%s]}' % lit, "number %s in a JSON column stored as %r" % (lit[:40], j[:80]))
        check([r[4] for r in rows] == ["integer"] * len(rows), "integer column storage classes %r" % [r[4] for r in rows])


def case_namespaces():
    with open(os.path.join(AIRBYTE_DIR, "namespace_test_cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    namespaces = [c["namespace"] for c in cases] + ["ns_", "ns__x", "a", "a__b", "a_", "50%", "50%25", "", None]
    pairs = [(ns, "users") for ns in namespaces] + [("a", "b__c"), ("a__b", "c"), (None, "a__b__c"), ("a_", "_b"),
                                                    ("a", "_b"), (None, "__x"), ("x", "y")]
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "ns": {"type": ["null", "string"]}}}
    streams = [Stream(ns, name, schema) for ns, name in pairs if ns != ""]
    tables = [s.table() for s in streams]
    check(len(set(t.lower() for t in tables)) == len(tables), "the rule maps two pairs to one table: %r" % tables)
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        lines = [record_line(s.name, {"id": i, "ns": s.ns}, 100 + i, s.ns) for i, s in enumerate(streams)]
        got = _sync(tmp, db, streams, lines + [state_line(1)])
        for s in streams:
            compare_table(db, s, got[(s.ns, s.name)])
        check(set(table_names(db)) == set(tables) | {"_connhost_columns"}, "tables %r" % table_names(db))
        check(table_name("dest_1001_namespace", "users") in table_names(db), "plain namespace prefix missing")
        # Two streams whose tables differ only in ASCII case are refused with a clear error.
        p, outputs = run_write(tmp, db, configured([Stream(None, "Users", schema), Stream(None, "users", schema)]), b"")
        check(p.returncode != 0 and any("same SQLite table" in e for e in errors_in(outputs)),
              "a case collision was not refused clearly: %s" % describe(p))
        # The same across syncs: "Users" was synced before, so "users" must not land in its table.
        db = os.path.join(tmp, "case_twins.sqlite")
        users = Stream(None, "Users", schema)
        _sync(tmp, db, [users], [record_line("Users", {"id": 1}, 1000), state_line(1)])
        before = read_table(db, "Users")[1]
        p, outputs = run_write(tmp, db, configured([Stream(None, "users", schema)]),
                               lines_bytes([record_line("users", {"id": 2}, 2000), state_line(2)]))
        check(p.returncode != 0 and any('already has table "Users"' in e and "rename the stream" in e for e in errors_in(outputs)),
              "a stream whose table differs from an existing one only in case is refused: %s" % describe(p))
        check(read_table(db, "Users")[1] == before, "the other stream's table is untouched")


def case_identifiers():
    """Any stream or field name works: spaces, quotes, unicode, reserved words, names differing only in case."""
    schema = {"type": "object", "properties": {"order": {"type": "string"}, "a \"b\" c": {"type": "integer"},
                                               "ünï 流": {"type": "boolean"}, "ID": {"type": "integer"}}}
    names = ['select', 'my "quoted" stream', "naïve 流 ☃", "table; DROP TABLE x; --", "group"]
    streams = [Stream(None, n, schema) for n in names]
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        lines = []
        for k, s in enumerate(streams):
            lines.append(record_line(s.name, {"order": "asc", "a \"b\" c": k, "ünï 流": True, "ID": 1, "id": "lower",
                                              "_connhost_meta": "a field", "": "empty name", "where": [1]}, k + 1))
            lines.append(record_line(s.name, {"Id": 5, "iD": {"x": None}, "order": "desc\r\n\u2028\u0000end"}, 10 + k))
        got = _sync(tmp, db, streams, lines + [state_line(1)])
        for s in streams:
            compare_table(db, s, got[(None, s.name)])
        _, _, renamed = read_table(db, "select")
        check(set(renamed) == {"id", "_connhost_meta", "Id", "iD"}, "renamed columns %r" % renamed)
        # A second sync finds every renamed column again.
        got2 = _sync(tmp, db, streams[:1], [record_line("select", {"id": "again", "ID": 2}, 99)])
        compare_table(db, streams[0], got[(None, "select")] + got2[(None, "select")])


def case_wide_stream():
    """A new table of a 1990-field stream is created in one statement: its columns were added one ALTER TABLE at a
    time, each re-reading the whole table definition (9 s to open here). The values still land in their columns, and
    a stream with more fields than SQLite's 2000 columns fails as a config error that says what to do."""
    fields = ["f%d" % i for i in range(1990)] + ["F0"]  # F0 folds onto f0: column F0_2
    schema = {"type": "object", "properties": {f: {"type": "integer"} for f in fields}}
    wide = Stream(None, "wide", schema)
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        got = _sync(tmp, db, [wide], [record_line("wide", {f: i for i, f in enumerate(fields)}, 1), state_line(1)])
        compare_table(db, wide, got[(None, "wide")])
        changes = _select(db, "PRAGMA schema_version")[0][0]
        check(changes < 20, "the schema changed %d times for a new table of %d fields, not once per column" %
              (changes, len(fields)))
        check(_select(db, 'SELECT "F0_2", "f1989" FROM "wide"') == [[1990, 1989]], "the columns hold their fields")
        too_wide = Stream(None, "too_wide", {"type": "object",
                                             "properties": {"g%d" % i: {"type": "integer"} for i in range(2100)}})
        p, outputs = run_write(tmp, db, configured([too_wide]),
                               lines_bytes([record_line("too_wide", {"g0": 0, "g1": 1}, 2), state_line(2)]))
        err = [m["trace"]["error"] for m in outputs if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]
        check(p.returncode != 0 and err and err[0]["failure_type"] == "config_error" and "2100 fields" in err[0]["message"]
              and "deselect fields in the catalog" in err[0]["message"],
              "a schema over SQLite's column limit is a config error saying what to do: %s" % describe(p))


def case_check_config():
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        def status(path):
            cfg = write_json(os.path.join(tmp, "c.json"), {"path": path})
            p = run(["run", "--plugin", "dest_sqlite", "check", "--config", cfg])
            st = [json.loads(l)["connectionStatus"] for l in p.stdout.decode().splitlines()
                  if json.loads(l).get("type") == "CONNECTION_STATUS"]
            check(len(st) == 1, "no CONNECTION_STATUS: %s" % describe(p))
            return st[0]
        ok = status(os.path.join(tmp, "sub", "new.sqlite"))
        check(ok["status"] == "SUCCEEDED", "check of a new file failed: %r" % ok)
        check(os.path.exists(os.path.join(tmp, "sub", "new.sqlite")), "check did not create the file")
        bad = status(tmp)  # a directory
        check(bad["status"] == "FAILED" and tmp in bad.get("message", ""), "check of a directory: %r" % bad)
        junk = os.path.join(tmp, "junk.sqlite")
        with open(junk, "wb") as f:
            f.write(b"this is not a database, just text" * 100)
        bad = status(junk)
        check(bad["status"] == "FAILED" and "not" in bad.get("message", "") and junk in bad["message"], "check of a non-database: %r" % bad)


def case_read_back():
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        dest_testlib.case_read_back(CONNHOST, "dest_sqlite", tmp, {"path": os.path.join(tmp, "dest.sqlite")}, Stream)


# ---------------------------------------------------------------- widening and generations

def _select(db, sql):
    con = sqlite3.connect(db)
    try:
        return [list(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def _declared(db, table):
    return {name: decl for name, decl in _select(db, 'SELECT name, type FROM pragma_table_info(\'%s\')' % table)}


def _write_logged(tmp, db, lines, catalog=None):
    """A successful `run write` (no --catalog: Singer input); returns every log text it printed."""
    config = write_json(os.path.join(tmp, "config.json"), {"path": db})
    args = ["run", "--plugin", "dest_sqlite", "write", "--config", config]
    if catalog is not None:
        args += ["--catalog", write_json(os.path.join(tmp, "catalog.json"), catalog)]
    p = run(args, lines_bytes(lines))
    outputs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines() if line.startswith("{")]
    check(p.returncode == 0 and not errors_in(outputs), "write failed: %s" % describe(p))
    logs = [m["log"]["message"] for m in outputs if m.get("type") == "LOG"]
    return "\n".join(logs) + "\n" + p.stderr.decode("utf-8", "replace")


def case_widen_column():
    """A later catalog with a wider property type rebuilds the table with the wider declared types and keeps every
    stored value (INTEGER -> NUMBER_TEXT -> TEXT, BOOLEAN -> TEXT), saying so; the dedup key index survives; a type it
    cannot widen to (INTEGER -> boolean), or a rebuild SQLite refuses (a view names the table), keeps the column,
    warns and records each NULLed value in _connhost_meta."""
    v1 = {"type": "object", "properties": {"id": {"type": "integer"}, "amount": {"type": "integer"}, "flag": {"type": "boolean"},
                                           "code": {"type": "integer"}, "score": {"type": "integer"}}}
    v2 = json.loads(json.dumps(v1))
    v2["properties"].update({"amount": {"type": "number"}, "flag": {"type": "string"}, "code": {"type": ["null", "string"]},
                             "score": {"type": "boolean"}})
    v3 = json.loads(json.dumps(v2))
    v3["properties"]["amount"] = {"type": "string"}
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        w = lambda schema: Stream(None, "w", schema, "append_dedup", primary_key=[["id"]])
        _sync(tmp, db, [w(v1)], [record_line("w", {"id": 1, "amount": 5, "flag": True, "code": 42, "score": 7}, 1000),
                                 record_line("w", {"id": 2, "amount": -3, "flag": False, "code": 0, "score": 1}, 1001), state_line(1)])
        log = _write_logged(tmp, db, [record_line("w", {"id": 2, "amount": 1.25, "flag": "maybe", "code": "A-1", "score": True}, 2000),
                                      state_line(2)], configured([w(v2)]))
        decl = _declared(db, "w")
        want = {"amount": "NUMBER_TEXT", "flag": "TEXT", "code": "TEXT", "score": "INTEGER"}
        check(all(decl[c] == t for c, t in want.items()), "declared types %r, expected %r" % (decl, want))
        got = _select(db, "SELECT id, amount, typeof(amount), flag, code, score, json_extract(_connhost_meta, '$.changes') FROM w ORDER BY id")
        check(got == [[1, "5", "text", "true", "42", 7, "[]"],
                      [2, "1.25", "text", "maybe", "A-1", None,
                       '[{"field":"score","change":"NULLED","reason":"DESTINATION_TYPECAST_ERROR"}]']], "rows %r" % got)
        check(_select(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'w'") == [["_connhost_pk__w"]],
              "the key index is gone after widening")
        for col in ("amount", "flag", "code"):
            check(re.search(r'widened column "%s" of table "w" to \w+, keeping its values' % col, log),
                  "no log says column %s was widened:\n%s" % (col, log[-3000:]))
        check(re.search(r'field "score" is boolean in the catalog, but its column "score" of table "w" is INTEGER', log),
              "no warning about the score column that cannot widen:\n%s" % log[-3000:])
        _sync(tmp, db, [w(v3)], [record_line("w", {"id": 1, "amount": "lots"}, 3000), state_line(3)])
        got = _select(db, "SELECT id, amount FROM w ORDER BY id")
        check(got == [[1, "lots"], [2, "1.25"]] and _declared(db, "w")["amount"] == "TEXT", "after NUMBER_TEXT -> TEXT: %r" % got)
        lk = lambda t: Stream(None, "lk", {"type": "object", "properties": {"id": {"type": "integer"}, "v": {"type": t}}})
        _sync(tmp, db, [lk("integer")], [record_line("lk", {"id": 1, "v": 5}, 1), state_line(1)])
        _select(db, "CREATE VIEW lk_view AS SELECT v FROM lk")
        log = _write_logged(tmp, db, [record_line("lk", {"id": 2, "v": 2.5}, 2), state_line(2)], configured([lk("number")]))
        got = _select(db, "SELECT id, v, json_extract(_connhost_meta, '$.changes') FROM lk ORDER BY id")
        check(got == [[1, 5, "[]"], [2, None, '[{"field":"v","change":"NULLED","reason":"DESTINATION_TYPECAST_ERROR"}]']],
              "a table a view names: %r" % got)
        check('could not be widened to NUMBER_TEXT' in log, "no warning that the view blocked the widening:\n%s" % log[-3000:])


def case_widen_singer():
    """Singer input: a SCHEMA with a wider type, mid-stream or on a later run, widens the existing column; values kept."""
    schema = lambda t: json.dumps({"type": "SCHEMA", "stream": "s", "key_properties": [],
                                   "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "v": {"type": t}}}})
    rec = lambda i, v: json.dumps({"type": "RECORD", "stream": "s", "record": {"id": i, "v": v}})
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        _write_logged(tmp, db, [schema("integer"), rec(1, 5), json.dumps({"type": "STATE", "value": {"n": 1}})])
        check(_declared(db, "s")["v"] == "INTEGER", "first run: %r" % _declared(db, "s"))
        log = _write_logged(tmp, db, [schema("integer"), rec(2, 6), schema("number"), rec(3, 0.125), schema("string"), rec(4, "x"),
                                      json.dumps({"type": "STATE", "value": {"n": 2}})])
        got = _select(db, "SELECT id, v FROM s ORDER BY id")
        check(got == [[1, "5"], [2, "6"], [3, "0.125"], [4, "x"]] and _declared(db, "s")["v"] == "TEXT",
              "after the SCHEMA changes: %r %r" % (got, _declared(db, "s")))
        check('widened column "v"' in log, "no log of the widening:\n%s" % log[-3000:])


def case_generations():
    """minimum_generation_id: the rows of older generations go when the stream completes, never before (an unfinished
    sync keeps them); generation_id and sync_id are stored; a table without _connhost_sync_id (older version) gets it."""
    gen = lambda g, m, sync, mode="append", pk=(): Stream(None, "g", USERS_SCHEMA, mode, primary_key=pk, generation_id=g,
                                                          minimum_generation_id=m, sync_id=sync)
    rows = lambda: _select(db, "SELECT id, name, _connhost_generation_id, _connhost_sync_id FROM g ORDER BY id")
    with tempfile.TemporaryDirectory(prefix="sqlite-") as tmp:
        db = os.path.join(tmp, "dest.sqlite")
        _sync(tmp, db, [gen(1, 0, 11)], [record_line("g", {"id": i, "name": "gen1"}, 100 + i) for i in range(3)] + [state_line(1)])
        _select(db, 'ALTER TABLE g DROP COLUMN "_connhost_sync_id"')  # as the previous version wrote it
        p, outputs = run_write(tmp, db, configured([gen(2, 2, 12)]),
                               lines_bytes([record_line("g", {"id": 7, "name": "gen2"}, 200), state_line(2), '{"type": "RECORD", "rec']))
        check(p.returncode != 0, "a malformed line did not fail the write: %s" % describe(p))
        check(rows() == [[0, "gen1", 1, None], [1, "gen1", 1, None], [2, "gen1", 1, None], [7, "gen2", 2, 12]],
              "after an unfinished truncate refresh: %r" % rows())
        log = _write_logged(tmp, db, [record_line("g", {"id": 8, "name": "gen2"}, 300), state_line(3)], configured([gen(2, 2, 13)]))
        check(rows() == [[7, "gen2", 2, 12], [8, "gen2", 2, 13]], "after the finished truncate refresh: %r" % rows())
        check("deleted 3 row(s) of generations below 2" in log, "no log of the deleted rows:\n%s" % log[-3000:])
        done = json.dumps({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 1, "stream_status": {
            "stream_descriptor": {"name": "g"}, "status": "COMPLETE"}}})
        _sync(tmp, db, [gen(3, 3, 14, "append_dedup", [["id"]])],
              [record_line("g", {"id": 8, "name": "gen3"}, 400), state_line(4), done, state_line(5)])
        check(rows() == [[8, "gen3", 3, 14]], "after the append_dedup refresh: %r" % rows())
        _sync(tmp, db, [gen(4, 0, 15)], [record_line("g", {"id": 9, "name": "gen4"}, 500), state_line(6)])
        check(len(rows()) == 2, "minimum_generation_id 0 deleted rows: %r" % rows())


if __name__ == "__main__":
    main({"read_back": case_read_back, "file": case_file, "overwrite_second_sync": case_overwrite_second_sync,
          "overwrite_empty_and_interrupted": case_overwrite_empty_and_interrupted, "incremental_append": case_incremental_append,
          "dedup_composite_key": case_dedup_composite_key, "dedup_string_key": case_dedup_string_key,
          "new_field_mid_stream": case_new_field_mid_stream, "large_record": case_large_record,
          "typecast_nulled": case_typecast_nulled, "numbers_exact": case_numbers_exact, "namespaces": case_namespaces,
          "identifiers": case_identifiers, "check_config": case_check_config, "widen_column": case_widen_column,
          "widen_singer": case_widen_singer, "generations": case_generations, "wide_stream": case_wide_stream})
