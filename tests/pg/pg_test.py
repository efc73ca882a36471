#!/usr/bin/env python3
"""dest_pg through the real `connhost` binary against a real PostgreSQL (the pg_server fixture);
tables read back with psql and compared value by value with the input.

  pg_test.py file MESSAGES_TXT   one Airbyte destination-test file into a fresh database, every table
                                 compared cell by cell; a file with a malformed line (users_with_generation_id
                                 line 4) must fail with exit 1 naming "stdin line N" and leave the previous
                                 rows of its overwrite stream untouched
  pg_test.py <case>              one of the destination cases below
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from pg_lib import (AIRBYTE_DIR, CONNHOST, Db, db_name, Failure, free_port, hashed_identifier, Num, Obj, Rec, Stream, catalog_streams, check,
                    compare_table, configured, describe, drop_database, errors_in, exact, expected_records, fresh_database, identifier, lines_bytes, main, messages_of,
                    parse_output, psql, psql_json, qi, read_table, record_line, records_by_stream, run, run_write, server, state_line,
                    sync_ok, SURROGATE, table_columns, tables_in, write_json)
import dest_testlib  # noqa: E402
from dest_testlib import read_messages_file  # noqa: E402 (pg_lib / sqlite_lib put tests/lib on the path)

HERE = os.path.dirname(os.path.abspath(__file__))


def snapshot(db):
    return {t: read_table(db, *t) for t in tables_in(db)}


def case_file(path):
    data, bad, messages, cat_path, catalog = read_messages_file(path)
    streams = catalog_streams(catalog)
    db = db_name("file_" + os.path.basename(path).split(".")[0])
    config = fresh_database(db)
    with tempfile.TemporaryDirectory(prefix="pg-") as tmp:
        if bad is None:
            sync_ok(tmp, config, cat_path or catalog, data, messages)
            got = records_by_stream(messages)
            for key, s in streams.items():
                compare_table(db, s, expected_records(s, [], got.get(key, [])))
            want_tables = sorted(set(s.where() for s in streams.values()))
            check(tables_in(db) == want_tables, "tables %r, expected one per stream %r" % (tables_in(db), want_tables))
            print("%s: %d records in %d tables, values equal" % (os.path.basename(path), sum(map(len, got.values())), len(streams)))
        else:
            old = []
            for key, s in streams.items():
                old.append(record_line(s.name, {"id": 100, "name": "previous sync \u2028 kept"}, 1600000000000, s.ns))
                old.append(record_line(s.name, {"id": 101, "name": "two"}, 1600000000001, s.ns))
            sync_ok(tmp, config, cat_path or catalog, lines_bytes(old), messages_of(lines_bytes(old)))
            before = snapshot(db)
            p, outputs = run_write(tmp, config, cat_path or catalog, data)
            check(p.returncode == 1, "exit code %d, expected 1: %s" % (p.returncode, describe(p)))
            errs = errors_in(outputs)
            check(len(errs) == 1 and "stdin line %d" % bad in errs[0], "expected one error naming stdin line %d, got %r" % (bad, errs))
            after = snapshot(db)
            for key, s in streams.items():
                if s.mode == "overwrite":
                    check(after.get(s.where()) == before.get(s.where()), "table %r changed although its overwrite sync failed" % (s.where(),))
            check(sorted(after) == sorted(before), "tables after the failed sync %r, before %r" % (sorted(after), sorted(before)))
            print("%s: failed cleanly (%s); previous rows kept" % (os.path.basename(path), errs[0]))
    drop_database(db)


# ---------------------------------------------------------------- destination cases

USERS = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def case_overwrite_second_sync():
    """Overwrite replaces only its own stream; an append stream next to it keeps both syncs; no staging left."""
    a = Stream(None, "a_over", USERS, "overwrite", generation_id=7)
    b = Stream(None, "b_append", USERS, "append")
    with Db("overwrite_second_sync") as d:
        first = d.sync([a, b], [record_line("a_over", {"id": i, "name": "first %d" % i}, 1000 + i) for i in range(3)] +
                       [record_line("b_append", {"id": i, "name": "b1"}, 2000 + i) for i in range(2)] + [state_line(1)])
        compare_table(d.name, a, first[(None, "a_over")])
        second = d.sync([a, b], [record_line("a_over", {"id": 9, "name": "second"}, 3000),
                                 record_line("b_append", {"id": 5, "name": "b2"}, 3001), state_line(2)])
        compare_table(d.name, a, second[(None, "a_over")])
        compare_table(d.name, b, first[(None, "b_append")] + second[(None, "b_append")])
        check(tables_in(d.name) == [("public", "a_over"), ("public", "b_append")], "tables left: %r" % tables_in(d.name))
        # An overwrite sync interrupted by a malformed line keeps the previous rows.
        before = snapshot(d.name)
        p, outputs = run_write(d.tmp, d.config, configured([a, b]),
                               lines_bytes([record_line("a_over", {"id": 10, "name": "x"}, 4000), state_line(3), '{"type": "RECORD", "rec']))
        check(p.returncode != 0 and any("stdin line 3" in e for e in errors_in(outputs)), "malformed line not reported: %s" % describe(p))
        check(snapshot(d.name) == before, "an interrupted overwrite changed the tables")


def case_incremental_append():
    s = Stream(None, "events", {"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}},
               "append", cursor=["at"])
    with Db("incremental_append") as d:
        r1 = d.sync([s], [record_line("events", {"id": i, "at": "2024-01-0%dT00:00:00Z" % (i + 1)}, 10 + i) for i in range(3)] + [state_line(1)])
        r2 = d.sync([s], [record_line("events", {"id": 3, "at": "2024-01-04T00:00:00+02:00"}, 20), state_line(2),
                          record_line("events", {"id": 2, "at": "2024-01-03T00:00:00.123456Z"}, 21), state_line(3)])
        compare_table(d.name, s, r1[(None, "events")] + r2[(None, "events")])


def _dedup(tag, s, syncs):
    with Db(tag) as d:
        old = []
        for lines in syncs:
            got = d.sync([s], lines)
            old = expected_records(s, old, got.get((s.ns, s.name), []))
            compare_table(d.name, s, old, sort_rows=True)
        return old


def case_dedup_composite_key():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "region": {"type": "string"},
                                               "updated": {"type": "integer"}, "v": {"type": "string"}}}
    s = Stream(None, "accounts", schema, "append_dedup", primary_key=[["id"], ["region"]], cursor=["updated"])
    r = lambda i, reg, upd, v, t: record_line("accounts", {"id": i, "region": reg, "updated": upd, "v": v}, t)
    final = _dedup("dedup_composite_key", s, [
        [r(1, "eu", 5, "1eu-a", 100), r(1, "us", 5, "1us-a", 101), r(1, "eu", 7, "1eu-b", 102),
         r(1, "eu", 6, "1eu-older", 103), r(2, "eu", None, "2eu-null", 104), r(2, "eu", 1, "2eu-1", 105), state_line(1)],
        [r(1, "us", 5, "1us-tie-later", 200), r(2, "eu", None, "2eu-null-again", 201),
         r(3, "eu", 10, "3eu", 202), r(3, "eu", 10, "3eu-tie", 202), r(1, "eu", 3, "1eu-stale", 203), state_line(2)],
    ])
    got = sorted(x.data.get("v") for x in final)
    check(got == ["1eu-b", "1us-tie-later", "2eu-1", "3eu-tie"], "dedup kept %r" % got)


def case_dedup_string_key():
    schema = {"type": "object", "properties": {"email": {"type": "string"}, "seen": {"type": "string", "format": "date-time"},
                                               "n": {"type": "number"}}}
    s = Stream(None, "people", schema, "append_dedup", primary_key=[["email"]], cursor=["seen"])
    r = lambda e, seen, n, t: record_line("people", {"email": e, "seen": seen, "n": Num(n) if False else n}, t)
    final = _dedup("dedup_string_key", s, [
        [r("a@x", "2024-01-01T00:00:00Z", 1, 1), r("A@x", "2024-01-02T00:00:00Z", 2, 2), r("a@x", "2024-01-03T00:00:00Z", 3, 3),
         r("b\u00e9@x", "2024-01-01T00:00:00Z", 4, 4), state_line(1)],
        [r("a@x", "2024-01-02T00:00:00Z", 5, 5), r("b\u00e9@x", "2024-01-01T00:00:00Z", 6, 6), state_line(2)],
    ])
    check(sorted(str(x.data.get("n").text) for x in final) == ["2", "3", "6"], "dedup kept %r" % [x.data for x in final])


def case_namespaces():
    """Namespace -> schema (created if missing); one stream name in two namespaces; Airbyte's namespace cases."""
    with open(os.path.join(AIRBYTE_DIR, "namespace_test_cases.json"), encoding="utf-8") as f:
        cases = [c for c in json.load(f) if c.get("enabled")]
    streams = [Stream("ns_one", "same_name", USERS), Stream("ns_two", "same_name", USERS), Stream(None, "same_name", USERS)]
    streams += [Stream(c["namespace"], "stream_" + c["id"].replace("-", "_"), USERS) for c in cases]
    with Db("namespaces") as d:
        lines = []
        for i, s in enumerate(streams):
            lines.append(record_line(s.name, {"id": i, "name": "in %s" % s.ns}, 5000 + i, s.ns))
        lines.append(state_line(1))
        got = d.sync(streams, lines)
        for s in streams:
            compare_table(d.name, s, got[(s.ns, s.name)])
        check(len(tables_in(d.name)) == len(streams), "tables %r" % tables_in(d.name))
        # A default schema from the config for streams without a namespace.
        cfg = dict(d.config, schema="other_default")
        s = Stream(None, "plain", USERS)
        got2 = d.sync([s], [record_line("plain", {"id": 1, "name": "x"}, 1)], config=cfg)
        compare_table(d.name, s, got2[(None, "plain")], default_schema="other_default")


SPECIAL = ["line\nbreak", "cr\r\nlf", "tab\there", "back\\slash\\N", "\\.", "quote\"double", "quote'single", "\u2028sep\u2029",
           "emoji \U0001F600", "null-ish \\N", "", " ", "comma,semi;", "\b\f\x01\x1f", "日本語", "a" * 70000]


