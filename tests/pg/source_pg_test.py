#!/usr/bin/env python3
"""source_postgres through the real `connhost` binary against a real PostgreSQL (the pg_server fixture).

Each case builds its own database(s) with psql, runs `connhost run --plugin source_postgres ...` or
`connhost sync`, and checks what came out against values written down here or read back with psql.

  source_pg_test.py <case>
"""
import copy
import json
import os
import re
import signal
import sqlite3
import subprocess
import time

from pg_lib import (Db, Failure, check, free_port, describe, drop_database, exact, fresh_database, parse_output, psql,
                    psql_json, run, server, write_json, main, CONNHOST)

ROLE = "connhost_test"


class SourceDb(Db):
    """A fresh database (plus a temp dir) whose tables the test role owns; dropped when the case passed."""

    def __init__(self, tag):
        super().__init__("src_" + tag)

    def __enter__(self):
        super().__enter__()
        self.config["connect_attempts"] = 1
        return self

    def sql(self, text, as_owner=True):
        """Runs `text` in this database (as the test role unless as_owner is False: then as the superuser)."""
        return psql(("SET ROLE %s;\n" % ROLE if as_owner else "") + text, self.name)

    def path(self, name, value):
        return write_json(os.path.join(self.tmp, name), value)

    def cfg(self, **extra):
        return self.path("source.json", dict(self.config, **extra))


def connhost(args, timeout=600):
    return run(args, timeout=timeout)


def messages(p):
    """(parsed messages, RECORD data as exact values) of a `run read`."""
    out = parse_output(p)
    exact_records = [exact(line) for line in p.stdout.decode("utf-8").split("\n") if line.startswith('{"type":"RECORD"')]
    return out, exact_records


def discover(db, cfg):
    p = connhost(["run", "--plugin", "source_postgres", "discover", "--config", cfg])
    check(p.returncode == 0, "discover failed: %s" % describe(p))
    cats = [m["catalog"] for m in parse_output(p) if m.get("type") == "CATALOG"]
    check(len(cats) == 1, "discover printed one CATALOG")
    return {(s.get("namespace"), s["name"]): s for s in cats[0]["streams"]}


def configured(streams, sync_mode="full_refresh", dest="append", cursor=None, pk=None):
    out = []
    for s in streams:
        c = {"stream": s, "sync_mode": sync_mode, "destination_sync_mode": dest}
        if cursor:
            c["cursor_field"] = cursor
        c["primary_key"] = pk if pk is not None else s.get("source_defined_primary_key", [])
        out.append(c)
    return {"streams": out}


def read(db, cfg, catalog, state=None, expect_ok=True):
    args = ["run", "--plugin", "source_postgres", "read", "--config", cfg, "--catalog", db.path("catalog.json", catalog)]
    if state is not None:
        args += ["--state", db.path("state.json", state)]
    p = connhost(args)
    if expect_ok:
        check(p.returncode == 0, "read failed: %s" % describe(p))
    return p


def records(exact_msgs, stream=None):
    out = []
    for m in exact_msgs:
        rec = m.get("record")
        if stream is None or rec.get("stream") == stream:
            out.append(rec.get("data"))
    return out


def states(msgs):
    return [m["state"] for m in msgs if m.get("type") == "STATE"]


def error_text(p):
    return p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------- discover and check

def case_discover():
    """Every readable relation of the configured schemas, with types, keys and cursor candidates; nothing else."""
    with SourceDb("discover") as db:
        db.sql("""
            CREATE SCHEMA sales; CREATE SCHEMA hidden;
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
            CREATE TABLE pairs (a int, b text, v text, PRIMARY KEY (b, a));
            CREATE VIEW cheap_items AS SELECT id, name FROM items WHERE price < 10;
            CREATE MATERIALIZED VIEW item_count AS SELECT count(*) AS n FROM items;
            CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE sales.orders (order_id bigint PRIMARY KEY, "Total Amount" numeric, "select" boolean);
            CREATE TABLE hidden.secret (id int);
        """)
        db.sql("CREATE TABLE public.locked (id int);", as_owner=False)  # owned by the superuser, never granted
        cfg = db.cfg(schemas=["public", "sales"])
        streams = discover(db, cfg)
        want = {("public", "items"), ("public", "pairs"), ("public", "cheap_items"), ("public", "item_count"), ("public", "events"),
                ("sales", "orders")}
        check(set(streams) == want, "discover lists exactly the readable relations of public and sales: %r" % sorted(streams))
        resumable = {k for k, s in streams.items() if s.get("is_resumable") is True}
        check(resumable == {("public", "items"), ("public", "pairs"), ("public", "item_count"), ("sales", "orders")},
              "is_resumable marks what a full refresh checkpoints (a key, or a table/materialized view by ctid): %r" % sorted(resumable))
        items = streams[("public", "items")]
        props = items["json_schema"]["properties"]
        check(list(props) == ["id", "name", "price", "updated_at"], "columns in table order: %r" % list(props))
        check(props["id"] == {"type": "integer"} and props["name"] == {"type": "string"}, "NOT NULL columns are not nullable: %r" % props)
        check(props["price"] == {"type": ["null", "number", "string"], "pattern": "^(NaN|Infinity|-Infinity)$"},
              "numeric is a nullable number or NaN / Infinity / -Infinity: %r" % props["price"])
        check(props["updated_at"].get("format") == "date-time" and props["updated_at"].get("airbyte_type") == "timestamp_with_timezone",
              "timestamptz is a date-time with time zone: %r" % props["updated_at"])
        check(items["source_defined_primary_key"] == [["id"]], "items' primary key: %r" % items["source_defined_primary_key"])
        check(items["supported_sync_modes"] == ["full_refresh", "incremental"], "both sync modes")
        check(items["cursor_candidates"] == [["id"], ["updated_at"]], "cursor candidates: %r" % items["cursor_candidates"])
        check(streams[("public", "pairs")]["source_defined_primary_key"] == [["b"], ["a"]], "a composite key keeps the index order")
        check(streams[("public", "cheap_items")]["source_defined_primary_key"] == [], "a view has no primary key")
        check(list(streams[("sales", "orders")]["json_schema"]["properties"]) == ["order_id", "Total Amount", "select"],
              "any column name is kept as it is")
        check(streams[("public", "events")]["json_schema"]["properties"]["at"].get("format") == "date", "a partitioned table by its parent")


def connection_status(p):
    """The CONNECTION_STATUS objects a `run check` printed."""
    return [m["connectionStatus"] for m in parse_output(p) if m.get("type") == "CONNECTION_STATUS"]


def case_check():
    """check succeeds on a good config and says what is wrong otherwise, without printing the password."""
    with SourceDb("check") as db:
        db.sql("CREATE TABLE t (id int);")
        p = connhost(["run", "--plugin", "source_postgres", "check", "--config", db.cfg()])
        st = connection_status(p)
        check(p.returncode == 0 and st and st[0]["status"] == "SUCCEEDED", "check succeeds: %s" % describe(p))

        p = connhost(["run", "--plugin", "source_postgres", "check", "--config", db.cfg(schemas=["public", "no_such_schema"])])
        st = connection_status(p)
        check(st and st[0]["status"] == "FAILED" and "no_such_schema" in st[0].get("message", "") and "config.schemas" in st[0]["message"],
              "a missing schema is named: %r" % st)

        bad_pw = "WRONG-pass-271828"
        p = connhost(["run", "--plugin", "source_postgres", "check", "--config", db.cfg(password=bad_pw)])
        st = connection_status(p)
        check(st and st[0]["status"] == "FAILED" and "config.password" in st[0].get("message", ""),
              "a rejected login says to check the password: %r" % st)
        check(bad_pw not in error_text(p), "the password is never printed")

        info = server()
        dead_port = free_port()
        p = connhost(["run", "--plugin", "source_postgres", "check", "--config", db.cfg(port=dead_port, connect_backoff_ms=10)])
        st = connection_status(p)
        msg = st[0].get("message", "") if st else ""
        check(st and st[0]["status"] == "FAILED" and ("127.0.0.1:%d" % dead_port) in msg and "server is running" in msg,
              "a dead server is named host:port with what to check: %r" % msg)
        check(info["port"] != dead_port, "the dead port is not the test server's")


# ---------------------------------------------------------------- values

# The strings an array column may carry: PostgreSQL's literal of an array whose lower bounds are not all 1
# (connhost::sdk::kArrayBoundsPattern).
ARRAY_BOUNDS_PATTERN = "^(\\[-?[0-9]+:-?[0-9]+\\])+=\\{"


def array_schema(element):
    """An array column's schema: PostgreSQL ignores declared dimensions, so items nest up to its 6 (MAXDIM); an array
    with other lower bounds than 1 is its literal text ("[0:1]={7,8}")."""
    items = dict(element)
    for _ in range(5):
        items = {"anyOf": [dict(element), {"type": "array", "items": items}]}
    return {"type": ["null", "array", "string"], "items": items, "pattern": ARRAY_BOUNDS_PATTERN}


# numeric and float columns: a number, or one of the strings NaN / Infinity / -Infinity (a JSON number cannot be one)
NUMBER = {"type": ["null", "number", "string"], "pattern": "^(NaN|Infinity|-Infinity)$"}
FLOAT = dict(NUMBER, format="double")
# json and jsonb: the exact text as a string (json 'null' is the string "null", SQL NULL is null)
JSON_TEXT = {"type": ["null", "string"], "contentMediaType": "application/json"}