def case_special_chars():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "s": {"type": "string"}, "j": {"type": "object"}}}
    s = Stream(None, "special", schema)
    with Db("special_chars") as d:
        got = d.sync([s], [record_line("special", {"id": i, "s": v, "j": {"k": v, v[:10] or "e": [v]}}, 100 + i)
                           for i, v in enumerate(SPECIAL)] + [state_line(1)])
        compare_table(d.name, s, got[(None, "special")])


def case_large_record():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "blob": {"type": "string"}, "obj": {"type": "object"}}}
    s = Stream(None, "large", schema)
    big = "".join(chr(0x41 + i % 26) if i % 1000 else "\n" for i in range(10 * 1024 * 1024))
    with Db("large_record") as d:
        got = d.sync([s], [record_line("large", {"id": 1, "blob": big, "obj": {"inner": big[:3000000]}}, 1),
                           record_line("large", {"id": 2, "blob": "small"}, 2), state_line(1)])
        compare_table(d.name, s, got[(None, "large")])


def case_new_column_mid_stream():
    s = Stream(None, "evolving", USERS, "append")
    with Db("new_column_mid_stream") as d:
        lines = [record_line("evolving", {"id": i, "name": "n%d" % i}, 1 + i) for i in range(50)]
        lines += [record_line("evolving", {"id": 50, "name": "x", "added": {"deep": [1, 2.50]}, "flag": True}, 50), state_line(1)]
        lines += [record_line("evolving", {"flag": "text now", "id": 51}, 51), state_line(2)]
        got = d.sync([s], lines)
        compare_table(d.name, s, got[(None, "evolving")], kinds={"added": "json", "flag": "json"})
        # The next sync's schema names the new field: its existing column keeps its type.
        s2 = Stream(None, "evolving", {"type": "object", "properties": dict(USERS["properties"], extra={"type": "integer"})})
        got2 = d.sync([s2], [record_line("evolving", {"id": 52, "extra": 5}, 52)])
        compare_table(d.name, s2, got[(None, "evolving")] + got2[(None, "evolving")], kinds={"added": "json", "flag": "json"})


def case_nul_characters():
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "s": {"type": "string"}, "j": {"type": "object"},
                                               "u": {}}}
    s = Stream(None, "nul", schema)
    with Db("nul_characters") as d:
        lines = [record_line("nul", {"id": 1, "s": "a\u0000b", "j": {"k\u0000": "v\u0000", "n": [1, "\u0000"]}, "u": "\u0000"}, 1),
                 # written with ensure_ascii: a surrogate pair (an emoji) and a lone surrogate, both as JSON escapes
                 json.dumps({"type": "RECORD", "record": {"stream": "nul", "emitted_at": 2, "data": {
                     "id": 2, "s": "\u0000", "j": {"ok": "\U0001F600", "lone": "x\ud800y"}, "u": "\udc00"}}}),
                 record_line("nul", {"id": 3, "s": "fine"}, 3, meta={"changes": [{"field": "x", "change": "NULLED",
                                                                                 "reason": "SOURCE_FIELD_SIZE_LIMITATION"}]}),
                 state_line(1)]
        check("\\ud800" in lines[1] and "\\ud83d\\ude00" in lines[1], "test input lacks its escapes: %s" % lines[1])
        got = d.sync([s], lines)
        compare_table(d.name, s, got[(None, "nul")])
        cols, rows = read_table(d.name, "public", "nul")
        meta = json.loads(rows[0][[c for c, _ in cols].index("_connhost_meta")])
        check([c["change"] for c in meta["changes"]] == ["TRUNCATED"] * 3, "changes for NULs: %r" % meta)


def case_typecast_nulled():
    schema = {"type": "object", "properties": {
        "i": {"type": "integer"}, "n": {"type": ["null", "number"]}, "b": {"type": "boolean"}, "d": {"type": "string", "format": "date"},
        "t": {"type": "string", "format": "date-time"}, "o": {"type": "object"}, "s": {"type": "string"}}}
    s = Stream(None, "typed", schema)
    rows = [
        {"i": 1, "n": 1.5, "b": True, "d": "2024-02-29", "t": "2024-02-29T23:59:59.999999+01:00", "o": {"a": 1}, "s": "x"},
        {"i": 1.5, "n": "x", "b": "yes", "d": "2023-02-29", "t": "2024-13-01T00:00:00Z", "o": Num("1e2000"), "s": 5},
        {"i": Num("1e2"), "n": Num("1e400"), "b": None, "d": "20240101", "t": "yesterday", "o": [1, "two"], "s": {"x": [1]}},
        {"i": Num("9223372036854775808"), "n": Num("1e1001"), "d": "0000-01-01", "t": "2024-01-01 10:00", "o": "str", "s": True},
        {"i": Num("-9223372036854775808"), "n": Num("-0.0"), "t": "2024-01-01T10:00:00.123456789", "o": {"x": [Num("1e-1001")]}},
        {"i": Num("12.30e1"), "n": Num("-0.000000000000000000000000000001"), "t": "2024-01-01T24:00:00Z"},
        {"i": "7", "n": Num("1" * 500 + ".5"), "o": {"big": Num("1" * 500)}},
    ]
    schema["properties"].update({"f": {"type": "number", "format": "double"}, "jt": {"type": "string", "contentMediaType": "application/json"},
                                 "bin": {"type": "string", "contentEncoding": "base64"}, "dur": {"type": "string", "format": "duration"},
                                 "tl": {"type": "string", "format": "date-time", "airbyte_type": "timestamp_without_timezone"}})
    wide = [  # what PostgreSQL holds beyond JSON numbers and 4-digit years, and just past it
        {"n": "NaN", "f": "-Infinity", "d": "infinity", "t": "0044-03-15T12:00:00Z BC", "jt": "null", "bin": "AP8Q", "dur": "P1Y-2M3DT-4H5.5S",
         "tl": "294276-12-31T23:59:59.999999"},
        {"n": "nan", "f": Num("1e400"), "d": "4714-11-23 BC", "t": "294277-01-01T00:00:00Z", "jt": "{", "bin": "AP8", "dur": "P1.5Y",
         "tl": "2024-01-01T10:00:00+05:00"},
        {"f": Num("1e-400"), "d": "5874898-01-01", "t": "-infinity", "jt": " [1, 2.50] ", "bin": 5, "dur": "PT", "tl": "0001-02-29T00:00:00 BC"},
        {"f": Num("0.1"), "d": "0005-02-29 BC", "dur": "P-178000000Y-2147483647DT-2562047788H-0.000001S", "tl": "infinity"},
        {"dur": "P178956971Y", "d": "12345-01-01"},
    ]
    rows = rows + wide
    with Db("typecast_nulled") as d:
        lines = ['{"type": "RECORD", "record": {"stream": "typed", "emitted_at": %d, "data": %s}}' % (10 + k, json_text(r))
                 for k, r in enumerate(rows)]
        got = d.sync([s], lines + [state_line(1)])
        compare_table(d.name, s, got[(None, "typed")])
        cols, table_rows = read_table(d.name, "public", "typed")
        idx = [c for c, _ in cols].index("n")
        check(table_rows[6][idx] == "1" * 500 + ".5", "500-digit number stored as %r" % table_rows[6][idx][:60])
        changed = int(psql("SELECT sum(jsonb_array_length(_connhost_meta->'changes')) FROM public.typed", d.name).strip())
        warned = [m["log"]["message"] for m in d.outputs if m.get("type") == "LOG" and m["log"].get("level") == "WARN"
                  and "values changed to fit their columns" in m["log"]["message"]]
        check(len(warned) == 1 and ("stream typed: %d values changed" % changed) in warned[0],
              "one warning counts the %d changed values: %r" % (changed, warned))
        done = [m["log"]["message"] for m in d.outputs if m.get("type") == "LOG" and "write done" in m["log"]["message"]]
        check(len(done) == 1 and ("%d values changed" % changed) in done[0],
              "the host's last line counts the %d changed values (connhost.value_changes/1): %r" % (changed, done))


ARRAY_BOUNDS_PATTERN = "^(\\[-?[0-9]+:-?[0-9]+\\])+=\\{"  # connhost::sdk::kArrayBoundsPattern


def case_array_columns():
    """Arrays of one scalar type become PostgreSQL arrays (bigint[], text[]...) holding every element exactly: quotes,
    backslashes, commas, braces, blanks, "NULL" text and null, nested and empty arrays, a literal with other lower
    bounds; what PostgreSQL would refuse (ragged, a bad element, > 6 dimensions) is NULLed with a change. A second
    sync reads the array columns back as such; a third, whose ints hold numbers, widens bigint[] to numeric[]."""
    schema = {"type": "object", "properties": {
        "id": {"type": "integer"},
        "ints": {"type": "array", "items": {"type": "integer"}},
        "texts": {"type": ["null", "array"], "items": {"type": ["null", "string"]}},
        "grid": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        "days": {"type": "array", "items": {"type": "string", "format": "date"}},
        "flags": {"type": "array", "items": {"type": "boolean"}},
        "bounded": {"type": ["null", "array", "string"], "items": {"type": ["null", "integer"]}, "pattern": ARRAY_BOUNDS_PATTERN},
        "blobs": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}}
    s = Stream(None, "arrays", schema)
    rows = [
        {"id": 1, "ints": [1, None, Num("-9223372036854775808")],
         "texts": ["", " sp ", "NULL", "a,b", "{x}", "q\"uote", "back\\slash", "tab\tnl\n", "\u00fc\U0001F600", None],
         "grid": [[Num("1.5"), 2], [None, Num("1e3")]], "days": ["2024-02-29", "infinity", "0044-03-15 BC"],
         "flags": [True, False, None], "bounded": "[0:1]={7,8}", "blobs": ["AP8Q", ""]},
        {"id": 2, "ints": [], "texts": [], "grid": [[], []], "days": [], "bounded": [[1, 2], [3, 4]]},
        {"id": 3, "ints": [1, "x"], "texts": "not an array", "grid": [[1], [2, 3]], "days": ["2023-02-29"],
         "flags": [1], "bounded": "[0:1]={1}", "blobs": ["AP8"]},
        {"id": 4, "ints": [[[[[[[1]]]]]]], "texts": ["a\u0000b"], "bounded": "[0:1]={1,x}", "grid": [1, [2]]},
        {"id": 5, "ints": [[1, 2], [3, 4]], "texts": [["a"], ["b"]], "grid": [1, 2], "bounded": "[-1:-1][1:2]={{5,NULL}}"},
        {"id": 7, "ints": [1, Num("9223372036854775808")]},
    ]
    want = {  # id -> column -> text PostgreSQL prints
        1: {"ints": "{1,NULL,-9223372036854775808}",
            "texts": '{""," sp ","NULL","a,b","{x}","q\\"uote","back\\\\slash","tab\tnl\n",\u00fc\U0001F600,NULL}',
            "grid": "{{1.5,2},{NULL,1000}}", "days": '{2024-02-29,infinity,"0044-03-15 BC"}', "flags": "{t,f,NULL}",
            "bounded": "[0:1]={7,8}", "blobs": '{"\\\\x00ff10","\\\\x"}'},
        2: {"ints": "{}", "texts": "{}", "grid": "{}", "days": "{}", "bounded": "{{1,2},{3,4}}"},
        3: {},
        4: {"texts": "{ab}"},
        5: {"ints": "{{1,2},{3,4}}", "texts": "{{a},{b}}", "grid": "{1,2}", "bounded": "[-1:-1][1:2]={{5,NULL}}"},
        7: {},
    }
    nulled = {3: ["ints", "texts", "grid", "days", "flags", "bounded", "blobs"], 4: ["ints", "bounded", "grid"], 7: ["ints"]}
    types = {"ints": "bigint[]", "texts": "text[]", "grid": "numeric[]", "days": "date[]", "flags": "boolean[]",
             "bounded": "bigint[]", "blobs": "bytea[]"}
    with Db("array_columns") as d:
        line = '{"type": "RECORD", "record": {"stream": "arrays", "emitted_at": %d, "data": %s}}'
        d.sync([s], [line % (10 + k, json_text(r)) for k, r in enumerate(rows)] + [state_line(1)])
        d.sync([s], [line % (20, json_text({"id": 6, "ints": [6], "bounded": "[2:2]={6}"})), state_line(2)])
        cols = dict(table_columns(d.name, "public", "arrays"))
        for c, t in types.items():
            check(cols.get(c) == t, "column %s is %s, expected %s" % (c, cols.get(c), t))
        got = psql_json("SELECT json_agg(json_build_array(id, %s, _connhost_meta) ORDER BY id) FROM public.arrays"
                        % ", ".join("%s::text" % c for c in types), d.name)
        want[6] = {"ints": "{6}", "bounded": "[2:2]={6}"}
        check([g[0] for g in got] == [1, 2, 3, 4, 5, 6, 7], "seven rows: %r" % [g[0] for g in got])
        for g in got:
            for i, c in enumerate(types, 1):
                check(g[i] == want[g[0]].get(c), "row %d %s: stored %r, expected %r" % (g[0], c, g[i], want[g[0]].get(c)))
            changes = sorted((x["field"], x["change"]) for x in (g[-1] or {"changes": []})["changes"])
            expect = sorted([(c, "NULLED") for c in nulled.get(g[0], [])] + ([("texts", "TRUNCATED")] if g[0] == 4 else []))
            check(changes == expect, "row %d: changes %r, expected %r" % (g[0], changes, expect))
            if g[0] == 7:  # an element's own reason
                check(g[-1]["changes"][0]["reason"] == "DESTINATION_FIELD_SIZE_LIMITATION", "row 7: %r" % g[-1]["changes"])
        # The schema widens ints to numbers: bigint[] becomes numeric[] (column_widening by elements), values kept.
        wider = json.loads(json.dumps(schema))
        wider["properties"]["ints"]["items"] = {"type": "number"}
        d.sync([Stream(None, "arrays", wider)], [line % (30, json_text({"id": 8, "ints": [Num("1.5"), None]})), state_line(3)])
        check(dict(table_columns(d.name, "public", "arrays")).get("ints") == "numeric[]", "ints widened to numeric[]")
        got = psql_json("SELECT json_agg(json_build_array(id, ints::text) ORDER BY id) FROM public.arrays WHERE id IN (1, 8)", d.name)
        check(got == [[1, "{1,NULL,-9223372036854775808}"], [8, "{1.5,NULL}"]], "values kept through the widening: %r" % got)


def random_array_values(seed, n):
    """n (bounds literal or JSON array) pairs, random but reproducible: many malformed, some PostgreSQL reads."""
    import random
    rnd = random.Random(seed)
    tokens = ["[0:1]", "[1:1]", "[-1:0]", "[2:1]", "[0:0]", "=", "{", "}", ",", "1", "22", "NULL", '"a b"', '"x\\"y"',
              "\\", " ", "x", "{1,2}", "{{1},{2}}", "{}", '""']

    def literal():  # a well-formed literal of 1 to 3 dimensions, then half the time a random token in it
        dims = [rnd.randint(1, 3) for _ in range(rnd.randint(1, 3))]
        elems = ["1", "22", "NULL", '"a b"', '"x\\"y"', "x", '""', " 3 ", "-4"]

        def body(k):
            inner = [body(k + 1) if k + 1 < len(dims) else rnd.choice(elems) for _ in range(dims[k])]
            return "{" + ",".join(inner) + "}"
        lo = [rnd.randint(-2, 2) for _ in dims]
        text = "".join("[%d:%d]" % (a, a + n - 1) for a, n in zip(lo, dims)) + "=" + body(0)
        if rnd.random() < 0.5:
            at = rnd.randint(0, len(text))
            text = text[:at] + rnd.choice(tokens) + text[at + rnd.randint(0, 1):]
        return text

    def nested(depth):
        if depth > 7 or rnd.random() < 0.3:
            return rnd.choice([1, None, "s", "", "NULL", "a\"b", 2.5, True, {"k": 1}, []])
        return [nested(depth + 1) for _ in range(rnd.randint(0, 3))]
    return [(literal(), nested(0)) for _ in range(n)]


def case_array_literals_random():
    """Random bounds literals and random nested JSON arrays into bigint[] and text[] columns: each is stored or NULLed
    with a change, and none fails the COPY (the sync succeeds)."""
    prop = {"type": ["null", "array", "string"], "pattern": ARRAY_BOUNDS_PATTERN}
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "ints": dict(prop, items={"type": ["null", "integer"]}),
                                               "texts": dict(prop, items={"type": ["null", "string"]}),
                                               "ji": {"type": "array", "items": {"type": "integer"}},
                                               "jt": {"type": "array", "items": {"type": "string"}}}}
    values = random_array_values(12, 400)
    with Db("array_literals_random") as d:
        line = '{"type": "RECORD", "record": {"stream": "rnd", "emitted_at": 1, "data": %s}}'
        d.sync([Stream(None, "rnd", schema)], [line % json.dumps({"id": i, "ints": lit, "texts": lit, "ji": arr, "jt": arr})
                                               for i, (lit, arr) in enumerate(values)] + [state_line(1)])
        got = psql_json("SELECT json_agg(json_build_array(id, ints::text, texts::text, _connhost_meta) ORDER BY id) "
                        "FROM public.rnd", d.name)
        check(len(got) == len(values), "every record is a row (%d of %d)" % (len(got), len(values)))
        stored = sum(1 for g in got if g[2] is not None)
        check(stored > 20, "some literals are stored (%d)" % stored)
        for i, _, texts, meta in got:
            nulled = {c["field"] for c in (meta or {"changes": []})["changes"] if c["change"] == "NULLED"}
            check((texts is None) == ("texts" in nulled), "row %d: texts %r stored or NULLed with a change (%r)" % (i, texts, meta))