# (column, SQL type, [(SQL literal of the value, the JSON the record must hold)], the column's JSON schema)
EVERY_TYPE = [
    ("i2", "smallint", [("-32768", "-32768"), ("NULL", "null")], {"type": ["null", "integer"]}),
    ("i4", "integer", [("2147483647", "2147483647"), ("0", "0")], {"type": ["null", "integer"]}),
    ("i8", "bigint", [("-9223372036854775808", "-9223372036854775808"), ("NULL", "null")], {"type": ["null", "integer"]}),
    ("num", "numeric", [("123456789012345678901234567890.123456789012", "123456789012345678901234567890.123456789012"),
                        ("'NaN'", '"NaN"')], NUMBER),
    ("num_s", "numeric(12,2)", [("1.5", "1.50"), ("-0.004", "0.00")], NUMBER),
    ("r", "real", [("1.5", "1.5"), ("'Infinity'", '"Infinity"')], FLOAT),
    ("f8", "double precision", [("0.1", "0.1"), ("1e300", "1e+300")], FLOAT),
    ("b", "boolean", [("true", "true"), ("false", "false")], {"type": ["null", "boolean"]}),
    ("t", "text", [("E'line\\nbreak \"q\" \\\\ tab\\t \\u2028 \u00fc \U0001F600'", '"line\\nbreak \\"q\\" \\\\ tab\\t \\u2028 \u00fc \U0001F600"'),
                   ("''", '""'),
                   # every byte COPY's text format escapes (\\r \\b \\f \\v), a literal \\N that is no NULL, a trailing backslash
                   ("E'cr\\r bs\\b ff\\f vt\\x0b \\\\N end\\\\'", '"cr\\r bs\\b ff\\f vt\\u000b \\\\N end\\\\"'),
                   ("E'\\\\N'", '"\\\\N"')], {"type": ["null", "string"]}),
    ("vc", "varchar(5)", [("'abc'", '"abc"'), ("NULL", "null")], {"type": ["null", "string"]}),
    ("ch", "char(3)", [("'x'", '"x  "'), ("NULL", "null")], {"type": ["null", "string"]}),
    ("d", "date", [("'2024-02-29'", '"2024-02-29"'), ("'-infinity'", '"-infinity"')], {"type": ["null", "string"], "format": "date"}),
    ("d_bc", "date", [("'0044-03-15 BC'", '"0044-03-15 BC"'), ("'5874897-12-31'", '"5874897-12-31"')],
     {"type": ["null", "string"], "format": "date"}),
    ("tm", "time", [("'13:45:00.5'", '"13:45:00.5"'), ("'00:00'", '"00:00:00"')],
     {"type": ["null", "string"], "format": "time", "airbyte_type": "time_without_timezone"}),
    ("tmz", "timetz", [("'13:45:00+02'", '"13:45:00+02"'), ("'23:59:59.999-05:30'", '"23:59:59.999-05:30"')],
     {"type": ["null", "string"], "format": "time", "airbyte_type": "time_with_timezone"}),
    ("ts", "timestamp", [("'2024-01-31 13:45:00.25'", '"2024-01-31T13:45:00.25"'), ("'1999-12-31 23:59:59'", '"1999-12-31T23:59:59"')],
     {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"}),
    ("ts_bc", "timestamp", [("'0044-03-15 12:00:00.5 BC'", '"0044-03-15T12:00:00.5 BC"'), ("'294276-12-31 23:59:59.999999'", '"294276-12-31T23:59:59.999999"')],
     {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_without_timezone"}),
    ("tsz", "timestamptz", [("'2024-01-31 13:45:00.123456+05:30'", '"2024-01-31T08:15:00.123456Z"'), ("'infinity'", '"infinity"')],
     {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}),
    ("tsz_bc", "timestamptz", [("'0044-03-15 12:00:00+00 BC'", '"0044-03-15T12:00:00Z BC"'), ("'-infinity'", '"-infinity"')],
     {"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"}),
    ("j", "json", [("'{\"a\": [1, 2.50],\n \"b\": null}'", json.dumps('{"a": [1, 2.50],\n "b": null}')), ("'null'", '"null"')],
     JSON_TEXT),
    ("jb", "jsonb", [("'{\"k\": \"v\\u00e9\", \"n\": 1e2}'", json.dumps('{"k": "v\u00e9", "n": 100}')), ("'[1, \"x\", {}]'", json.dumps('[1, "x", {}]'))],
     JSON_TEXT),
    ("ia", "integer[]", [("'{1,NULL,3}'", "[1,null,3]"), ("'{}'", "[]")],
     array_schema({"type": ["null", "integer"]})),
    ("ta", "text[]", [("E'{\"a,b\",\"c\\\\\"d\",NULL,\"NULL\",\"  sp \"}'", '["a,b","c\\"d",null,"NULL","  sp "]'), ("NULL", "null")],
     array_schema({"type": ["null", "string"]})),
    ("ia2", "integer[][]", [("'{{1,2},{3,4}}'", "[[1,2],[3,4]]"), ("'[0:1]={7,8}'", '"[0:1]={7,8}"')],
     array_schema({"type": ["null", "integer"]})),
    ("na", "numeric[]", [("'{1.10,NaN}'", '[1.10,"NaN"]'), ("'{}'", "[]")],
     array_schema(NUMBER)),
    ("tsa", "timestamptz[]", [("'{\"2024-01-01 00:00:00+00\",\"2024-06-01 12:30:00+02\"}'", '["2024-01-01T00:00:00Z","2024-06-01T10:30:00Z"]'),
                              ("NULL", "null")],
     array_schema({"type": ["null", "string"], "format": "date-time", "airbyte_type": "timestamp_with_timezone"})),
    ("by", "bytea", [("'\\x00ff10'", '"AP8Q"'), ("'\\x'", '""')], {"type": ["null", "string"], "contentEncoding": "base64"}),
    ("u", "uuid", [("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", '"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"'), ("NULL", "null")],
     {"type": ["null", "string"]}),
    ("iv", "interval", [("'1 day 2 hours'", '"P1DT2H"'), ("'-3 minutes'", '"PT-3M"')], {"type": ["null", "string"], "format": "duration"}),
    ("ip", "inet", [("'10.0.0.1/8'", '"10.0.0.1/8"'), ("'::1'", '"::1"')], {"type": ["null", "string"]}),
    ("m", "mood", [("'happy'", '"happy"'), ("'sad'", '"sad"')], {"type": ["null", "string"]}),
    ("p", "posint", [("5", "5"), ("NULL", "null")], {"type": ["null", "integer"]}),
]


def every_type_table(db):
    cols = ", ".join('"%s" %s' % (c, t) for c, t, _, _ in EVERY_TYPE)
    db.sql("CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
           "CREATE TABLE every_type (id int PRIMARY KEY, %s);" % cols)
    rows = len(EVERY_TYPE[0][2])
    for r in range(rows):
        vals = ", ".join(v[r][0] for _, _, v, _ in EVERY_TYPE)
        db.sql('INSERT INTO every_type (id, %s) VALUES (%d, %s);' % (", ".join('"%s"' % c for c, _, _, _ in EVERY_TYPE), r + 1, vals))
    db.sql("INSERT INTO every_type (id) VALUES (%d);" % (rows + 1))  # every column NULL
    return rows + 1


def case_every_type():
    """Each PostgreSQL type becomes the JSON value and schema written down in EVERY_TYPE, exactly."""
    with SourceDb("every_type") as db:
        n = every_type_table(db)
        cfg = db.cfg()
        streams = discover(db, cfg)
        s = streams[("public", "every_type")]
        props = s["json_schema"]["properties"]
        for col, sqltype, _, schema in EVERY_TYPE:
            check(props.get(col) == schema, "%s (%s): schema %r, expected %r" % (col, sqltype, props.get(col), schema))
        p = read(db, cfg, configured([s]))
        msgs, recs = messages(p)
        data = records(recs, "every_type")
        check(len(data) == n, "%d records, expected %d" % (len(data), n))
        by_id = {int(d.get("id").text): d for d in data}
        for r in range(n - 1):
            d = by_id[r + 1]
            check([k for k, _ in d] == ["id"] + [c for c, _, _, _ in EVERY_TYPE], "row %d: the record has every column, in order" % (r + 1))
            for col, sqltype, vals, _ in EVERY_TYPE:
                want = exact(vals[r][1])
                check(d.get(col) == want, "row %d %s (%s) = %s: record holds %r, expected %r" % (r + 1, col, sqltype, vals[r][0], d.get(col), want))
        last = by_id[n]
        check(all(v is None for k, v in last if k != "id"), "an all-NULL row gives JSON null for every column")
        st = [m["trace"]["stream_status"]["status"] for m in msgs if m.get("type") == "TRACE" and m["trace"].get("type") == "STREAM_STATUS"]
        check(st == ["STARTED", "COMPLETE"], "stream status STARTED then COMPLETE: %r" % st)
        check([x["stream"]["stream_state"] for x in states(msgs)] == [{}],
              "a full refresh shorter than state_interval ends with one STATE, {}: nothing to resume")

        # The configured json_schema picks the columns to read.
        narrowed = dict(s, json_schema={"type": "object", "properties": {"t": props["t"], "jb": props["jb"]}})
        p = read(db, cfg, configured([narrowed]))
        _, recs = messages(p)
        check(all([k for k, _ in d] == ["t", "jb"] for d in records(recs)), "only the configured columns are read")


# ---------------------------------------------------------------- volume

def case_full_refresh_100k():
    """100k rows through a server-side cursor, 1000 a FETCH: every row once, in order, every value right."""
    n = 100000
    with SourceDb("full_100k") as db:
        db.sql("CREATE TABLE big (id bigint PRIMARY KEY, name text, score numeric(12,2), flag boolean, at timestamptz);"
               "INSERT INTO big SELECT g, 'user-' || g, g * 1.25, g %% 3 = 0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' "
               "FROM generate_series(1, %d) g;" % n)
        cfg = db.cfg(fetch_rows=1000)
        s = discover(db, cfg)[("public", "big")]
        p = read(db, cfg, configured([s]))
        check(b'"type":"RECORD"' in p.stdout, "records printed")
        count = 0
        base = 1704067200  # 2024-01-01T00:00:00Z
        for line in p.stdout.decode("utf-8").split("\n"):
            if not line.startswith('{"type":"RECORD"'):
                continue
            count += 1
            d = json.loads(line, parse_float=str)["record"]["data"]
            i = d["id"]
            check(i == count, "record %d has id %r (ids in table order)" % (count, i))
            t = time.gmtime(base + i)
            want_at = "%04d-%02d-%02dT%02d:%02d:%02dZ" % t[:6]
            if d["name"] != "user-%d" % i or d["score"] != "%d.%02d" % divmod(i * 125, 100) or d["flag"] != (i % 3 == 0) or d["at"] != want_at:
                raise Failure("record %d: %r (expected score %s, at %s)" % (count, d, "%d.%02d" % divmod(i * 125, 100), want_at))
        check(count == n, "%d records, expected %d" % (count, n))
        log = [m["log"]["message"] for m in parse_output(p) if m.get("type") == "LOG"]
        check(any("public.big: %d records" % n in l for l in log), "the source logs the stream's record count")


# ---------------------------------------------------------------- incremental

def case_incremental():
    """A STATE every state_interval rows and at the end; a re-run from the last state reads only rows at or after its cursor."""
    with SourceDb("incremental") as db:
        db.sql("CREATE TABLE ev (id int PRIMARY KEY, updated_at timestamptz NOT NULL, v text);"
               "INSERT INTO ev SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', 'v' || g "
               "FROM generate_series(1, 1000) g;")
        cfg = db.cfg(state_interval=300, fetch_rows=128)
        s = discover(db, cfg)[("public", "ev")]
        cat = configured([s], "incremental", "append_dedup", cursor=["updated_at"])
        p = read(db, cfg, cat)
        msgs, recs = messages(p)
        ids = [int(d.get("id").text) for d in records(recs)]
        check(ids == list(range(1, 1001)), "the first read emits all 1000 rows in cursor order")
        st = states(msgs)
        cursors = [x["stream"]["stream_state"]["cursor"] for x in st]
        check(cursors == ["2024-01-01 05:00:00+00", "2024-01-01 10:00:00+00", "2024-01-01 15:00:00+00", "2024-01-01 16:40:00+00"],
              "a STATE after rows 300, 600, 900 and at the end, each with the cursor it covers: %r" % cursors)
        check(all(x["type"] == "STREAM" and x["stream"]["stream_descriptor"] == {"name": "ev", "namespace": "public"}
                  and x["stream"]["stream_state"]["cursor_field"] == ["updated_at"] for x in st), "STREAM states for public.ev: %r" % st[0])
        # Records before each state: the state follows the 300th record.
        lines = [m for m in msgs if m.get("type") in ("RECORD", "STATE")]
        first_state = next(i for i, m in enumerate(lines) if m["type"] == "STATE")
        check(first_state == 300, "the first STATE follows exactly 300 records (after %d)" % first_state)

        db.sql("INSERT INTO ev SELECT g, timestamptz '2024-01-02 00:00:00+00' + g * interval '1 minute', 'new' || g "
               "FROM generate_series(1001, 1050) g;"
               "UPDATE ev SET updated_at = timestamptz '2024-01-03 00:00:00+00' + id * interval '1 second', v = 'changed' "
               "WHERE id IN (5, 50, 500);")
        p = read(db, cfg, cat, state=[st[-1]])
        msgs, recs = messages(p)
        ids = sorted(int(d.get("id").text) for d in records(recs))
        check(ids == sorted([1000] + list(range(1001, 1051)) + [5, 50, 500]),
              "the re-run reads only the boundary row, the 50 new and the 3 updated rows: %r" % ids[:20])
        check(states(msgs)[-1]["stream"]["stream_state"]["cursor"] == "2024-01-03 00:08:20+00", "the last state holds the new maximum")

        p = read(db, cfg, cat, state=[states(msgs)[-1]])
        msgs, recs = messages(p)
        check([int(d.get("id").text) for d in records(recs)] == [500], "a re-run with nothing new re-reads only the boundary row")

        # A legacy-style array of states, a state of another cursor field, an integer cursor.
        cat_id = configured([s], "incremental", "append", cursor=["id"])
        p = read(db, cfg, cat_id, state=[st[-1]])
        msgs, recs = messages(p)
        check(len(records(recs)) == 1050, "a state for another cursor field is not applied: everything is read")
        check("another cursor field" in error_text(p), "and that is logged")
        p = read(db, cfg, cat_id, state=[states(msgs)[-1]])
        _, recs = messages(p)
        check([int(d.get("id").text) for d in records(recs)] == [1050], "an integer cursor resumes from its value")


def case_incremental_errors():
    """Misconfigured incremental streams fail with a config error naming the stream and what to pick."""
    with SourceDb("incr_errors") as db:
        db.sql("CREATE TABLE ev (id int PRIMARY KEY, v text);")
        cfg = db.cfg()
        s = discover(db, cfg)[("public", "ev")]
        p = read(db, cfg, configured([s], "incremental", "append"), expect_ok=False)
        check(p.returncode != 0 and "public.ev" in error_text(p) and "cursor_field" in error_text(p),
              "incremental without a cursor names the stream and cursor_field: %s" % describe(p))
        p = read(db, cfg, configured([s], "incremental", "append", cursor=["nope"]), expect_ok=False)
        check(p.returncode != 0 and '"nope" is not a column' in error_text(p), "an unknown cursor column is named")
        missing = dict(s, name="gone")
        p = read(db, cfg, configured([missing]), expect_ok=False)
        check(p.returncode != 0 and "public.gone" in error_text(p) and "discover" in error_text(p),
              "a stream that is no table names it and says to run discover: %s" % describe(p))


# ---------------------------------------------------------------- syncs into destinations

PEOPLE_SQL = """
CREATE TABLE people (id int PRIMARY KEY, big bigint, amount numeric, name text, active boolean, born date,
                     seen_at timestamptz NOT NULL, local_at timestamp, doc jsonb, tags text[]);
INSERT INTO people
SELECT g, g::bigint * 1000000007, (g * 3.14159)::numeric(20,5) * CASE WHEN g %% 7 = 0 THEN -1 ELSE 1 END,
       CASE g %% 5 WHEN 0 THEN E'multi\\nline "quoted" \\u2028' WHEN 1 THEN 'ünïcødé ' || g WHEN 2 THEN '' ELSE 'name ' || g END,
       g %% 2 = 0, date '2000-01-01' + g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1.5 second',
       timestamp '2023-06-01 12:00:00' + g * interval '1 minute',
       jsonb_build_object('g', g, 'half', g / 2.0, 'list', jsonb_build_array(g, 'x')),
       ARRAY['t' || g, 'with,comma', 'q"uote']
FROM generate_series(1, %d) g;
INSERT INTO people (id, seen_at) VALUES (0, '2024-01-01 00:00:00+00');
"""


def people_source(db, n):
    db.sql(PEOPLE_SQL % n)
    return db.cfg(state_interval=500, fetch_rows=700)


def sync_connection(db, dest_plugin, dest_config, tag):
    conn = {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
            "destination": {"plugin": dest_plugin, "config": dest_config},
            "streams": [{"name": "people", "sync_mode": "incremental", "cursor_field": ["seen_at"], "destination_sync_mode": "append_dedup"}],
            "state_file": os.path.join(db.tmp, tag + ".state.json")}
    return db.path(tag + ".connection.json", conn)


def sync(conn):
    p = connhost(["sync", conn])
    check(p.returncode == 0, "sync failed: %s" % describe(p))
    return p


# Each column as text, the same on both sides of a PostgreSQL -> PostgreSQL copy (TimeZone UTC).
PG_COLUMNS_SRC = ["id::text", "big::text", "amount::text", "name", "active::text", "born::text", "seen_at::text",
                  "local_at::text", "doc::text", "tags::text"]
PG_COLUMNS_DST = ["id::text", "big::text", "amount::text", "name", "active::text", "born::text", "seen_at::text",
                  "local_at::text", "doc::text", "tags::text"]
PG_TYPES_DST = {"id": "bigint", "big": "bigint", "amount": "numeric", "name": "text", "active": "boolean", "born": "date",
                "seen_at": "timestamp with time zone", "local_at": "timestamp without time zone", "doc": "json", "tags": "text[]"}


def pg_rows(db, table, columns):
    return psql_json("SELECT coalesce(json_agg(json_build_array(%s) ORDER BY id), '[]') FROM %s" % (", ".join(columns), table), db)


def case_sync_to_pg():
    """`connhost sync` source_postgres -> dest_pg copies the table value for value; an incremental re-run brings the changes."""
    with SourceDb("sync_pg") as db:
        dest = "dst_sync_pg"
        dest_cfg = fresh_database(dest)
        people_source(db, 3000)
        conn = sync_connection(db, "dest_pg", dest_cfg, "pg")
        sync(conn)
        types = dict(psql_json("SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod))) FROM pg_attribute "
                               "WHERE attrelid = 'public.people'::regclass AND attnum > 0 AND NOT attisdropped", dest))
        for col, t in PG_TYPES_DST.items():
            check(types.get(col) == t, "dest column %s is %s, expected %s" % (col, types.get(col), t))
        src_rows = pg_rows(db.name, "people", PG_COLUMNS_SRC)
        dst_rows = pg_rows(dest, "public.people", PG_COLUMNS_DST)
        check(len(src_rows) == 3001 and len(dst_rows) == 3001, "3001 rows on both sides (%d, %d)" % (len(src_rows), len(dst_rows)))
        for a, b in zip(src_rows, dst_rows):
            check(a == b, "row id %s: source %r, destination %r" % (a[0], a, b))

        db.sql("UPDATE people SET name = 'renamed', amount = 0.000001, seen_at = timestamptz '2030-01-01 00:00:00+00' + id * interval '1 second' "
               "WHERE id IN (10, 20, 30);"
               "INSERT INTO people (id, name, seen_at) SELECT g, 'late ' || g, timestamptz '2030-02-01 00:00:00+00' + g * interval '1 second' "
               "FROM generate_series(3001, 3100) g;")
        p = sync(conn)
        check("104 records committed" in p.stderr.decode(), "the re-run moves the boundary row, 3 updated and 100 new rows: %s"
              % p.stderr.decode()[-600:])
        src_rows = pg_rows(db.name, "people", PG_COLUMNS_SRC)
        dst_rows = pg_rows(dest, "public.people", PG_COLUMNS_DST)
        check(len(dst_rows) == 3101, "append_dedup keeps one row per id: %d rows" % len(dst_rows))
        for a, b in zip(src_rows, dst_rows):
            check(a == b, "after the re-run, row id %s: source %r, destination %r" % (a[0], a, b))
        drop_database(dest)


def iso_utc(pg_text):
    """'2024-01-01 00:00:01.5+00' (TimeZone UTC) as source_postgres writes it: '2024-01-01T00:00:01.5Z'."""
    check(pg_text.endswith("+00"), "a UTC timestamp: %r" % pg_text)
    return pg_text[:-3].replace(" ", "T") + "Z"


def case_sync_to_sqlite():
    """`connhost sync` source_postgres -> dest_sqlite: every cell equals the source's value in dest_sqlite's documented form."""
    with SourceDb("sync_sqlite") as db:
        people_source(db, 2000)
        path = os.path.join(db.tmp, "people.sqlite")
        conn = sync_connection(db, "dest_sqlite", {"path": path}, "sqlite")
        sync(conn)
        db.sql("UPDATE people SET active = NOT active, seen_at = '2031-01-01 00:00:00+00' WHERE id = 77;")
        sync(conn)
        src = psql_json("SELECT json_agg(json_build_array(id, big::text, amount::text, name, active, born::text, seen_at::text, "
                        "local_at::text, doc::text, to_jsonb(tags)::text) ORDER BY id) FROM people", db.name)
        with sqlite3.connect(path) as lite:
            got = lite.execute('SELECT id, big, amount, name, active, born, seen_at, local_at, doc, tags FROM "public__people" ORDER BY id').fetchall()
            decl = {r[1]: r[2] for r in lite.execute('PRAGMA table_info("public__people")')}
        check(decl["id"] == "INTEGER" and decl["amount"] == "NUMBER_TEXT" and decl["doc"] == "TEXT" and decl["active"] == "BOOLEAN",
              "sqlite column types from the discovered schema: %r" % decl)
        check(len(got) == len(src) == 2001, "2001 rows on both sides (%d, %d)" % (len(src), len(got)))
        for s, g in zip(src, got):
            want = (s[0], int(s[1]) if s[1] is not None else None, s[2], s[3], None if s[4] is None else int(s[4]), s[5],
                    iso_utc(s[6]), s[7].replace(" ", "T") if s[7] else None)
            check(tuple(g[:8]) == want, "row id %s: sqlite %r, expected %r" % (s[0], g[:8], want))
            check(g[8] == s[8], "row id %s doc: sqlite %r, the source's exact json text %r" % (s[0], g[8], s[8]))
            for i, what in ((9, "tags"),):
                if s[i] is None:
                    check(g[i] is None, "row id %s %s: NULL" % (s[0], what))
                else:
                    check(json.loads(g[i], parse_float=str) == json.loads(s[i], parse_float=str),
                          "row id %s %s: sqlite %r, source %r" % (s[0], what, g[i], s[i]))


def case_sigterm_resumes():
    """A sync interrupted by SIGTERM mid-table saves the acknowledged state; the re-run completes with every row exactly once."""
    with SourceDb("sigterm") as db:
        n = 400000
        db.sql("CREATE TABLE big (id int PRIMARY KEY, v text, at timestamptz NOT NULL);"
               "INSERT INTO big SELECT g, repeat('x', 40) || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 ms' "
               "FROM generate_series(1, %d) g;" % n)
        db.cfg(state_interval=5000, fetch_rows=2000)
        path = os.path.join(db.tmp, "big.sqlite")
        conn = db.path("c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                  "destination": {"plugin": "dest_sqlite", "config": {"path": path}},
                                  "streams": [{"name": "big", "sync_mode": "incremental", "cursor_field": ["at"],
                                               "destination_sync_mode": "append_dedup"}],
                                  "state_file": os.path.join(db.tmp, "state.json"),
                                  # A small queue keeps the source from reading the whole table ahead of the first
                                  # acknowledged state on a fast machine, so the SIGTERM lands mid-table.
                                  "queue_mb": 1})
        state = os.path.join(db.tmp, "state.json")
        p = subprocess.Popen([CONNHOST, "sync", conn], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None and not (os.path.exists(state) and os.path.getsize(state) > 0):
            time.sleep(0.005)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=120)
        check(p.returncode == 130, "SIGTERM ends the sync with exit code 130 (rc %s): %s" % (p.returncode, err.decode()[-400:]))
        saved = json.load(open(state))["states"]
        cursor = saved[0]["stream"]["stream_state"]["cursor"]
        with sqlite3.connect(path) as lite:
            rows = lite.execute('SELECT count(*), max(at) FROM "public__big"').fetchone()
        check(rows[0] < n, "the sync stopped mid-table (%d of %d rows)" % (rows[0], n))
        check(rows[1] >= iso_utc(cursor), "the saved cursor %s is covered by committed rows (max %s)" % (cursor, rows[1]))
        p = connhost(["sync", conn])
        check(p.returncode == 0, "the re-run succeeds: %s" % describe(p))
        with sqlite3.connect(path) as lite:
            count, distinct = lite.execute('SELECT count(*), count(DISTINCT id) FROM "public__big"').fetchone()
        check(count == distinct == n, "every row exactly once after the resume (%d rows, %d distinct)" % (count, distinct))


# ---------------------------------------------------------------- every common type, end to end

# (column, SQL type, [SQL literals, one a row]); a row past a column's list holds NULL there, and one row is all NULL.
ROUND_TRIP = [
    ("i2", "smallint", ["-32768", "32767"]),
    ("i4", "integer", ["2147483647", "-1"]),
    ("i8", "bigint", ["-9223372036854775808", "9223372036854775807"]),
    ("num", "numeric", ["'NaN'", "'Infinity'", "'-Infinity'", "1234567890123456789012345678901234567890",
                        "0.0000000000000000000000000000000000000001", "-1.50"]),
    ("num_s", "numeric(12,2)", ["1.5", "-0.004", "'NaN'"]),
    ("r", "real", ["1.5", "'NaN'", "'-Infinity'", "3.4028235e+38", "0.1"]),
    ("f8", "double precision", ["0.1", "1e300", "'NaN'", "'Infinity'", "'-0'", "5e-324"]),
    ("b", "boolean", ["true", "false"]),
    ("t", "text", ["E'line\\nbreak\\ttab \\\\ \"q\" \u00fc \U0001F600'", "''", "'NULL'"]),
    ("vc", "varchar(10)", ["'abc'"]),
    ("ch", "char(5)", ["'ab'"]),
    ("d", "date", ["'infinity'", "'-infinity'", "'0044-03-15 BC'", "'4714-11-24 BC'", "'5874897-12-31'", "'2024-02-29'"]),
    ("ts", "timestamp", ["'2024-01-31 13:45:00.25'", "'infinity'", "'-infinity'", "'0044-03-15 12:00:00 BC'",
                         "'294276-12-31 23:59:59.999999'", "'4714-11-24 00:00:00 BC'"]),
    ("tsz", "timestamptz", ["'2024-01-31 13:45:00.123456+05:30'", "'infinity'", "'-infinity'", "'0044-03-15 12:00:00+00 BC'",
                            "'294276-12-31 23:59:59.999999+00'"]),
    ("tm", "time", ["'13:45:00.5'", "'24:00:00'"]),
    ("tmz", "timetz", ["'13:45:00+02'", "'23:59:59.999-05:30'"]),
    ("iv", "interval", ["'1 year 2 months 3 days 04:05:06.7'", "'-3 minutes'", "'1 day -1 hour'", "'0'",
                        "'-178000000 years -2147483647 days -2562047788 hours -0.000001 seconds'"]),
    ("u", "uuid", ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"]),
    ("j", "json", ["'{\"b\": 1, \"a\": [1, 2.50],\n \"b\": 2}'", "'null'", "'\"text\"'", "'[]'"]),
    ("jb", "jsonb", ["'{\"k\": \"v\", \"n\": 1e2}'", "'null'", "'1.50'"]),
    ("by", "bytea", ["'\\x00ff10'", "'\\x'", "'\\x5c0a09'"]),
    ("ia", "integer[]", ["'{1,NULL,3}'", "'{}'"]),
    ("ia2", "integer[][]", ["'{{1,2},{3,4}}'", "'[0:1]={7,8}'", "'[-3:-2][1:1]={{5},{6}}'"]),
    ("ia3", "integer[]", ["'{{{1,2}},{{3,NULL}}}'", "'[2:3]={1,2}'"]),
    ("ta", "text[]", ["E'{\"a,b\",\"c\\\\\"d\",NULL,\"NULL\"}'",
                      r"""E'{"","  sp ","{x}","back\\\\slash","tab\there","line\nbreak","\u00fc\U0001F600",null}'""",
                      "'[0:2]={a,\"b c\",NULL}'"]),
    ("na", "numeric[]", ["'{1.10,NaN,-Infinity,NULL}'", "'[0:1]={-0.5,1e-3}'"]),
    ("f8a", "double precision[]", ["'{0.1,1e300,NaN,-Infinity,-0}'"]),
    ("ba", "boolean[]", ["'{t,f,NULL}'", "'[0:0]={t}'"]),
    ("da", "date[]", ["'{2024-02-29,infinity,\"0044-03-15 BC\"}'", "'[0:1]={2024-01-01,-infinity}'"]),
    ("tsa", "timestamptz[]", ["'{\"2024-01-31 13:45:00.123456+05:30\",-infinity,\"0044-03-15 12:00:00+00 BC\"}'",
                              "'[0:0]={\"2024-01-01 00:00:00+00\"}'"]),
    ("tsla", "timestamp[]", ["'{\"294276-12-31 23:59:59.999999\"}'"]),
    ("bya", "bytea[]", [r"""'{"\\x00ff10","\\x",NULL}'"""]),
    ("iva", "interval[]", ["'{\"1 day 2 hours\",\"-3 minutes\"}'", "'[0:0]={\"1 year\"}'"]),
    ("ua", "uuid[]", ["'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'"]),
    ("jba", "jsonb[]", [r"""'{"{\"a\": [1, 2.5]}","null",NULL}'"""]),
    ("cha", "char(3)[]", ["'{a,\"b c\"}'"]),
    ("ip", "inet", ["'10.0.0.1/8'", "'::1'"]),
    ("cidr", "cidr", ["'10.0.0.0/8'"]),
    ("mac", "macaddr", ["'08:00:2b:01:02:03'"]),
    ("mny", "money", ["'1234.56'", "'-0.01'"]),
    ("x", "xml", ["'<a b=\"1\">x &amp; y</a>'"]),
    ("pt", "point", ["'(1.5,-2)'"]),
    ("vb", "bit varying(8)", ["B'1010'"]),
    ("rng", "int4range", ["'[1,10)'", "'empty'"]),
    ("tsv", "tsvector", ["'a fat cat'"]),
    ("md", "mood", ["'happy'"]),
    ("pi", "posint", ["5"]),
]
ARRAYS = {"ia", "ia2", "ia3", "ta", "na", "f8a", "ba", "da", "tsa", "tsla", "bya", "iva", "ua", "jba", "cha"}
# Arrays whose elements source_postgres writes in another form than to_jsonb (ISO 8601, base64, JSON text in a string,
# double precision's shortest text): their SQLite text is not compared here (pg.source.every_type checks those records).
LITE_ARRAYS_UNCOMPARED = {"tsa", "tsla", "bya", "iva", "jba", "f8a"}

def out_text(expr):
    """`expr` in its type's text output, as psql shows it (a cast to text may differ: char(n) drops its padding,
    inet adds a /128); NULL stays NULL."""
    return "CASE WHEN (%s) IS NULL THEN NULL ELSE format('%%s', %s) END" % (expr, expr)


# What dest_pg reads back, as text, for a source column: the same text (the JSON schema names the type, arrays
# included, or a text column keeps the server's text).
def round_trip_exprs(col):
    q = '"%s"' % col
    return out_text(q), out_text(q)


ROUND_TRIP_PG_TYPES = {"i2": "bigint", "num": "numeric", "r": "double precision", "f8": "double precision", "d": "date",
                       "ts": "timestamp without time zone", "tsz": "timestamp with time zone", "j": "json", "jb": "json",
                       "t": "text", "b": "boolean", "by": "bytea", "iv": "interval",
                       "ia": "bigint[]", "ia2": "bigint[]", "ia3": "bigint[]", "ta": "text[]", "na": "numeric[]",
                       "f8a": "double precision[]", "ba": "boolean[]", "da": "date[]", "tsa": "timestamp with time zone[]",
                       "tsla": "timestamp without time zone[]", "bya": "bytea[]", "iva": "interval[]", "ua": "text[]",
                       "jba": "json[]", "cha": "text[]"}


def round_trip_table(db):
    cols = ", ".join('"%s" %s' % (c, t) for c, t, _ in ROUND_TRIP)
    db.sql("CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
           "CREATE TABLE round_trip (id int PRIMARY KEY, %s);" % cols)
    rows = max(len(v) for _, _, v in ROUND_TRIP)
    for r in range(rows):
        named = [(c, v[r]) for c, _, v in ROUND_TRIP if r < len(v)]
        db.sql('INSERT INTO round_trip (id, %s) VALUES (%d, %s);' % (", ".join('"%s"' % c for c, _ in named), r + 1,
                                                                      ", ".join(v for _, v in named)))
    db.sql("INSERT INTO round_trip (id) VALUES (%d);" % (rows + 1))
    return rows + 1


def round_trip_sync(db, dest_plugin, dest_config):
    conn = db.path(dest_plugin + ".connection.json", {
        "source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
        "destination": {"plugin": dest_plugin, "config": dest_config},
        "streams": [{"name": "round_trip", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
        "state_file": os.path.join(db.tmp, dest_plugin + ".state.json")})
    p = sync(conn)
    err = p.stderr.decode("utf-8", "replace")
    check("NULLED" not in err and "TRUNCATED" not in err, "the summary counts no changed value: %s" % err[-800:])


def lite_text(v):
    """A SQLite cell as text: what dest_sqlite stored (integers and booleans as their digits)."""
    return v if v is None or isinstance(v, str) else str(v)


def iso_form(col, pg_text):
    """The text dest_sqlite keeps for source text `pg_text`: source_postgres's JSON string (value_json.hpp)."""
    if pg_text is None:
        return None
    if col == "b":
        return {"t": "1", "f": "0"}[pg_text]
    if col not in ("ts", "tsz") or " " not in pg_text:
        return pg_text
    bc = pg_text.endswith(" BC")
    t = pg_text[:-3] if bc else pg_text
    if col == "tsz":
        check(t.endswith("+00"), "a UTC timestamp: %r" % pg_text)
        t = t[:-3] + "Z"
    return t.replace(" ", "T", 1) + (" BC" if bc else "")


def case_every_type_sync():
    """`connhost sync` source_postgres -> dest_pg and -> dest_sqlite keeps every value of every common type: each
    cell read back as text equals the source's (infinity, BC, year 294276, NaN, json 'null', 2-D arrays included),
    with no value changed in _connhost_meta; the source's records validate against its discovered schema."""
    with SourceDb("every_type_sync") as db:
        n = round_trip_table(db)
        cfg = db.cfg()
        cols = [c for c, _, _ in ROUND_TRIP]
        src_exprs, dst_exprs = zip(*(round_trip_exprs(c) for c in cols))

        p = connhost(["test-plugin", "source_postgres", "--config", cfg])
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode == 0 and re.search(r"^PASS +read.records_valid ", out, re.M), "certify accepts every record: %s" % out[-1500:])

        dest = "dst_every_type_sync"
        round_trip_sync(db, "dest_pg", fresh_database(dest))
        types = dict(psql_json("SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod))) FROM pg_attribute "
                               "WHERE attrelid = 'public.round_trip'::regclass AND attnum > 0 AND NOT attisdropped", dest))
        for col, t in ROUND_TRIP_PG_TYPES.items():
            check(types.get(col) == t, "dest_pg column %s is %s, expected %s" % (col, types.get(col), t))
        src = pg_rows(db.name, "round_trip", ["id"] + list(src_exprs))
        dst = pg_rows(dest, "public.round_trip", ["id"] + list(dst_exprs))
        check(len(src) == len(dst) == n, "%d rows on both sides (%d, %d)" % (n, len(src), len(dst)))
        for a, b in zip(src, dst):
            for i, col in enumerate(cols, 1):
                check(a[i] == b[i], "dest_pg row %s %s: source %r, destination %r" % (a[0], col, a[i], b[i]))
        meta = psql_json("SELECT json_agg(DISTINCT _connhost_meta::text) FROM public.round_trip", dest)
        check(meta == [None], "dest_pg changed no value (_connhost_meta NULL): %r" % meta)
        drop_database(dest)

        path = os.path.join(db.tmp, "round_trip.sqlite")
        round_trip_sync(db, "dest_sqlite", {"path": path})
        # dest_sqlite keeps the JSON value's text: intervals in ISO 8601, bytea in base64, arrays as JSON (an array with
        # other lower bounds than 1 as the JSON string of its literal).
        lite_array = "CASE WHEN {0}::text LIKE '[%' THEN to_jsonb({0}::text)::text ELSE to_jsonb({0})::text END"
        lite_src_exprs = ["encode(by, 'base64')" if c == "by" else lite_array.format(c) if c in ARRAYS else out_text('"%s"' % c)
                          for c in cols]
        src = psql_json("SET intervalstyle = iso_8601; SELECT json_agg(json_build_array(id, %s) ORDER BY id) FROM round_trip"
                        % ", ".join(lite_src_exprs), db.name)
        with sqlite3.connect(path) as lite:
            got = lite.execute('SELECT id, %s, _connhost_meta FROM "public__round_trip" ORDER BY id'
                               % ", ".join('"%s"' % c for c in cols)).fetchall()
        check(len(got) == len(src) == n, "%d rows in SQLite (%d)" % (n, len(got)))
        for s, g in zip(src, got):
            check(g[-1] == '{"changes":[]}', "dest_sqlite row %s changed no value: %r" % (s[0], g[-1]))
            for i, col in enumerate(cols, 1):
                have = lite_text(g[i])
                if col in LITE_ARRAYS_UNCOMPARED:
                    same = (have is None) == (s[i] is None)
                elif col in ARRAYS and s[i] is not None:
                    same = have is not None and json.loads(have, parse_float=str) == json.loads(s[i], parse_float=str)
                else:
                    same = have == iso_form(col, s[i])
                check(same, "dest_sqlite row %s %s: source %r, SQLite %r" % (s[0], col, s[i], have))


def case_json_into_old_jsonb():
    """json now travels as its text; a jsonb column an earlier sync made still receives the JSON itself."""
    with SourceDb("json_old_jsonb") as db:
        db.sql("CREATE TABLE docs (id int PRIMARY KEY, doc json);"
               "INSERT INTO docs VALUES (1, '{\"a\": [1, 2.50]}'), (2, 'null'), (3, '\"s\"'), (4, NULL);")
        db.cfg()
        dest = "dst_json_old_jsonb"
        cfg = fresh_database(dest)
        psql("SET ROLE %s; CREATE TABLE public.docs (id bigint, doc jsonb);" % ROLE, dest)
        conn = db.path("pg.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                  "destination": {"plugin": "dest_pg", "config": cfg},
                                  "streams": [{"name": "docs", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})
        sync(conn)
        got = pg_rows(dest, "public.docs", ["id", "doc::text", "jsonb_typeof(doc)"])
        check(got == [[1, '{"a": [1, 2.50]}', "object"], [2, "null", "null"], [3, '"s"', "string"], [4, None, None]],
              "the jsonb column holds the JSON values (json 'null' is JSON null, not SQL NULL): %r" % got)
        drop_database(dest)

        path = os.path.join(db.tmp, "docs.sqlite")
        with sqlite3.connect(path) as lite:
            lite.execute('CREATE TABLE "public__docs" ("_connhost_raw_id" TEXT, "_connhost_extracted_at" TEXT, '
                         '"_connhost_generation_id" INTEGER, "_connhost_meta" JSON_TEXT, "id" INTEGER, "doc" JSON_TEXT)')
        conn = db.path("lite.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                  "destination": {"plugin": "dest_sqlite", "config": {"path": path}},
                                  "streams": [{"name": "docs", "sync_mode": "full_refresh", "destination_sync_mode": "append"}]})
        sync(conn)
        with sqlite3.connect(path) as lite:
            got = lite.execute('SELECT id, doc FROM "public__docs" ORDER BY id').fetchall()
        check(got == [(1, '{"a": [1, 2.50]}'), (2, "null"), (3, '"s"'), (4, None)],
              "the JSON_TEXT column holds the JSON text, not a JSON string of it: %r" % got)


def case_dedup_jsonb_key():
    """A table keyed by a jsonb column syncs append_dedup into dest_pg twice: the key column is jsonb (json has no
    equality, so no unique index), and the second sync updates the rows of its keys instead of adding rows."""
    with SourceDb("dedup_jsonb_key") as db:
        db.sql("""CREATE TABLE docs (k jsonb PRIMARY KEY, v text, n int NOT NULL);
                  INSERT INTO docs VALUES ('{"a": 1}', 'one', 1), ('{"a": [1, 2.50]}', 'two', 2), ('"s"', 'three', 3),
                                          ('null', 'four', 4), ('1.0', 'five', 5);""")
        db.cfg()
        dest = "dst_dedup_jsonb_key"
        conn = db.path("pg.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                  "destination": {"plugin": "dest_pg", "config": fresh_database(dest)},
                                  "streams": [{"name": "docs", "sync_mode": "incremental", "cursor_field": ["n"],
                                               "destination_sync_mode": "append_dedup"}],
                                  "state_file": os.path.join(db.tmp, "pg.state.json")})
        sync(conn)
        types = dict(psql_json("SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod))) FROM pg_attribute "
                               "WHERE attrelid = 'public.docs'::regclass AND attnum > 0 AND NOT attisdropped", dest))
        check(types.get("k") == "jsonb", "the key column is jsonb: %r" % types.get("k"))
        db.sql("UPDATE docs SET v = v || ' again', n = n + 10 WHERE k IN ('{\"a\": 1}', 'null', '1.0');"
               "INSERT INTO docs VALUES ('[]', 'six', 20);")
        sync(conn)
        cols = ["k::text", "v", "n::text"]
        src = psql_json("SELECT json_agg(json_build_array(%s) ORDER BY k) FROM docs" % ", ".join(cols), db.name)
        dst = psql_json("SELECT json_agg(json_build_array(%s) ORDER BY k) FROM public.docs" % ", ".join(cols), dest)
        check(src == dst, "one row per key, the latest values: source %r, destination %r" % (src, dst))
        drop_database(dest)


# ---------------------------------------------------------------- resumable full refresh, estimates, stream endings

def stream_states(msgs):
    return [m["state"]["stream"]["stream_state"] for m in msgs if m.get("type") == "STATE"]


def case_resumable_full_refresh():
    """A full refresh checkpoints by primary key (ctid without one) every state_interval rows: a read from a middle
    state emits exactly the rows after it, the state at the end is {} so the next read is whole again, a view without
    a key has no states, and an ESTIMATE trace with the planner's row estimate comes before the rows."""
    with SourceDb("rfr") as db:
        db.sql("CREATE TABLE pk2 (a int, b text, v text, PRIMARY KEY (a, b));"
               "INSERT INTO pk2 SELECT g / 3, 'k''\\' || (g % 3), 'v' || g FROM generate_series(999, 0, -1) g;"  # resumed after a quoted key
               "CREATE TABLE heap (v text);"
               "INSERT INTO heap SELECT 'h' || g FROM generate_series(1, 1000) g;"
               "CREATE VIEW heap_view AS SELECT v FROM heap;"
               "ANALYZE pk2; ANALYZE heap;")
        cfg = db.cfg(state_interval=300, fetch_rows=128)
        found = discover(db, cfg)
        for name, key_of in (("pk2", lambda d: [str(d["a"]), d["b"]]), ("heap", None)):
            cat = configured([found[("public", name)]])
            msgs = parse_output(read(db, cfg, cat))
            rows = [m["record"]["data"] for m in msgs if m.get("type") == "RECORD"]
            st = stream_states(msgs)
            check(len(rows) == 1000 and len(st) == 4 and st[-1] == {}, "%s: 1000 rows, a STATE after rows 300, 600, 900 "
                  "and {} at the end: %r" % (name, st))
            if key_of:
                check(rows == sorted(rows, key=lambda d: (d["a"], d["b"])), "pk2 is read in primary-key order")
                check(st[0] == {"state_type": "primary_key", "primary_key": ["a", "b"], "last": key_of(rows[299])},
                      "the state holds the primary key of the 300th row: %r" % st[0])
            else:
                check(st[0]["state_type"] == "ctid" and re.match(r"^\(\d+,\d+\)$", st[0]["last"][0]),
                      "a table without a primary key checkpoints by ctid: %r" % st[0])
            est = [m["trace"]["estimate"] for m in msgs if m.get("type") == "TRACE" and m["trace"]["type"] == "ESTIMATE"]
            first = next(i for i, m in enumerate(msgs) if m.get("type") == "RECORD")
            check(est == [{"name": name, "namespace": "public", "type": "STREAM", "row_estimate": 1000}] and
                  next(i for i, m in enumerate(msgs) if m.get("type") == "TRACE" and m["trace"]["type"] == "ESTIMATE") < first,
                  "%s: one ESTIMATE of the analyzed 1000 rows before the records: %r" % (name, est))
            middle = next(m["state"] for m in msgs if m.get("type") == "STATE" and m["state"]["stream"]["stream_state"] == st[1])
            p = read(db, cfg, cat, state=[middle])
            again = [m["record"]["data"] for m in parse_output(p) if m.get("type") == "RECORD"]
            check(again == rows[600:], "%s: a read from the state after row 600 emits exactly rows 601..1000 (%d rows)" % (name, len(again)))
            check(re.search(r"public\.%s: 400 records after" % name, error_text(p)), "the source logs where it resumed")
            last = [m["state"] for m in msgs if m.get("type") == "STATE"][-1]
            whole = [m for m in parse_output(read(db, cfg, cat, state=[last])) if m.get("type") == "RECORD"]
            check(len(whole) == 1000, "%s: after a completed full refresh the next one reads everything" % name)
            if key_of:  # key column b left out of the records: still read for the states, and resumed from
                narrow = copy.deepcopy(found[("public", name)])
                del narrow["json_schema"]["properties"]["b"]
                ncat = configured([narrow])
                nmsgs = parse_output(read(db, cfg, ncat))
                nrows = [m["record"]["data"] for m in nmsgs if m.get("type") == "RECORD"]
                check(nrows == [{"a": d["a"], "v": d["v"]} for d in rows] and stream_states(nmsgs) == st,
                      "pk2 without b in its schema: records of a and v, the same states as with b: %r" % stream_states(nmsgs)[:2])
                nmiddle = next(m["state"] for m in nmsgs if m.get("type") == "STATE" and m["state"]["stream"]["stream_state"] == st[1])
                nagain = [m["record"]["data"] for m in parse_output(read(db, cfg, ncat, state=[nmiddle])) if m.get("type") == "RECORD"]
                check(nagain == nrows[600:], "pk2 without b resumes after row 600 (%d rows)" % len(nagain))
        msgs = parse_output(read(db, cfg, configured([found[("public", "heap_view")]])))
        check(len([m for m in msgs if m.get("type") == "RECORD"]) == 1000 and not stream_states(msgs),
              "a view without a key is read whole, with no state")


def killed_full_refresh(db, n, dest_plugin, dest_config, count_rows, tag, reset):
    """Syncs table big (full refresh, append_dedup) and SIGKILLs the sync once a state is saved, then re-runs it. A sync
    that finished before the kill landed (a loaded machine can starve this poller) is undone with `reset` and tried
    again, up to three times."""
    state = os.path.join(db.tmp, tag + ".state.json")
    conn = db.path(tag + ".c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                     "destination": {"plugin": dest_plugin, "config": dest_config},
                                     "streams": [{"name": "big", "sync_mode": "full_refresh", "destination_sync_mode": "append_dedup"}],
                                     "state_file": state, "queue_mb": 1})
    for attempt in range(3):
        p = subprocess.Popen([CONNHOST, "sync", conn], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 120
        while time.time() < deadline and p.poll() is None and not (os.path.exists(state) and os.path.getsize(state) > 0):
            time.sleep(0.005)
        p.kill()
        p.communicate(timeout=60)
        saved = json.load(open(state))["states"][0]["stream"]["stream_state"]
        if saved != {}:
            break
        print("%s: the sync finished before the kill (attempt %d); again from scratch" % (tag, attempt + 1))
        os.remove(state)
        reset()
    check(saved.get("state_type") == "primary_key" and saved.get("primary_key") == ["id"],
          "%s: the killed sync saved a primary-key position: %r" % (tag, saved))
    committed = count_rows()
    check(0 < committed < n, "%s: the sync was killed mid-table with the committed rows kept (%d of %d)" % (tag, committed, n))
    p = connhost(["sync", conn])
    check(p.returncode == 0, "%s: the re-run succeeds: %s" % (tag, describe(p)))
    m = re.search(r"public\.big: (\d+) records after \"id\" = (\d+)", p.stderr.decode())
    check(m and int(m.group(1)) == n - int(m.group(2)) and int(m.group(1)) < n,
          "%s: the re-run resumed after the saved key instead of reading all %d rows: %s" % (tag, n, m and m.group(0)))
    check(count_rows(distinct=True) == (n, n), "%s: every row exactly once after the resume" % tag)
    check(json.load(open(state))["states"][0]["stream"]["stream_state"] == {},
          "%s: the completed full refresh leaves an empty state, so the next sync reads the whole table" % tag)


def big_keyed_table(db, pad=40):
    """Creates the 300k-row keyed table `big` (values of `pad` x's and the id) the kill-and-resume tests read in small
    slices with a state every 5000 rows; returns the row count."""
    n = 300000
    db.sql("CREATE TABLE big (id int PRIMARY KEY, v text);"
           "INSERT INTO big SELECT g, repeat('x', %d) || g FROM generate_series(1, %d) g;" % (pad, n))
    db.cfg(state_interval=5000, fetch_rows=2000)
    return n


def read_twins(db, names, state_interval):
    """Reads each public table of `names` whole with the server logging every statement; returns the log's size before
    and {name: the read's process}."""
    log_from = os.path.getsize(server()["log"])
    psql('ALTER DATABASE "%s" SET log_statement = \'all\'' % db.name)
    cfg = db.cfg(state_interval=state_interval)
    found = discover(db, cfg)
    return log_from, {name: read(db, cfg, configured([found[("public", name)]])) for name in names}


def check_copy_formats(log_from, binary_of):
    """Checks that the server log, from byte `log_from`, shows every COPY ... TO of each table named in `binary_of`
    in binary format exactly when binary_of[name] is true."""
    with open(server()["log"], encoding="utf-8", errors="replace") as f:
        f.seek(log_from)
        copies = [l for l in f.read().splitlines() if "COPY (" in l]
    for name, binary in binary_of.items():
        mine = [l for l in copies if '"%s"' % name in l]
        check(mine and all(("FORMAT binary" in l) == binary for l in mine), "%s: the server log shows %r" % (name, mine))


def case_binary_read_matches_text():
    """A table whose columns are all smallint, integer, bigint, boolean, text, varchar or char is read through COPY
    BINARY (the server log shows it) and gives exactly the records and states the same rows give through COPY text,
    which a table with one more column of another type (interval) still uses: integer limits, NULL in every column,
    COPY text's escaped characters, multi-byte UTF-8, padded char(n), empty strings and a 10,000-character text."""
    with SourceDb("binary_read") as db:
        cols = "k bigint PRIMARY KEY, s smallint, i integer, b boolean, t text, v varchar(5), c char(4), vv character varying"
        db.sql("CREATE TABLE edge_bin (%s); CREATE TABLE edge_txt (%s, d interval);" % (cols, cols))
        values = ("(-9223372036854775808, -32768, -2147483648, true, E'tab\\there\\nnew\\\\back\\r\\b\\f' || chr(11) || '\"q', 'ab', 'x', ''),"
                  "(9223372036854775807, 32767, 2147483647, false, 'é€😀', '', '', NULL),"
                  "(0, NULL, NULL, NULL, NULL, NULL, NULL, 'plain'),"
                  "(-1, -1, -1, true, repeat('x\\', 5000), 'abcde', 'abcd', E'\\\\N')")
        db.sql("INSERT INTO edge_bin VALUES %s; INSERT INTO edge_bin SELECT g, g %% 32767, -g, g %% 2 = 0, 'row ' || g,"
               " left(g::text, 5), 'c', NULL FROM generate_series(1, 2000) g;"
               "INSERT INTO edge_txt SELECT *, NULL FROM edge_bin; ANALYZE edge_bin; ANALYZE edge_txt;" % values)
        log_from, reads = read_twins(db, ("edge_bin", "edge_txt"), 500)
        got = {}
        for name, p in reads.items():
            msgs = parse_output(p)
            rows = [m["record"]["data"] for m in msgs if m.get("type") == "RECORD"]
            got[name] = ([{k: v for k, v in r.items() if k != "d"} for r in rows], stream_states(msgs))
        check(len(got["edge_bin"][0]) == 2004, "edge_bin: %d records, expected 2004" % len(got["edge_bin"][0]))
        diff = [(a, b) for a, b in zip(*(got[n][0] for n in ("edge_bin", "edge_txt"))) if a != b]
        check(not diff and got["edge_bin"] == got["edge_txt"],
              "COPY binary gave other records or states than COPY text (binary, text): %r" % diff[:3])
        check(got["edge_bin"][0][0] == {"k": -9223372036854775808, "s": -32768, "i": -2147483648, "b": True,
                                        "t": "tab\there\nnew\\back\r\b\f\x0b\"q", "v": "ab", "c": "x   ", "vv": ""},
              "the first edge row: %r" % got["edge_bin"][0][0])
        check_copy_formats(log_from, {"edge_bin": True, "edge_txt": False})
        print("2004 rows with edge values: COPY binary and COPY text gave the same records and states")


def case_binary_read_temporal_numeric_json():
    """numeric, date, timestamps, json, jsonb and uuid columns come through COPY BINARY as the same records as through
    COPY text (a twin table with one more interval column stays on text): NaN and the infinities, numbers of every
    scale and weight, dates and timestamps from 4713 BC to the year 294276 (BC years, fractions, the epochs), json's
    exact text and jsonb's."""
    with SourceDb("binary_read_more") as db:
        cols = ("k bigint PRIMARY KEY, n numeric, n2 numeric(12,2), d date, ts timestamp, tz timestamptz, "
                "tz3 timestamp(3) with time zone, j json, jb jsonb, u uuid")
        db.sql("CREATE TABLE more_bin (%s); CREATE TABLE more_txt (%s, iv interval);" % (cols, cols))
        db.sql(
            "INSERT INTO more_bin VALUES"
            " (-1, 'NaN', 0, 'infinity', 'infinity', 'infinity', '-infinity', '{\"a\":  [1, 2], \"b\": \"x\\ty\"}',"
            "  '{\"b\": [true, null], \"a\": 1.50}', '00000000-0000-0000-0000-000000000000'),"
            " (-2, 'Infinity', -0.005, '-infinity', '-infinity', '-infinity', 'infinity', 'null', 'null', NULL),"
            " (-3, '-Infinity', 9999999999.99, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC',"
            "  '0001-01-01 00:00:00.001+00 BC', '\"s\"', '\"s\"', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),"
            " (-4, -0.0, NULL, '5874897-12-31', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00',"
            "  '1999-12-31 23:59:59.5+00', '[]', '[]', NULL),"
            " (-5, 0.00001234, 0.1, '2000-01-01', '2000-01-01 00:00:00', '1970-01-01 00:00:00+00',"
            "  '1969-12-31 23:59:59.999+00', NULL, NULL, 'ffffffff-ffff-ffff-ffff-ffffffffffff'),"
            " (-6, -123456789012345678901234567890.1234567890123, 1.2, '0001-01-01', '0001-12-31 23:59:59.000001 BC',"
            "  '2024-02-29 12:34:56.1+00', NULL, '1e1000', '1e1000', NULL),"
            " (-7, 10000, 100, '1999-12-31', '1969-12-31 23:59:59.000001', '2000-02-29 00:00:00.000010+00',"
            "  '2024-01-01 00:00:00+00', '{}', '{}', NULL),"
            " (-8, 1e-20, -100, '1970-01-01', NULL, NULL, NULL, '0.1000', '0.1000', NULL);"
            "INSERT INTO more_bin SELECT g,"
            " CASE g % 4 WHEN 0 THEN (g * 7919.123456789 - 1e7)::numeric(20, 6) WHEN 1 THEN g::numeric / 7"
            "  WHEN 2 THEN 10::numeric ^ (g % 40 - 20) ELSE -(g::numeric * 1000000) END,"
            " ((g * 7919) % 10000000) / 100.0,"
            " date '4713-01-01 BC' + g * 613,"
            " timestamp '4000-01-01 00:00:00 BC' + g * interval '500 days 0.5 seconds',"
            " timestamptz '0001-01-01 00:00:00+00' + g * interval '37 days 3 hours 17 minutes 0.123457 seconds',"
            " timestamptz '1960-01-01 00:00:00+00' + g * interval '4 days 0.001 seconds',"
            " json_build_object('g', g, 's', 'v' || g), jsonb_build_object('g', g, 'l', jsonb_build_array(g, 'x')),"
            " md5(g::text)::uuid FROM generate_series(1, 4000) g;"
            "INSERT INTO more_txt SELECT *, NULL FROM more_bin; ANALYZE more_bin; ANALYZE more_txt;")
        log_from, reads = read_twins(db, ("more_bin", "more_txt"), 1000)
        got = {}
        for name, p in reads.items():
            lines = [l for l in p.stdout.decode("utf-8").split("\n") if l.startswith('{"type":"RECORD"')]
            # The exact text of each record's data, the interval field cut off (numbers compared as written).
            got[name] = [re.sub(r',"iv":(null|"[^"]*")', "", re.sub(r',"emitted_at":\d+', "", l)).replace(name, "more")
                         for l in lines]
        check(len(got["more_bin"]) == 4008, "more_bin: %d records, expected 4008" % len(got["more_bin"]))
        diff = [(a, b) for a, b in zip(got["more_bin"], got["more_txt"]) if a != b]
        check(not diff and len(got["more_bin"]) == len(got["more_txt"]),
              "COPY binary gave other records than COPY text (binary, text):\n%s" % "\n".join("%s\n%s" % ab for ab in diff[:4]))
        check_copy_formats(log_from, {"more_bin": True, "more_txt": False})
        print("4008 rows of numeric, date, timestamp, json, jsonb and uuid: COPY binary gave what COPY text gave")


def case_full_refresh_killed_resumes():
    """A full refresh sync SIGKILLed mid-table resumes from its last saved primary key, into dest_pg and dest_sqlite."""
    with SourceDb("rfr_kill") as db:
        n = big_keyed_table(db)
        dest = "dst_rfr_kill"
        dest_cfg = fresh_database(dest)
        # Commit at the first state after 50 ms, so states are saved while the table is still being read.
        dest_cfg["commit_ms"] = 50

        def pg_count(distinct=False):
            got = psql_json("SELECT json_build_array(count(*), count(DISTINCT id)) FROM public.big", dest)
            return tuple(got) if distinct else got[0]

        killed_full_refresh(db, n, "dest_pg", dest_cfg, pg_count, "pg", lambda: psql("DROP TABLE public.big", dest))
        path = os.path.join(db.tmp, "big.sqlite")

        def lite_count(distinct=False):
            with sqlite3.connect(path) as lite:
                got = lite.execute('SELECT count(*), count(DISTINCT id) FROM "public__big"').fetchone()
            return tuple(got) if distinct else got[0]

        killed_full_refresh(db, n, "dest_sqlite", {"path": path, "commit_ms": 50}, lite_count, "sqlite",
                            lambda: os.remove(path))
        drop_database(dest)


# ---------------------------------------------------------------- resumable overwrite (issue 12)

def saved_stream(state_path):
    """(stream_state of the first saved state or None, the file's overwrite_attempts) of a sync's state file."""
    try:
        with open(state_path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return None, []
    states = saved.get("states") or []
    return (states[0]["stream"]["stream_state"] if states else None), saved.get("overwrite_attempts", [])


def overwrite_connection(db, dest_cfg, table, tag):
    state = os.path.join(db.tmp, tag + ".state.json")
    conn = db.path(tag + ".c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                     "destination": {"plugin": "dest_pg", "config": dest_cfg},
                                     "streams": [{"name": table, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
                                     "state_file": state, "queue_mb": 1})
    return conn, state


def kill_when_saved(conn, state):
    """Starts `connhost sync conn` and SIGKILLs it once the state file holds a non-empty position of the stream."""
    p = subprocess.Popen([CONNHOST, "sync", conn], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not saved_stream(state)[0]:
        time.sleep(0.005)
    p.kill()
    p.communicate(timeout=60)


def case_overwrite_killed_resumes():
    """An overwrite full refresh SIGKILLed mid-table resumes from its last saved primary key into the staging table
    it left (dest_pg): every row exactly once, the previous table visible until the swap, the next sync whole again."""
    _overwrite_killed_resumes("ow_kill", lean=False)


def case_overwrite_killed_resumes_lean():
    """The same into lean tables (metadata_columns lean): the staging's numbered row ids trim it on the resume and are
    dropped at the swap, so the final table has the field columns only."""
    _overwrite_killed_resumes("ow_kill_lean", lean=True)


def case_overwrite_killed_resumes_lean_uuid_ids():
    """A lean staging left by an older version, whose numbered row ids are UUIDs (this version's are bigint), is
    trimmed by those and resumed with more of them: every row exactly once."""
    _overwrite_killed_resumes("ow_kill_lean_uuid", lean=True, legacy_uuid_ids=True)


# The UUID an older version numbered row N of a resumable staging with (UuidGenerator::sequence_floor's form).
LEGACY_ROW_UUID = ("(substr(lpad(to_hex(_connhost_raw_id), 12, '0'), 1, 8) || '-' || "
                   "substr(lpad(to_hex(_connhost_raw_id), 12, '0'), 9, 4) || '-8000-8000-000000000000')::uuid")


def _overwrite_killed_resumes(tag, lean, legacy_uuid_ids=False):
    with SourceDb(tag) as db:
        n = big_keyed_table(db)
        dest = "dst_" + tag
        dest_cfg = fresh_database(dest)
        dest_cfg["commit_ms"] = 50
        if lean:
            dest_cfg["metadata_columns"] = "lean"
        psql("SET ROLE %s; CREATE TABLE public.big (id bigint, v text); INSERT INTO public.big VALUES (-1, 'old'), (-2, 'old');" % ROLE, dest)
        conn, state = overwrite_connection(db, dest_cfg, "big", "ow")

        def counts(table):
            return tuple(psql_json("SELECT json_build_array(count(*), count(DISTINCT id), count(*) FILTER (WHERE v = 'old')) "
                                   "FROM public.%s" % table, dest))

        kill_when_saved(conn, state)
        saved, attempts = saved_stream(state)
        check(saved and saved.get("state_type") == "primary_key" and saved.get("primary_key") == ["id"],
              "the killed sync saved a primary-key position: %r" % saved)
        check(len(attempts) == 1 and attempts[0]["name"] == "big" and attempts[0]["namespace"] == "public",
              "the state file names the overwrite's attempt: %r" % attempts)
        check(counts("big") == (2, 2, 2), "the previous table is untouched while the overwrite is unfinished: %r" % (counts("big"),))
        staged = counts('"_connhost_tmp_big"')
        check(0 < staged[0] < n and staged[0] == staged[1], "the staging table is kept with part of the rows: %r" % (staged,))
        comment = psql_json("SELECT to_json(obj_description('public._connhost_tmp_big'::regclass, 'pg_class'))", dest)
        check(json.loads(comment)["connhost_attempt"] == attempts[0]["attempt"], "the staging is tagged with the attempt: %r" % comment)
        id_type = psql("SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attname = '_connhost_raw_id' AND "
                       "attrelid = 'public._connhost_tmp_big'::regclass", dest).strip()
        check(id_type == ("bigint" if lean else "uuid"),
              "the staging's row ids are %s (lean: bigint row numbers, no UUID to parse): %r" % ("bigint" if lean else "uuid", id_type))
        if legacy_uuid_ids:
            psql("ALTER TABLE public._connhost_tmp_big ALTER COLUMN _connhost_raw_id TYPE uuid USING " + LEGACY_ROW_UUID, dest)

        p = connhost(["sync", conn])
        check(p.returncode == 0, "the re-run succeeds: %s" % describe(p))
        m = re.search(r"public\.big: (\d+) records after \"id\" = (\d+)", p.stderr.decode())
        check(m and int(m.group(1)) == n - int(m.group(2)) and int(m.group(1)) < n,
              "the re-run resumed after the saved key instead of reading all %d rows: %s" % (n, m and m.group(0)))
        check(counts("big") == (n, n, 0), "every row exactly once, the old rows replaced: %r" % (counts("big"),))
        check(not psql("SELECT 1 FROM pg_class WHERE relname = '_connhost_tmp_big'", dest).strip(), "no staging table is left")
        check(psql_json("SELECT to_json(obj_description('public.big'::regclass, 'pg_class'))", dest) is None,
              "the swapped-in table carries no staging tag")
        columns = psql_json("SELECT json_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.big'::regclass "
                            "AND attnum > 0 AND NOT attisdropped", dest)
        check(columns == ["id", "v"] if lean else "_connhost_raw_id" in columns, "columns of the final table: %r" % columns)
        if not lean:
            check(constant_columns(dest, "big") == {"_connhost_generation_id": [True, n, 0], "_connhost_sync_id": [True, n, 0]},
                  "both attempts' rows hold generation and sync 0 in the catalog only: %r" % constant_columns(dest, "big"))
        saved, attempts = saved_stream(state)
        check(saved == {} and attempts == [], "the completed overwrite leaves an empty state and no attempt: %r %r" % (saved, attempts))

        p = connhost(["sync", conn])
        check(p.returncode == 0 and "records after" not in p.stderr.decode(), "the next sync reads the whole table: %s" % describe(p))
        check(counts("big") == (n, n, 0), "the next sync replaces the table with every row once")
        drop_database(dest)


def constant_columns(dest, table):
    """{column: [kept in the catalog for earlier rows (atthasmissing), rows with 0, rows with other values]} of the
    generation and sync columns of public.`table`, NULL counting as neither."""
    out = {}
    for col in ("_connhost_generation_id", "_connhost_sync_id"):
        out[col] = psql_json(
            "SELECT json_build_array((SELECT atthasmissing FROM pg_attribute WHERE attrelid = 'public.%s'::regclass AND "
            "attname = '%s'), count(*) FILTER (WHERE %s = 0), count(*) FILTER (WHERE %s <> 0)) FROM public.%s"
            % (table, col, col, col, table), dest)
    return out


def case_overwrite_resumed_under_another_sync():
    """An overwrite's rows get the stream's generation_id and sync_id in the catalog only, by a fast ADD COLUMN at the
    swap (16 bytes less per row). A staging resumed by a sync of another sync_id keeps the earlier rows' values, noted
    on it: they get their columns first, and the resumed rows store their own."""
    with SourceDb("ow_sync_ids") as db:
        n = big_keyed_table(db)
        dest = "dst_ow_sync_ids"
        dest_cfg = dict(fresh_database(dest), commit_ms=50)
        stream = discover(db, db.cfg(state_interval=5000, fetch_rows=2000))[("public", "big")]

        def conn_with(sync_id):
            cat = configured([stream], dest="overwrite")
            cat["streams"][0].update(generation_id=3, minimum_generation_id=0, sync_id=sync_id)
            conn, state = overwrite_connection(db, dest_cfg, "big", "ids")
            with open(conn, encoding="utf-8") as f:
                c = json.load(f)
            del c["streams"]
            c["catalog"] = cat
            return write_json(conn, c), state

        conn, state = conn_with(41)
        kill_when_saved(conn, state)
        staging = "public._connhost_tmp_big"
        has = psql_json("SELECT json_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = '%s'::regclass AND "
                        "attnum > 0 AND NOT attisdropped" % staging, dest)
        check("_connhost_sync_id" not in has and "_connhost_generation_id" not in has and "_connhost_raw_id" in has,
              "the staging's rows are written without the constant columns: %r" % has)
        note = psql_json("SELECT to_json(col_description('%s'::regclass, (SELECT attnum FROM pg_attribute WHERE "
                         "attrelid = '%s'::regclass AND attname = '_connhost_meta')))" % (staging, staging), dest)
        check(json.loads(note) == {"connhost_generation_id": 3, "connhost_sync_id": 41},
              "the staging notes the values its rows are to get: %r" % note)
        before = psql_json("SELECT count(*) FROM %s" % staging, dest)

        conn, state = conn_with(42)
        p = connhost(["sync", conn])
        check(p.returncode == 0 and "records after" in p.stderr.decode(), "the re-run resumes: %s" % describe(p))
        got = psql_json("SELECT json_build_array(count(*), count(DISTINCT id), count(*) FILTER (WHERE _connhost_sync_id = 41), "
                        "count(*) FILTER (WHERE _connhost_sync_id = 42), count(*) FILTER (WHERE _connhost_generation_id = 3), "
                        "count(*) FILTER (WHERE _connhost_sync_id = 41 AND id > (SELECT min(id) FROM public.big WHERE "
                        "_connhost_sync_id = 42))) FROM public.big", dest)
        check(got[0] == n and got[1] == n and got[2] > 0 and got[2] <= before and got[2] + got[3] == n and got[4] == n
              and got[5] == 0, "every row once, the first attempt's with sync 41, the resumed ones with 42, all of "
              "generation 3 (rows, distinct, 41, 42, gen 3, 41 after a 42): %r (%d staged when killed)" % (got, before))

        conn, state = conn_with(43)
        sync(conn)
        got = constant_columns(dest, "big")
        check(got == {"_connhost_generation_id": [True, 0, n], "_connhost_sync_id": [True, 0, n]},
              "a whole overwrite's rows hold their values in the catalog only: %r" % got)
        check(psql_json("SELECT count(*) FROM public.big WHERE _connhost_sync_id = 43", dest) == n, "every row has sync 43")
        check(psql_json("SELECT to_json(col_description('public.big'::regclass, 1))", dest) is None,
              "the swapped-in table carries no note")
        psql("SET ROLE %s; INSERT INTO public.big (id, _connhost_raw_id, _connhost_extracted_at) VALUES (-1, "
             "gen_random_uuid(), now())" % ROLE, dest)
        check(psql_json("SELECT to_json(_connhost_sync_id) FROM public.big WHERE id = -1", dest) is None,
              "a row added later gets no default")
        drop_database(dest)


def case_overwrite_killed_resumes_sqlite():
    """The same into dest_sqlite: the staging table and its tag (_connhost_staging) survive the kill, the re-run
    resumes into them, and the previous table stays readable until the swap."""
    with SourceDb("ow_kill_lite") as db:
        # dest_sqlite commits every second or 32 MiB: ~55 MiB of records make it commit (and a position be saved)
        # before the table ends, however fast the machine.
        n = big_keyed_table(db, pad=160)
        path = os.path.join(db.tmp, "big.sqlite")
        with sqlite3.connect(path) as lite:
            lite.execute('CREATE TABLE "public__big" (id INTEGER, v TEXT)')
            lite.execute("INSERT INTO \"public__big\" VALUES (-1, 'old'), (-2, 'old')")
        state = os.path.join(db.tmp, "lite.state.json")
        conn = db.path("lite.c.json", {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
                                       "destination": {"plugin": "dest_sqlite", "config": {"path": path}},
                                       "streams": [{"name": "big", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}],
                                       "state_file": state, "queue_mb": 1})

        def counts(table):
            with sqlite3.connect(path) as lite:
                return lite.execute("SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE v = 'old') FROM \"%s\"" % table).fetchone()

        kill_when_saved(conn, state)
        saved, attempts = saved_stream(state)
        check(saved and saved.get("state_type") == "primary_key", "the killed sync saved a primary-key position: %r" % saved)
        check(counts("public__big") == (2, 2, 2), "the previous table is untouched: %r" % (counts("public__big"),))
        staged = counts("_connhost_tmp_public__big")
        check(0 < staged[0] < n and staged[0] == staged[1], "the staging table is kept with part of the rows: %r" % (staged,))
        with sqlite3.connect(path) as lite:
            tag = lite.execute("SELECT tag FROM _connhost_staging WHERE table_name = '_connhost_tmp_public__big'").fetchone()
        check(tag and json.loads(tag[0])["connhost_attempt"] == attempts[0]["attempt"], "the staging is tagged: %r" % (tag,))
        p = connhost(["sync", conn])
        check(p.returncode == 0, "the re-run succeeds: %s" % describe(p))
        m = re.search(r"public\.big: (\d+) records after \"id\" = (\d+)", p.stderr.decode())
        check(m and int(m.group(1)) == n - int(m.group(2)) and int(m.group(1)) < n,
              "the re-run resumed after the saved key instead of reading all %d rows: %s" % (n, m and m.group(0)))
        check(counts("public__big") == (n, n, 0), "every row exactly once, the old rows replaced: %r" % (counts("public__big"),))
        with sqlite3.connect(path) as lite:
            left = lite.execute("SELECT count(*) FROM sqlite_master WHERE name = '_connhost_tmp_public__big'").fetchone()[0]
            tags = lite.execute("SELECT count(*) FROM _connhost_staging").fetchone()[0]
        check(left == 0 and tags == 0, "no staging table and no tag are left (%d, %d)" % (left, tags))
        check(saved_stream(state) == ({}, []), "the completed overwrite leaves an empty state and no attempt")


def case_overwrite_stale_staging():
    """A staging table of another attempt is never reused: the host's saved position under a different attempt is
    refused (the previous table untouched), --reset-state drops it, and a finished attempt's staging is dropped."""
    with SourceDb("ow_stale") as db:
        n = 1000
        db.sql("CREATE TABLE st (id int PRIMARY KEY, v text);"
               "INSERT INTO st SELECT g, 'v' || g FROM generate_series(1, %d) g;" % n)
        db.cfg(state_interval=100)
        dest = "dst_ow_stale"
        dest_cfg = fresh_database(dest)
        conn, state = overwrite_connection(db, dest_cfg, "st", "stale")
        sync(conn)  # a state file that belongs to this connection

        position = {"state_type": "primary_key", "primary_key": ["id"], "last": ["500"]}

        def stage(attempt, at=position):
            tag = json.dumps({"connhost_attempt": attempt, "marks": [[at, 500]]})
            psql("SET ROLE %s; DROP TABLE IF EXISTS public._connhost_tmp_st;"
                 "CREATE TABLE public._connhost_tmp_st AS SELECT * FROM public.st WHERE id <= 600;"
                 "UPDATE public._connhost_tmp_st SET v = 'junk';"
                 "COMMENT ON TABLE public._connhost_tmp_st IS '%s';" % (ROLE, tag), dest)

        def pretend_killed(attempt, at=position):
            with open(state, encoding="utf-8") as f:
                saved = json.load(f)
            saved["states"][0]["stream"]["stream_state"] = at
            saved["overwrite_attempts"] = [{"namespace": "public", "name": "st", "attempt": attempt}]
            write_json(state, saved)

        def junk():
            return psql_json("SELECT json_build_array(count(*), count(*) FILTER (WHERE v = 'junk')) FROM public.st", dest)

        stage("a0")
        pretend_killed("a1")
        p = connhost(["sync", conn])
        check(p.returncode != 0 and "cannot resume its interrupted overwrite (attempt a1)" in error_text(p) and
              "belongs to attempt a0" in error_text(p) and "--reset-state" in error_text(p),
              "a saved position under another attempt than the staging's is refused, saying what to do: %s" % describe(p))
        check(junk() == [n, 0], "the previous table stays as it was: %r" % junk())
        p = connhost(["sync", conn, "--reset-state"])
        check(p.returncode == 0 and "records after" not in p.stderr.decode(), "--reset-state reads the whole table: %s" % describe(p))
        check(junk() == [n, 0], "the stale staging was dropped, not swapped in: %r" % junk())

        other_key = {"state_type": "primary_key", "primary_key": ["v"], "last": ["v5"]}
        stage("a1", other_key)
        pretend_killed("a1", other_key)  # the table's key changed since: the source cannot continue from it
        p = connhost(["sync", conn])
        check(p.returncode != 0 and "not a position this full refresh can continue from" in error_text(p) and
              "--reset-state" in error_text(p), "a position the source cannot continue from fails the overwrite: %s" % describe(p))
        check(junk() == [n, 0], "the previous table stays as it was: %r" % junk())

        stage("a1")
        pretend_killed("a1", {})  # the attempt ended with {}: nothing to resume
        p = sync(conn)
        check("records after" not in p.stderr.decode(), "an empty saved state reads the whole table")
        check(junk() == [n, 0], "the staging of the old attempt was dropped, not appended to: %r" % junk())
        drop_database(dest)


def case_saved_cursor_not_comparable():
    """A saved cursor the server cannot read as the cursor column's type is a warning naming the stream and the
    value, and the stream is read from its start."""
    with SourceDb("cursor_nad") as db:
        db.sql("CREATE TABLE ev (id int PRIMARY KEY, updated_at timestamptz NOT NULL);"
               "INSERT INTO ev SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, 10) g;")
        cfg = db.cfg()
        s = discover(db, cfg)[("public", "ev")]
        cat = configured([s], "incremental", "append", cursor=["updated_at"])
        state = {"type": "STREAM", "stream": {"stream_descriptor": {"name": "ev", "namespace": "public"},
                                              "stream_state": {"cursor_field": ["updated_at"], "cursor": "not a date"}}}
        p = read(db, cfg, cat, state=[state], expect_ok=False)
        check(p.returncode == 0, "the read succeeds: %s" % describe(p))
        msgs = parse_output(p)
        check(len([m for m in msgs if m.get("type") == "RECORD"]) == 10, "the stream is read from its start")
        warns = [m["log"]["message"] for m in msgs if m.get("type") == "LOG" and m["log"]["level"] == "WARN"]
        check(any("stream public.ev" in w and '"not a date"' in w and "timestamp with time zone" in w and "--reset-state" in w
                  for w in warns), "a warning names the stream, the value, the column type and what to do: %r" % warns)


def case_sigterm_read_incomplete():
    """`run read` stopped by SIGTERM mid-table ends the started stream with STREAM_STATUS INCOMPLETE on stdout."""
    with SourceDb("incomplete") as db:
        db.sql("CREATE TABLE big (id int PRIMARY KEY, v text);"
               "INSERT INTO big SELECT g, repeat('x', 40) || g FROM generate_series(1, 300000) g;")
        cfg = db.cfg(fetch_rows=1000)
        s = discover(db, cfg)[("public", "big")]
        args = [CONNHOST, "run", "--plugin", "source_postgres", "read", "--config", cfg, "--catalog",
                db.path("catalog.json", configured([s]))]
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        lines = []
        for line in p.stdout:
            lines.append(line)
            if line.startswith(b'{"type":"RECORD"'):
                break
        p.send_signal(signal.SIGTERM)
        rest = p.stdout.read()  # through the same buffered reader as the lines above
        p.wait(timeout=60)
        text = (b"".join(lines) + rest).decode()
        bad = [l for l in text.split("\n") if l.strip() and not l.startswith("{")]
        check(not bad, "every stdout line is a protocol message: %r" % bad[:2])
        msgs = [json.loads(l) for l in text.split("\n") if l.strip()]
        statuses = [m["trace"]["stream_status"]["status"] for m in msgs
                    if m.get("type") == "TRACE" and m["trace"]["type"] == "STREAM_STATUS"]
        check(p.returncode == 130, "SIGTERM ends the read with exit code 130 (rc %s)" % p.returncode)
        check(statuses == ["STARTED", "INCOMPLETE"], "the stream ends INCOMPLETE: %r" % statuses)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    main(CASES)