def json_text(v):
    """JSON text with Num values written as their literal text."""
    if isinstance(v, Num):
        return v.text
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (json.dumps(k), json_text(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(json_text(x) for x in v) + "]"
    # A lone surrogate cannot be UTF-8: such a string is written with \u escapes.
    return json.dumps(v, ensure_ascii=isinstance(v, str) and SURROGATE.search(v) is not None)


def case_long_identifiers():
    long_a = "a" * 60 + "_first_long_field_name"
    long_b = "a" * 60 + "_second_long_field_name"
    schema = {"type": "object", "properties": {long_a: {"type": "integer"}, long_b: {"type": "string"}, "_connhost_meta": {"type": "string"},
                                               "Upper": {"type": "integer"}, "upper": {"type": "integer"}, "x\"y": {"type": "string"}}}
    ns = "n" * 70 + "_namespace"
    streams = [Stream(ns, "s" * 80 + "_one", schema), Stream(ns, "s" * 80 + "_two", schema), Stream(None, "drop table x; --", schema)]
    with Db("long_identifiers") as d:
        lines = []
        for k, s in enumerate(streams):
            lines.append(record_line(s.name, {long_a: k, long_b: "b%d" % k, "_connhost_meta": "mine", "Upper": 1, "upper": 2, "x\"y": "q"}, 1 + k, s.ns))
        got = d.sync(streams, lines + [state_line(1)])
        for s in streams:
            compare_table(d.name, s, got[(s.ns, s.name)])
        names = [t for _, t in tables_in(d.name)]
        check(all(len(t.encode()) <= 63 for t in names) and len(set(names)) == 3, "tables %r" % names)


def case_check_config():
    info = server()
    with Db("check_config") as d:
        cfg = write_json(os.path.join(d.tmp, "ok.json"), d.config)
        p = run(["run", "--plugin", "dest_pg", "check", "--config", cfg])
        out = parse_output(p)
        check(p.returncode == 0 and out[-1]["connectionStatus"]["status"] == "SUCCEEDED", "check failed: %s" % describe(p))
        check(tables_in(d.name) == [], "check left tables behind: %r" % tables_in(d.name))

        def failed(config, words):
            path = write_json(os.path.join(d.tmp, "bad.json"), config)
            p = run(["run", "--plugin", "dest_pg", "check", "--config", path])
            statuses = [m["connectionStatus"] for m in parse_output(p) if m.get("type") == "CONNECTION_STATUS"]
            check(statuses and statuses[-1]["status"] == "FAILED", "check did not fail for %s: %s" % (words, describe(p)))
            msg = statuses[-1].get("message", "")
            for w in words:
                check(w in msg, "check message %r does not say %r" % (msg, w))
            check(config["password"] not in (p.stdout + p.stderr).decode("utf-8", "replace") or config["password"] == "",
                  "the password appears in the output")

        failed(dict(d.config, password="wrong-password"), ["connect", "127.0.0.1:%d" % info["port"], "password"])
        failed(dict(d.config, database="no_such_db"), ["connect", "no_such_db"])
        # A role that may connect but not create schemas, then one that may not create tables in its schema.
        psql("DROP ROLE IF EXISTS limited_role; CREATE ROLE limited_role LOGIN PASSWORD 'limited-pw';"
             "REVOKE CREATE ON DATABASE %s FROM PUBLIC; GRANT CONNECT ON DATABASE %s TO limited_role;" % (qi(d.name), qi(d.name)))
        psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE SCHEMA readonly_schema; GRANT USAGE ON SCHEMA readonly_schema TO limited_role;", d.name)
        limited = dict(d.config, username="limited_role", password="limited-pw")
        failed(dict(limited, schema="brand_new_schema"), ["create schema", "brand_new_schema"])
        failed(dict(limited, schema="readonly_schema"), ["create table", "readonly_schema"])
        psql("DROP OWNED BY limited_role;", d.name)
        drop_database(d.name)
        psql("DROP ROLE limited_role;")


def case_connection_refused():
    """Nothing listens: retried connect_attempts times with back-off, then an error naming host:port."""
    s = Stream(None, "x", USERS)
    with tempfile.TemporaryDirectory(prefix="pg-") as tmp:
        port = free_port()
        cfg = {"host": "127.0.0.1", "port": port, "database": "d", "username": "u", "password": "p", "ssl_mode": "disable",
               "connect_attempts": 3, "connect_backoff_ms": 200}
        t0 = time.monotonic()
        p, outputs = run_write(tmp, cfg, configured([s]), lines_bytes([record_line("x", {"id": 1}, 1), state_line(1)]))
        took = time.monotonic() - t0
        check(p.returncode != 0, "a write to a closed port succeeded: %s" % describe(p))
        errs = errors_in(outputs)
        check(errs and "127.0.0.1:%d" % port in errs[0] and "3 attempt" in errs[0], "error %r does not name host:port and attempts" % errs)
        check(not [m for m in outputs if m.get("type") == "STATE"], "a state was acknowledged without a server")
        retries = p.stdout.decode().count("retrying in")
        check(retries == 2, "expected 2 retry warnings, got %d: %s" % (retries, describe(p)))
        check(took >= 0.55, "3 attempts with 200+400 ms back-off took only %.2f s" % took)


def case_connection_dropped_between_commits():
    """The server closes the idle session between two states: the next transaction reconnects, nothing is lost."""
    s = Stream(None, "dropped", USERS)
    with Db("connection_dropped") as d:
        cfg = dict(d.config, commit_ms=0)
        cat = write_json(os.path.join(d.tmp, "cat.json"), configured([s]))
        cfgp = write_json(os.path.join(d.tmp, "cfg.json"), cfg)
        errf = open(os.path.join(d.tmp, "err"), "w+b")
        proc = subprocess.Popen([os.environ.get("CONNHOST", "connhost"), "run", "--plugin", "dest_pg", "write", "--config", cfgp,
                                 "--catalog", cat], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf)
        lines = [record_line("dropped", {"id": 1, "name": "before"}, 1), state_line(1)]
        proc.stdin.write(lines_bytes(lines))
        proc.stdin.flush()
        first = proc.stdout.readline()
        while b'"STATE"' not in first:
            if not first:
                proc.wait()
                errf.seek(0)
                raise Failure("no state echoed: %s" % errf.read().decode())
            first = proc.stdout.readline()
        killed = psql("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                      "AND application_name = 'connhost dest_pg') t;" % ("'" + d.name + "'"))
        check(killed.strip() == "1", "terminated %r sessions, expected 1" % killed)
        more = [record_line("dropped", {"id": 2, "name": "after"}, 2), state_line(2)]
        out, _ = proc.communicate(lines_bytes(more), timeout=120)
        errf.seek(0)
        err = errf.read()
        check(proc.returncode == 0, "write failed after a dropped idle connection: %s" % err.decode())
        check(b"reconnecting" in out, "no reconnect logged: %s" % out.decode())
        states = [json.loads(l) for l in out.decode().splitlines() if '"STATE"' in l]
        check(len(states) == 1, "second state not echoed: %r" % out)
        got = records_by_stream(messages_of(lines_bytes(lines + more)))
        compare_table(d.name, s, got[(None, "dropped")])


def check_killed_resume(tmp, info, cfg, cat, streams, lines, last, n_records):
    """After case_server_killed's restart: every record up to the last echoed state (`last`) is committed, and a
    re-run from that state leaves none missing (none duplicated in the append_dedup stream)."""
    db = info["database"]
    for s in streams:
        have = set(psql_json("SELECT coalesce(json_agg(id), '[]') FROM %s" % qi(s.name), db, info))
        want = {i for i in range(0, last + 1) if streams[i % 2] is s}
        missing = want - have
        check(not missing, "%s: %d records before the last echoed state are missing, e.g. %r" % (s.name, len(missing), sorted(missing)[:5]))
    rest_start = next(k for k, l in enumerate(lines) if '"upto": %d}' % last in l) + 1
    p, _ = run_write(tmp, cfg, cat, lines_bytes(lines[rest_start:]))
    check(p.returncode == 0, "the re-run failed: %s" % describe(p))
    for s in streams:
        ids = psql_json("SELECT coalesce(json_agg(id), '[]') FROM %s" % qi(s.name), db, info)
        want = {i for i in range(n_records) if streams[i % 2] is s}
        check(set(ids) == want, "%s: %d records missing after the re-run" % (s.name, len(want - set(ids))))
        if s.mode == "append_dedup":
            check(len(ids) == len(want), "%s: duplicates after the re-run" % s.name)


def case_server_killed():
    """The server is killed (pg_ctl stop -m immediate) mid-load: non-zero exit, every echoed state precedes the
    lost data; after a restart, a re-run from the last echoed state leaves no record missing (and, with
    append_dedup, none duplicated). Uses its own cluster (the shared one must stay up for other tests)."""
    script = os.path.join(HERE, "pg_server.sh")
    schema = {"type": "object", "properties": {"id": {"type": "integer"}, "pad": {"type": "string"}}}
    streams = [Stream(None, "killed_append", schema, "append"), Stream(None, "killed_dedup", schema, "append_dedup", primary_key=[["id"]])]
    n_records, per_state = 60000, 2000
    lines = []
    for i in range(n_records):
        s = streams[i % 2]
        lines.append(record_line(s.name, {"id": i, "pad": "x" * 200}, 1000 + i))
        if (i + 1) % per_state == 0:
            lines.append(json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
                "stream_descriptor": {"name": "any"}, "stream_state": {"upto": i}}}}))
    with tempfile.TemporaryDirectory(prefix="pg-kill-") as tmp:
        info_path = os.path.join(tmp, "server.json")
        subprocess.run([script, "setup", info_path], check=True, stdout=subprocess.DEVNULL)
        try:
            with open(info_path) as f:
                info = json.load(f)
            cfg = {"host": info["host"], "port": info["port"], "database": info["database"], "username": info["username"],
                   "password": info["password"], "ssl_mode": "disable", "commit_ms": 0, "connect_attempts": 2, "connect_backoff_ms": 100}
            cfgp = write_json(os.path.join(tmp, "cfg.json"), cfg)
            cat = write_json(os.path.join(tmp, "cat.json"), configured(streams))
            proc = subprocess.Popen([os.environ.get("CONNHOST", "connhost"), "run", "--plugin", "dest_pg", "write", "--config", cfgp,
                                     "--catalog", cat], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

            stopped = threading.Event()
            first_part = 12 * (per_state + 1)  # 12 states' worth; the rest only once the server is down

            def feed():
                try:
                    for k in range(0, len(lines), 500):
                        if k >= first_part:
                            # On a fast machine the whole input was written before the stop took effect.
                            stopped.wait(60)
                        proc.stdin.write(lines_bytes(lines[k:k + 500]))
                    proc.stdin.close()
                except (BrokenPipeError, OSError):
                    pass

            feeder = threading.Thread(target=feed)
            feeder.start()
            echoed = []
            for raw in proc.stdout:
                m = json.loads(raw)
                if m.get("type") == "STATE":
                    echoed.append(m["state"]["stream"]["stream_state"]["upto"])
                    if len(echoed) == 10:
                        subprocess.run([script, "stop", info_path], check=True)
                        stopped.set()
            err = proc.stderr.read().decode()
            proc.wait(timeout=120)
            feeder.join(timeout=60)
            check(len(echoed) >= 10, "only %d states echoed before the end: %s" % (len(echoed), err[-2000:]))
            check(proc.returncode != 0, "the write exited 0 although the server was killed (states %r)" % echoed[-3:])
            check(echoed[-1] < n_records - 1, "every record was acknowledged: the kill came too late")
            check("127.0.0.1:%d" % info["port"] in err, "the error does not name the server: %s" % err[-1500:])
            subprocess.run([script, "start", info_path], check=True)
            last = echoed[-1]
            check_killed_resume(tmp, info, cfg, cat, streams, lines, last, n_records)
            print("killed after %d echoed states (last covers record %d); re-run complete" % (len(echoed), last))
        finally:
            subprocess.run([script, "cleanup", info_path], stdout=subprocess.DEVNULL)


def case_sync_faker():
    """`connhost sync` source_faker -> dest_pg: every generated record lands, typed, and the state file holds the end."""
    with Db("sync_faker") as d:
        src = write_json(os.path.join(d.tmp, "faker.json"), {"count": 3000, "seed": 7, "state_interval": 500})
        dst = write_json(os.path.join(d.tmp, "pg.json"), d.config)
        state = os.path.join(d.tmp, "state.json")
        p = run(["sync", "--source", "source_faker", "--source-config", src, "--destination", "dest_pg", "--destination-config", dst,
                 "--state-file", state])
        check(p.returncode == 0, "sync failed: %s" % describe(p))
        # What the source emits, read independently through `run read`.
        cat = run(["run", "--plugin", "source_faker", "discover", "--config", src])
        catalog = [json.loads(l) for l in cat.stdout.decode().splitlines() if '"CATALOG"' in l][0]["catalog"]
        configured_cat = {"streams": [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"}
                                      for s in catalog["streams"]]}
        catp = write_json(os.path.join(d.tmp, "cat.json"), configured_cat)
        r = run(["run", "--plugin", "source_faker", "read", "--config", src, "--catalog", catp])
        check(r.returncode == 0, "read failed: %s" % describe(r))
        msgs = [(exact(l), json.loads(l)) for l in r.stdout.decode().splitlines() if '"RECORD"' in l]
        got = records_by_stream(msgs)
        check(len(got) == 3 and all(len(v) == 3000 for v in got.values()), "faker emitted %r" % {k: len(v) for k, v in got.items()})
        for s in catalog["streams"]:
            st = Stream(None, s["name"], s.get("json_schema"))
            # emitted_at differs between the two runs: rows are matched by id instead.
            want = sorted(got[(None, s["name"])], key=lambda x: int(x.data.get("id").text))
            compare_table(d.name, st, want, sort_by="id", check_extracted=False)
        check(os.path.isfile(state), "no state file written")


def case_read_back():
    with Db("read_back") as d:
        dest_testlib.case_read_back(CONNHOST, "dest_pg", d.tmp, d.config, Stream)


# ---------------------------------------------------------------- widening and generations

def _rows(db, table, cols, order="id"):
    """The text of `cols` of public.`table`, one list per row, ordered by `order`."""
    sel = ", ".join("%s::text" % qi(c) for c in cols)
    return psql_json("SELECT coalesce(json_agg(json_build_array(%s) ORDER BY %s), '[]') FROM public.%s" % (sel, qi(order), qi(table)), db)


def _write_logged(d, streams, lines):
    """A successful `run write`; returns every log text it printed (LOG messages and stderr)."""
    p, outputs = run_write(d.tmp, d.config, configured(streams), lines_bytes(lines))
    check(p.returncode == 0 and not errors_in(outputs), "write failed: %s" % describe(p))
    logs = [m["log"]["message"] for m in outputs if m.get("type") == "LOG"]
    return "\n".join(logs) + "\n" + p.stderr.decode("utf-8", "replace")


def case_widen_column():
    """A later catalog with a wider property type widens the column and keeps every stored value (integer -> numeric ->
    text, date -> timestamptz, boolean -> text, integer -> jsonb), saying so; a type it cannot widen to (integer ->
    boolean), or an ALTER the server refuses (a view depends on the column), keeps the column, warns, and records each
    NULLed value in the row's _connhost_meta."""
    v1 = {"type": "object", "properties": {"id": {"type": "integer"}, "amount": {"type": "integer"},
                                           "day": {"type": "string", "format": "date"}, "flag": {"type": "boolean"},
                                           "code": {"type": "integer"}, "score": {"type": "integer"}, "blob": {"type": "integer"}}}
    v2 = json.loads(json.dumps(v1))
    v2["properties"].update({"amount": {"type": "number"}, "day": {"type": "string", "format": "date-time"},
                             "flag": {"type": "string"}, "code": {"type": ["null", "string"]}, "score": {"type": "boolean"},
                             "blob": {"type": "object"}})
    v3 = json.loads(json.dumps(v2))
    v3["properties"]["amount"] = {"type": "string"}
    with Db("widen_column") as d:
        d.sync([Stream(None, "w", v1)], [record_line("w", {"id": 1, "amount": 5, "day": "2024-01-02", "flag": True, "code": 42,
                                                           "score": 7, "blob": 9}, 1000), state_line(1)])
        log = _write_logged(d, [Stream(None, "w", v2)], [
            record_line("w", {"id": 2, "amount": 1.25, "day": "2024-03-04T05:06:07Z", "flag": "maybe", "code": "A-1",
                              "score": True, "blob": {"k": [1]}}, 2000), state_line(2)])
        types = dict(table_columns(d.name, "public", "w"))
        want = {"amount": "numeric", "day": "timestamp with time zone", "flag": "text", "code": "text", "score": "bigint",
                "blob": "jsonb"}
        check(all(types[c] == t for c, t in want.items()), "column types %r, expected %r" % (types, want))
        got = _rows(d.name, "w", ["id", "amount", "day", "flag", "code", "score", "blob"])
        check(got == [["1", "5", "2024-01-02 00:00:00+00", "true", "42", "7", "9"],
                      ["2", "1.25", "2024-03-04 05:06:07+00", "maybe", "A-1", None, '{"k": [1]}']], "rows %r" % got)
        changes = [m and json.loads(m)["changes"] for [m] in _rows(d.name, "w", ["_connhost_meta"])]
        check(changes == [None, [{"field": "score", "change": "NULLED", "reason": "DESTINATION_TYPECAST_ERROR"}]],
              "_connhost_meta changes %r" % changes)
        for col in ("amount", "day", "flag", "code", "blob"):
            check(re.search(r'widened column "%s"' % col, log), "no log says column %s was widened:\n%s" % (col, log[-3000:]))
        check(re.search(r'field "score" is boolean in the catalog, but its column "score" .* is bigint', log),
              "no warning about the score column that cannot widen:\n%s" % log[-3000:])
        # numeric -> text keeps the exact number text; an overwrite's staging takes the wider type straight away.
        d.sync([Stream(None, "w", v3)], [state_line(3)])
        got = _rows(d.name, "w", ["id", "amount"])
        check(got == [["1", "5"], ["2", "1.25"]] and dict(table_columns(d.name, "public", "w"))["amount"] == "text",
              "after numeric -> text: %r" % got)
        d.sync([Stream(None, "o", v1, "overwrite")], [record_line("o", {"id": 1, "amount": 2}, 3000), state_line(4)])
        d.sync([Stream(None, "o", v2, "overwrite")], [record_line("o", {"id": 3, "amount": 0.5}, 3001), state_line(5)])
        got = _rows(d.name, "o", ["id", "amount"])
        check(dict(table_columns(d.name, "public", "o"))["amount"] == "numeric" and got == [["3", "0.5"]],
              "overwrite with a wider type: %r %r" % (table_columns(d.name, "public", "o"), got))
        lk = lambda t: Stream(None, "lk", {"type": "object", "properties": {"id": {"type": "integer"}, "v": {"type": t}}})
        d.sync([lk("integer")], [record_line("lk", {"id": 1, "v": 5}, 1), state_line(6)])
        psql("CREATE VIEW public.lk_view AS SELECT v FROM public.lk;", d.name)
        log = _write_logged(d, [lk("number")], [record_line("lk", {"id": 2, "v": 2.5}, 2), state_line(7)])
        got = _rows(d.name, "lk", ["id", "v", "_connhost_meta"])
        check([r[:2] for r in got] == [["1", "5"], ["2", None]] and json.loads(got[1][2])["changes"] ==
              [{"field": "v", "change": "NULLED", "reason": "DESTINATION_TYPECAST_ERROR"}], "a column a view uses: %r" % got)
        check("which PostgreSQL could not widen" in log, "no warning that the view blocked the widening:\n%s" % log[-3000:])


def case_generations():
    """minimum_generation_id: the rows of older generations go when the stream completes, never before (an unfinished
    sync keeps them); generation_id and sync_id are stored; a table without _connhost_sync_id (older version) gets it,
    and one whose _connhost_meta is NOT NULL lets it be NULL."""
    gen = lambda g, m, sync, mode="append", pk=(): Stream(None, "g", USERS, mode, primary_key=pk, generation_id=g,
                                                          minimum_generation_id=m, sync_id=sync)
    with Db("generations") as d:
        d.sync([gen(1, 0, 11)], [record_line("g", {"id": i, "name": "gen1"}, 100 + i) for i in range(3)] + [state_line(1)])
        # As the previous versions wrote it: no _connhost_sync_id, and _connhost_meta NOT NULL (then never NULL).
        psql('ALTER TABLE public.g DROP COLUMN "_connhost_sync_id"; UPDATE public.g SET "_connhost_meta" = '
             '\'{"changes": []}\'; ALTER TABLE public.g ALTER COLUMN "_connhost_meta" SET NOT NULL;', d.name)
        # A truncate refresh that does not finish: its rows are committed at the state, the old ones stay.
        p, outputs = run_write(d.tmp, d.config, configured([gen(2, 2, 12)]),
                               lines_bytes([record_line("g", {"id": 7, "name": "gen2"}, 200), state_line(2), '{"type": "RECORD", "rec']))
        check(p.returncode != 0, "a malformed line did not fail the write: %s" % describe(p))
        got = _rows(d.name, "g", ["id", "name", "_connhost_generation_id", "_connhost_sync_id"])
        check(got == [["0", "gen1", "1", None], ["1", "gen1", "1", None], ["2", "gen1", "1", None], ["7", "gen2", "2", "12"]],
              "after an unfinished truncate refresh: %r" % got)
        # The same refresh, finished: only generation 2 remains.
        log = _write_logged(d, [gen(2, 2, 13)], [record_line("g", {"id": 8, "name": "gen2"}, 300), state_line(3)])
        got = _rows(d.name, "g", ["id", "name", "_connhost_generation_id", "_connhost_sync_id"])
        check(got == [["7", "gen2", "2", "12"], ["8", "gen2", "2", "13"]], "after the finished truncate refresh: %r" % got)
        check("deleted 3 row(s) of generations below 2" in log, "no log of the deleted rows:\n%s" % log[-3000:])
        # STREAM_STATUS COMPLETE completes the stream mid-input; append_dedup refreshes the same way.
        done = json.dumps({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 1, "stream_status": {
            "stream_descriptor": {"name": "g"}, "status": "COMPLETE"}}})
        d.sync([gen(3, 3, 14, "append_dedup", [["id"]])],
               [record_line("g", {"id": 8, "name": "gen3"}, 400), state_line(4), done, state_line(5)])
        got = _rows(d.name, "g", ["id", "name", "_connhost_generation_id", "_connhost_sync_id"])
        check(got == [["8", "gen3", "3", "14"]], "after the append_dedup refresh: %r" % got)
        # Generations at 0 (or absent) delete nothing.
        d.sync([gen(4, 0, 15)], [record_line("g", {"id": 9, "name": "gen4"}, 500), state_line(6)])
        check(len(_rows(d.name, "g", ["id"])) == 2, "minimum_generation_id 0 deleted rows: %r" % _rows(d.name, "g", ["id"]))



def case_lean_table():
    """metadata_columns lean: tables of the field columns only (append, overwrite, append_dedup where ties go to the
    later record); a truncate refresh by generation is refused, and so is a table written in the other mode."""
    names = lambda d, t: [c for c, _ in table_columns(d.name, "public", t)]
    with Db("lean_table") as d:
        lean = dict(d.config, metadata_columns="lean")
        a, o = Stream(None, "a", USERS, "append"), Stream(None, "o", USERS, "overwrite")
        d.sync([a, o], [record_line("a", {"id": 1, "name": "a1"}, 1), record_line("o", {"id": 2, "name": "o1"}, 2),
                        state_line(1)], lean)
        d.sync([a, o], [record_line("a", {"id": 3, "name": "a2"}, 3), record_line("o", {"id": 4, "name": "o2"}, 4),
                        state_line(2)], lean)
        check(names(d, "a") == ["id", "name"] and names(d, "o") == ["id", "name"],
              "lean columns %r %r" % (names(d, "a"), names(d, "o")))
        check(_rows(d.name, "a", ["id", "name"]) == [["1", "a1"], ["3", "a2"]] and
              _rows(d.name, "o", ["id", "name"]) == [["4", "o2"]], "lean rows %r %r" %
              (_rows(d.name, "a", ["id", "name"]), _rows(d.name, "o", ["id", "name"])))
        schema = {"type": "object", "properties": {"id": {"type": "integer"}, "c": {"type": "integer"},
                                                   "v": {"type": "string"}}}
        dd = Stream(None, "dd", schema, "append_dedup", primary_key=[["id"]], cursor=["c"])
        r = lambda i, c, v, t: record_line("dd", {"id": i, "c": c, "v": v}, t)
        d.sync([dd], [r(1, 5, "first", 100), r(1, 5, "tie-later-input", 50), r(2, 3, "two", 100),
                      r(2, 1, "two-stale", 200), state_line(3)], lean)
        d.sync([dd], [r(1, 5, "tie-next-sync", 10), r(2, 2, "two-stale-again", 300), state_line(4)], lean)
        got = _rows(d.name, "dd", ["id", "v"])
        check(got == [["1", "tie-next-sync"], ["2", "two"]] and names(d, "dd") == ["id", "c", "v"],
              "lean append_dedup kept %r (columns %r)" % (got, names(d, "dd")))
        refused = lambda config, streams, lines: errors_in(run_write(d.tmp, config, configured(streams),
                                                                     lines_bytes(lines))[1])
        g = Stream(None, "g", USERS, "append", generation_id=2, minimum_generation_id=2)
        errs = refused(lean, [g], [record_line("g", {"id": 1}, 1), state_line(5)])
        check(any("use destination_sync_mode overwrite" in e for e in errs), "truncate refresh in lean: %r" % errs)
        d.sync([Stream(None, "f", USERS)], [record_line("f", {"id": 1, "name": "full"}, 1), state_line(6)])
        errs = refused(lean, [Stream(None, "f", USERS)], [record_line("f", {"id": 2}, 2), state_line(7)])
        check(any('written with "metadata_columns": "full"' in e for e in errs), "lean into a full table: %r" % errs)
        errs = refused(d.config, [a], [record_line("a", {"id": 5}, 5), state_line(8)])
        check(any('"metadata_columns": "lean"' in e for e in errs), "full into a lean table: %r" % errs)
        # An overwrite in the other mode replaces the table in its own.
        d.sync([Stream(None, "f", USERS, "overwrite")], [record_line("f", {"id": 3, "name": "lean now"}, 3),
                                                        state_line(9)], lean)
        check(names(d, "f") == ["id", "name"] and _rows(d.name, "f", ["id", "name"]) == [["3", "lean now"]],
              "overwrite into lean: %r" % _rows(d.name, "f", ["id", "name"]))


BINARY_SCHEMA = {"type": "object", "properties": {
    "k": {"type": "integer"}, "i": {"type": "integer"}, "n": {"type": ["null", "number"]}, "f": {"type": "number", "format": "double"},
    "b": {"type": "boolean"}, "d": {"type": "string", "format": "date"}, "t": {"type": "string", "format": "date-time"},
    "tl": {"type": "string", "format": "date-time", "airbyte_type": "timestamp_without_timezone"}, "o": {"type": "object"},
    "s": {"type": "string"}, "jt": {"type": "string", "contentMediaType": "application/json"}}}


def binary_edge_rows():
    """Values at every edge of the cells COPY binary encodes on the client: each must be stored exactly as COPY text
    stores it (or NULLed for the same reason)."""
    cols = {
        "i": [1, 1.5, Num("1e2"), Num("12.30e1"), Num("9223372036854775807"), Num("-9223372036854775808"),
              Num("9223372036854775808"), "7", True, 0, Num("-0")],
        "n": [Num("0"), Num("-0"), Num("0.000"), Num("1e-5"), Num("1.5e3"), Num("1E+2"), Num("0.1e1"), Num("-0.0"),
              Num("-123456789012345678901234567890.123456789"), Num("12345678.87654321"), Num("100000000"),
              Num("0.00010000"), Num("1e1000"), Num("-1e-1000"), Num("1e1001"), Num("9999.9999"), Num("10000"),
              Num("0.5e-3"), Num("123.456e-2"), Num("1" * 500 + ".5"), "NaN", "Infinity", "-Infinity", "nan", "x",
              Num("-0.000000000000000000000000000001")],
        "f": [Num("0.1"), Num("-0.0"), Num("1e308"), Num("4.9e-324"), Num("2.2250738585072014e-308"),
              Num("123456789012345678901234567890"), Num("1e400"), Num("1e-400"), "NaN", "Infinity", "-Infinity", 3],
        "b": [True, False, "yes", 1],
        "d": ["2024-02-29", "2023-02-29", "0001-01-01", "0001-12-31 BC", "5874897-12-31", "5874898-01-01",
              "4714-11-24 BC", "4714-11-23 BC", "1900-02-29", "2000-02-29", "0005-02-29 BC", "infinity", "-infinity",
              "12345-01-01", "20240101"],
        "t": ["2024-02-29T23:59:59.999999+01:00", "2024-01-01T00:00:00.0000005Z", "2024-01-01T00:00:00.0000015Z",
              "2024-01-01T00:00:00.0000025Z", "2024-12-31T23:59:59.9999995Z", "2024-01-01T10:00:00.123456789",
              "2024-01-01 10:00", "2024-01-01t10:00:00z", "2024-01-01T10:00:00+0530", "2024-01-01T10:00:00-15:59",
              "2024-01-01T10:00:00+15", "0044-03-15T12:00:00Z BC", "4714-11-24T00:00:00Z BC",
              "4714-11-24T00:00:00+01:00 BC", "4714-11-24T00:00:00-01:00 BC", "294276-12-31T23:59:59.999999Z",
              "294276-12-31T23:59:59.9999999Z", "294276-12-31T20:00:00-05:00", "294277-01-01T00:00:00Z", "infinity",
              "-infinity", "2024-01-01T24:00:00Z", "yesterday", "1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z"],
        "tl": ["294276-12-31T23:59:59.999999+05:00", "2024-01-01T10:00:00+05:00", "0001-02-29T00:00:00 BC",
               "4714-11-24T00:00:00+01:00 BC", "1970-01-01T00:00:00.1234565", "infinity"],
        "o": [{"a": 1, "b": [True, None, "x\u0000y", "\ud800", "\ud83d\ude00", "tab\there", "back\\slash \"q\" /"]},
              {"\u0000key": Num("1.50e2")}, [1, "two"], "str", Num("1e2000"), {"x": [Num("1e-1001")]}, Num("3"), False,
              {"big": Num("1" * 500)}, {"nested": {"deep": [[[{"n": Num("-0.0")}]]]}}],
        "s": ["x", "", "nul\u0000inside", "\\N", "line\nbreak\r\ttab", "quote \" backslash \\ slash /",
              "\b\f\u001f", "\u00e9\u4e2d\ud83d\ude00", "\udc00lone", 5, Num("1.50e2"), True, {"x": [1, "\t"]}, [None]],
        "jt": ["null", "{", " [1, 2.50] ", "{\"a\": \"\\u0000\\n\", \"b\": 1e2}", "\"\\ud800\"", "tab\there"],
    }
    rows = []
    for name, values in cols.items():
        for v in values:
            rows.append({name: v})
    return rows


def case_binary_matches_text():
    """copy_format binary (COPY BINARY, the default) stores exactly what copy_format text stores, value changes and
    _connhost_meta included, for every type it encodes on the client, in full and lean tables and append_dedup; the
    server log shows which format each COPY used."""
    with Db("binary_matches_text") as d:
        log_from = os.path.getsize(server()["log"])
        psql('ALTER DATABASE "%s" SET log_statement = \'all\'' % d.name)
        rows = binary_edge_rows()
        meta = {"changes": [{"field": "s", "change": "TRUNCATED", "reason": "SOURCE_FIELD_SIZE_LIMITATION"}]}
        stored = {}
        for kind, mode, extra in (("full", "overwrite", {}), ("lean", "overwrite", {"metadata_columns": "lean"}),
                                  ("dedup", "append_dedup", {})):
            for fmt in ("text", "binary"):
                name = "%s_%s" % (kind, fmt)
                st = Stream(None, name, BINARY_SCHEMA, mode, primary_key=[["k"]] if mode == "append_dedup" else ())
                lines = [record_line(name, {"k": -1}, 1000, meta=meta)]  # a record's own meta, in _connhost_meta
                # Fields in column order (k first: encoded in place) and out of it (k last: through the scratch buffer).
                lines += ['{"type": "RECORD", "record": {"stream": "%s", "emitted_at": %d, "data": %s}}' %
                          (name, 2000 + k, json_text(dict({"k": k}, **r) if k % 2 else dict(r, k=k)))
                          for k, r in enumerate(rows)]
                d.sync([st], lines + [state_line(1)], dict(d.config, copy_format=fmt, **extra))
                cols = [c for c, _ in table_columns(d.name, "public", name) if c != "_connhost_raw_id"]
                stored[(kind, fmt)] = psql("SELECT json_build_array(%s) FROM public.%s ORDER BY k" %
                                           (", ".join("(%s)::text" % qi(c) for c in cols), qi(name)), d.name)
        for kind in ("full", "lean", "dedup"):
            text_rows, binary_rows = stored[(kind, "text")].splitlines(), stored[(kind, "binary")].splitlines()
            check(len(text_rows) == len(rows) + 1, "%s: %d rows stored, expected %d" % (kind, len(text_rows), len(rows) + 1))
            diff = [(a, b) for a, b in zip(text_rows, binary_rows) if a != b]
            check(not diff and len(text_rows) == len(binary_rows),
                  "%s: COPY binary stored other values than COPY text (text | binary):\n%s" %
                  (kind, "\n".join("%s\n%s" % ab for ab in diff[:5])))
        changed = psql("SELECT count(*) FROM public.full_binary WHERE _connhost_meta IS NOT NULL", d.name).strip()
        check(int(changed) > 20, "only %s rows of full_binary record changes" % changed)
        with open(server()["log"], encoding="utf-8", errors="replace") as f:
            f.seek(log_from)
            copies = [l for l in f.read().splitlines() if "COPY " in l and "FROM STDIN" in l]
        for kind in ("full", "lean", "dedup"):
            for fmt in ("text", "binary"):
                name = "%s_%s" % (kind, fmt)  # an overwrite COPYs into its staging table, append_dedup into a temp table
                mine = [l for l in copies if "_" + name in l or hashed_identifier("_connhost_dedup_public." + name) in l]
                want = fmt == "binary"
                check(mine and all(("FORMAT binary" in l) == want for l in mine),
                      "%s_%s: the server log shows COPYs %r" % (kind, fmt, mine))
        print("%d values in full, lean and append_dedup tables: COPY binary stored what COPY text stored" % len(rows))


def case_binary_retyped_meta_column():
    """A metadata column someone changed by hand (here _connhost_generation_id to integer) keeps the table on COPY text,
    which the server casts: the next sync still writes its rows, where a binary COPY would send 8 bytes to a 4-byte
    column and fail."""
    s = Stream(None, "retyped", USERS, "append", generation_id=3)
    with Db("binary_retyped_meta_column") as d:
        d.sync([s], [record_line("retyped", {"id": 1, "name": "before"}, 1), state_line(1)])
        psql("ALTER TABLE public.retyped ALTER COLUMN _connhost_generation_id TYPE integer", d.name)
        d.sync([s], [record_line("retyped", {"id": 2, "name": "after"}, 2), state_line(2)])
        got = _rows(d.name, "retyped", ["id", "name", "_connhost_generation_id"])
        check(got == [["1", "before", "3"], ["2", "after", "3"]], "rows after the column changed type: %r" % got)


def case_writer_beside_an_open_transaction():
    """Writers of one table at once (the workers of a partitioned sync): a writer's start must not wait for another's
    open transaction. A session holds an uncommitted INSERT into an append and an append_dedup table, as a worker
    holds its COPY until its window commits, while a second write into both opens. Its ALTER TABLE ... ADD COLUMN IF
    NOT EXISTS of columns the tables had, and CREATE UNIQUE INDEX IF NOT EXISTS of the index they had, waited for that
    transaction's end (and every writer queued behind them); now it finishes while the transaction is still open."""
    app = Stream(None, "beside_app", USERS, "append")
    dedup = Stream(None, "beside_dedup", USERS, "append_dedup", primary_key=[["id"]])
    with Db("writer_beside_open_xact") as d:
        d.sync([app, dedup], [record_line(s.name, {"id": 1, "name": "first"}, 1) for s in (app, dedup)] + [state_line(1)])
        info = server()
        holder = subprocess.Popen([os.path.join(info["bindir"], "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                   "-h", info["socket_dir"], "-p", str(info["port"]), "-U", info["superuser"], "-d", d.name],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            values = "(gen_random_uuid(), now(), 99, 'held')"
            holder.stdin.write(("BEGIN; INSERT INTO public.beside_app (_connhost_raw_id, _connhost_extracted_at, id, name) "
                                "VALUES %s; INSERT INTO public.beside_dedup (_connhost_raw_id, _connhost_extracted_at, id, name) "
                                "VALUES %s; SELECT pg_backend_pid();\n" % (values, values)).encode())
            holder.stdin.flush()
            holder_pid = holder.stdout.readline().decode().strip()
            check(holder_pid.isdigit(), "the holding session started its transaction: %r" % holder_pid)
            lines = [record_line(s.name, {"id": 2, "name": "second"}, 2) for s in (app, dedup)] + [state_line(2)]
            try:
                p, _ = run_write(d.tmp, d.config, configured([app, dedup]), lines_bytes(lines), timeout=60)
            except subprocess.TimeoutExpired:
                waits = psql("SELECT string_agg(query, ' | ') FROM pg_stat_activity WHERE wait_event_type = 'Lock'", d.name)
                raise Failure("the second writer still waited after 60 s for the open transaction, on: " + waits.strip())
            check(p.returncode == 0, "the second write succeeds: %s" % p.stderr.decode()[-600:])
            still = psql("SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND state = 'idle in transaction'" % holder_pid,
                         d.name).strip()
            check(still == "1", "the write finished while the other transaction was still open")
            holder.stdin.write(b"COMMIT;\n")
            holder.stdin.close()
            holder.wait(timeout=30)
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
        for s in (app, dedup):
            got = psql("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM public.%s" % s.name, d.name).strip()
            check(got == "1:first,2:second,99:held", "%s holds every writer's rows: %s" % (s.name, got))


NARROW_SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                 "n": {"type": "integer"}, "small": {"type": "integer"},
                                                 "x": {"type": "number"}, "r": {"type": "number"},
                                                 "c": {"type": "string"}}}
# (data, what each narrowed column then holds: None for NULL, "-" for a column the table has not)
NARROW_ROWS = [
    ({"name": "abcdef", "n": 1, "small": 1, "x": 1.5, "r": 1, "c": "ab"}, [None, "1", "1", "1.50", "1", "ab"]),
    ({"name": "ab", "n": 3000000000, "small": 32768, "x": 99.994, "r": 1e39, "c": "a "}, ["ab", None, None, "99.99", None, "a"]),  # char(n) as text drops trailing spaces
    ({"name": "ab\n", "n": -2147483648, "small": -32768, "x": 99.995, "r": 1e-50, "c": "abc"},
     ["ab\n", "-2147483648", "-32768", None, None, None]),
    ({"name": "\u00e9\u20ac\U0001d11e", "n": 2147483648, "small": -32769, "x": "NaN", "r": 1e-40, "c": "ab   "},
     ["\u00e9\u20ac\U0001d11e", None, None, "NaN", "1e-40", "ab"]),
    ({"name": "abc   ", "n": 5, "small": 5, "x": "Infinity", "r": 3.4e38, "c": "a\\\\"}, ["abc", "5", "5", None, "3.4e+38", None]),
    ({"name": None, "n": 7, "small": 7, "x": 0.0049, "r": -0.0, "c": ""}, [None, "7", "7", "0.00", "-0", ""]),
    ({"name": "xyz", "n": 8, "small": 8, "x": "@-9999.49e-2@", "r": 2, "c": "z"}, ["xyz", "8", "8", "-99.99", "2", "z"]),
    ({"name": "xyz", "n": 9, "small": 9, "x": "@0.0999995e3@", "r": 2, "c": "z"}, ["xyz", "9", "9", None, "2", "z"]),
]


def case_narrow_columns():
    """A table created beforehand with narrower columns than dest_pg's own (varchar(3), integer, smallint,
    numeric(4,2), real, char(2)): a value such a column cannot take is NULLed with a change in _connhost_meta, as one
    its type cannot take, instead of failing the COPY and every re-run of it. Both COPY formats: a table of only
    varchar and numeric columns goes binary, one with integer columns text."""
    narrowed = {"name": "varchar(3)", "n": "integer", "small": "smallint", "x": "numeric(4,2)", "r": "real", "c": "char(2)"}
    with Db("narrow_columns") as d:
        for table, cols in (("narrow_text", list(narrowed)), ("narrow_bin", ["name", "x"])):
            psql("CREATE TABLE public.%s (id bigint, %s); ALTER TABLE public.%s OWNER TO %s"
                 % (table, ", ".join("%s %s" % (c, narrowed[c]) for c in cols), table, server()["username"]), d.name)
            schema = {"type": "object", "properties": {k: NARROW_SCHEMA["properties"][k] for k in ["id"] + cols}}
            lines = ['{"type": "RECORD", "record": {"stream": "%s", "emitted_at": 1000, "data": %s}}'
                     % (table, re.sub(r'"@([^@]*)@"', r"\1", json.dumps(dict({"id": i}, **{k: v for k, v in data.items() if k in cols}))))
                     for i, (data, _) in enumerate(NARROW_ROWS)]
            d.sync([Stream(None, table, schema, "append")], lines + [state_line(1)])
            got = _rows(d.name, table, ["id"] + cols + ["_connhost_meta"])
            for i, (data, want) in enumerate(NARROW_ROWS):
                want_cells = [w for c, w in zip(narrowed, want) if c in cols]
                nulled = sorted(c for c, w in zip(narrowed, want) if c in cols and w is None and data[c] is not None)
                meta = json.loads(got[i][-1]) if got[i][-1] else {"changes": []}
                changes = sorted(ch["field"] for ch in meta["changes"])
                same = [g == w or (c == "r" and None not in (g, w) and abs(float(g) - float(w)) <= 1e-6 * abs(float(w)))
                        for c, g, w in zip([c for c in narrowed if c in cols], got[i][1:-1], want_cells)]
                check(all(same) and len(got[i]) == len(want_cells) + 2 and changes == nulled,
                      "%s row %d: stored %r with changes %r, expected %r with %r NULLed" % (table, i, got[i][1:-1], meta["changes"],
                                                                                           want_cells, nulled))
                check(all(ch["change"] == "NULLED" and ch["reason"] == "DESTINATION_FIELD_SIZE_LIMITATION" for ch in meta["changes"]),
                      "%s row %d: the changes say NULLED, DESTINATION_FIELD_SIZE_LIMITATION: %r" % (table, i, meta["changes"]))
        print("values past varchar(3), integer, smallint, numeric(4,2), real and char(2) NULLed, the rest stored")
        narrow_numeric_against_server(d)
        narrow_uuid_enum_against_server(d)
        # A refusal dest_pg does not check (a CHECK constraint) fails the COPY: a config error that says to change the table.
        psql("CREATE TABLE public.ids (id bigint CHECK (id < 100), u text); ALTER TABLE public.ids OWNER TO %s"
             % server()["username"], d.name)
        schema = {"type": "object", "properties": {"id": {"type": "integer"}, "u": {"type": "string"}}}
        p, _ = run_write(d.tmp, d.config, configured([Stream(None, "ids", schema, "append")]),
                         lines_bytes([record_line("ids", {"id": 1000, "u": "x"}, 1), state_line(1)]))
        err = p.stderr.decode()
        check(p.returncode != 0 and "(config error)" in err and "ids_id_check" in err and "Change the table" in err,
              "a value the table's CHECK refuses fails the write as a config error saying to change the table: %s" % err[-800:])
        # The same refusal when another stream's rows follow: the server answers the ended COPY only when the next one
        # starts, and the write still fails with it, committing neither stream's rows and echoing no state.
        other = Stream(None, "after_ids", schema, "append")
        p, _ = run_write(d.tmp, d.config, configured([Stream(None, "ids", schema, "append"), other]),
                         lines_bytes([record_line("ids", {"id": 1000, "u": "x"}, 1)] +
                                     [record_line("after_ids", {"id": i, "u": "y"}, 1) for i in range(3)] +
                                     [state_line(1)]))
        err = p.stderr.decode()
        check(p.returncode != 0 and "(config error)" in err and "ids_id_check" in err and b'"STATE"' not in p.stdout,
              "a refused COPY followed by another stream's fails the write, echoing no state: %s" % err[-800:])
        left = psql("SELECT (SELECT count(*) FROM public.ids) + (SELECT count(*) FROM public.after_ids)", d.name).strip()
        check(left == "0", "%s row(s) committed by the failed write" % left)
        # Over two connections, the refused stream on the second: the first lane commits nothing either.
        p, _ = run_write(d.tmp, dict(d.config, connections=2, commit_ms=0),
                         configured([other, Stream(None, "ids", schema, "append")]),
                         lines_bytes([record_line("after_ids", {"id": i, "u": "y"}, 1) for i in range(3)] +
                                     [record_line("ids", {"id": 1000, "u": "x"}, 1), state_line(1)]))
        err = p.stderr.decode()
        check(p.returncode != 0 and "ids_id_check" in err and b'"STATE"' not in p.stdout,
              "a refused COPY on the second of two connections fails the write, echoing no state: %s" % err[-800:])
        left = psql("SELECT (SELECT count(*) FROM public.ids) + (SELECT count(*) FROM public.after_ids)", d.name).strip()
        check(left == "0", "%s row(s) committed by the failed write over two connections" % left)


def random_uuid_text(rng):
    """A uuid text in one of the forms uuid_in takes, or one mutated near them (a digit, dash, brace or space)."""
    hexdigits = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(32))
    form = rng.randrange(4)
    if form == 0:
        text = "-".join([hexdigits[:8], hexdigits[8:12], hexdigits[12:16], hexdigits[16:20], hexdigits[20:]])
    elif form == 1:
        text = "-".join(hexdigits[i:i + 4] for i in range(0, 32, 4))  # a dash after every group of four
    else:
        text = hexdigits
    if form == 3 or rng.random() < 0.2:
        text = "{" + text + "}"
    for _ in range(rng.choice([0, 0, 1, 2])):
        at = rng.randrange(len(text) + 1)
        text = rng.choice([text[:at] + rng.choice("-g {}0") + text[at:], text[:at] + text[at + 1:]])
    return text


def narrow_uuid_enum_against_server(d):
    """600 uuid texts and enum labels into a table created beforehand with a uuid and an enum column: each is NULLed
    (DESTINATION_TYPECAST_ERROR) exactly when PostgreSQL's own cast of it fails, where such a value used to fail the
    whole COPY, and every re-run."""
    import random
    rng = random.Random(20261204)
    psql("CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy', 'it''s \\ odd');"
         "CREATE TABLE public.typed (id bigint, u_raw text, m_raw text, u uuid, m public.mood);"
         "ALTER TABLE public.typed OWNER TO %s;"
         "CREATE FUNCTION casts(t text, typ text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
         "EXECUTE format('SELECT %%L::%%s', t, typ); RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$"
         % server()["username"], d.name)
    labels = ["sad", "ok", "happy", "it's \\ odd", "OK", "ok ", "", "happy\n", "it's \\\\ odd", "sad\t"]
    rows = [{"id": i, "u": random_uuid_text(rng), "m": rng.choice(labels)} for i in range(600)]
    lines = ['{"type": "RECORD", "record": {"stream": "typed", "emitted_at": 1, "data": {"id": %d, "u_raw": %s, '
             '"m_raw": %s, "u": %s, "m": %s}}}' % (r["id"], json.dumps(r["u"]), json.dumps(r["m"]), json.dumps(r["u"]),
                                                   json.dumps(r["m"])) for r in rows]
    schema = {"type": "object", "properties": {k: {"type": "integer" if k == "id" else "string"}
                                               for k in ("id", "u_raw", "m_raw", "u", "m")}}
    d.sync([Stream(None, "typed", schema, "append")], lines + [state_line(1)])
    wrong = psql_json("SELECT coalesce(json_agg(json_build_array(id, raw, stored_null)), '[]') FROM ("
                      "SELECT id, u_raw AS raw, u IS NULL AS stored_null, casts(u_raw, 'uuid') AS ok FROM public.typed "
                      "UNION ALL SELECT id, m_raw, m IS NULL, casts(m_raw, 'public.mood') FROM public.typed"
                      ") x WHERE stored_null = ok", d.name)
    check(not wrong, "%d of 1200 values NULLed where PostgreSQL takes them or kept where it refuses them, e.g. %r"
          % (len(wrong), wrong[:10]))
    counts = psql("SELECT count(*) FILTER (WHERE u IS NULL), count(*) FILTER (WHERE m IS NULL), "
                  "count(*) FILTER (WHERE CASE WHEN u IS NULL THEN false ELSE u <> u_raw::uuid END) FROM public.typed",
                  d.name).strip().split("|")
    check(0 < int(counts[0]) < 600 and 0 < int(counts[1]) < 600 and counts[2] == "0",
          "some but not all uuid and enum values NULLed, the rest stored as given: %r" % counts)
    reasons = psql_json("SELECT coalesce(json_agg(DISTINCT c->>'reason'), '[]') FROM public.typed, "
                        "jsonb_array_elements(_connhost_meta->'changes') c", d.name)
    check(reasons == ["DESTINATION_TYPECAST_ERROR"], "the changes of NULLed uuid and enum values: %r" % reasons)
    print("600 uuid texts and enum labels: NULLed exactly where PostgreSQL's cast fails (%s uuid, %s enum)"
          % (counts[0], counts[1]))


def random_json_number(rng):
    """A JSON number text near the edges of numeric(p,s): runs of 9s, 5s and 4s, zeros, exponents."""
    digit = lambda: rng.choice("9999954401")  # noqa: E731
    whole = "".join(digit() for _ in range(rng.randint(0, 6))).lstrip("0") or "0"
    text = ("-" if rng.random() < 0.3 else "") + whole
    if rng.random() < 0.7:
        text += "." + "".join(digit() for _ in range(rng.randint(1, 8)))
    if rng.random() < 0.3:
        text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 8))
    return text


def narrow_numeric_against_server(d):
    """2000 numbers near the edges into numeric(4,2), (3,0), (5,5) and (10,3) columns: each is NULLed exactly when
    PostgreSQL's own cast of its text to that type fails."""
    import random
    rng = random.Random(20261204)
    types = {"a": (4, 2), "b": (3, 0), "c": (5, 5), "e": (10, 3)}
    psql("CREATE TABLE public.numfuzz (id bigint, raw text, %s); ALTER TABLE public.numfuzz OWNER TO %s;"
         "CREATE FUNCTION fits(t text, p int, s int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
         "EXECUTE format('SELECT %%L::numeric(%%s,%%s)', t, p, s); RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$"
         % (", ".join("%s numeric(%d,%d)" % (c, p, s) for c, (p, s) in types.items()), server()["username"]), d.name)
    numbers = [random_json_number(rng) for _ in range(2000)]
    lines = ['{"type": "RECORD", "record": {"stream": "numfuzz", "emitted_at": 1, "data": {"id": %d, "raw": "%s", %s}}}'
             % (i, n, ", ".join('"%s": %s' % (c, n) for c in types)) for i, n in enumerate(numbers)]
    schema = {"type": "object", "properties": dict({"id": {"type": "integer"}, "raw": {"type": "string"}},
                                                   **{c: {"type": "number"} for c in types})}
    d.sync([Stream(None, "numfuzz", schema, "append")], lines + [state_line(1)])
    wrong = psql_json("SELECT coalesce(json_agg(json_build_array(raw, col, stored_null)), '[]') FROM ("
                      + " UNION ALL ".join("SELECT raw, '%s' AS col, %s IS NULL AS stored_null, fits(raw, %d, %d) AS ok "
                                           "FROM public.numfuzz" % (c, c, p, s) for c, (p, s) in types.items())
                      + ") x WHERE stored_null = ok", d.name)
    nulled = int(psql("SELECT count(*) FROM public.numfuzz WHERE a IS NULL", d.name).strip())
    check(not wrong, "%d of 8000 values NULLed where PostgreSQL takes them or kept where it refuses them, e.g. %r"
          % (len(wrong), wrong[:10]))
    check(0 < nulled < len(numbers), "some but not all values past numeric(4,2) (%d of %d)" % (nulled, len(numbers)))
    print("2000 numbers x 4 numeric(p,s) columns: NULLed exactly where PostgreSQL's cast fails (%d past (4,2))" % nulled)


CASES = {"file": case_file}
CASES.update({k[5:]: v for k, v in globals().items() if k.startswith("case_") and k != "case_file"})

if __name__ == "__main__":
    main(CASES)
