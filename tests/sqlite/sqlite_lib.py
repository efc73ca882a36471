"""Helpers of the dest_sqlite tests: run the real connhost binary, model what each table must hold, and
compare it with what python's sqlite3 reads back, value by value.

The model re-implements dest_sqlite's documented rules (docs/connectors/dest_sqlite.md) independently:
column kinds from the JSON schema, number text kept exactly, values that do not fit NULLed with a change,
the table-name rule for namespaces, append / overwrite / append_dedup.
"""
import datetime
import decimal
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import dest_testlib  # noqa: E402
from dest_testlib import (Failure, Num, Obj, Rec, StreamBase, check, check_state_echo, configured, describe, errors_in,  # noqa: E402,F401
                          exact, lines_bytes, main, messages_of, record_line, records_by_stream, state_line,
                          write_json)

CONNHOST = os.environ.get("CONNHOST", "connhost")
CONFORMANCE_DIR = os.environ.get("CONNHOST_CONFORMANCE_DIR", "")
AIRBYTE_DIR = os.path.join(CONFORMANCE_DIR, "airbyte")
META_COLUMNS = ["_connhost_raw_id", "_connhost_extracted_at", "_connhost_generation_id", "_connhost_meta", "_connhost_sync_id"]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
INT64 = (-(2 ** 63), 2 ** 63 - 1)


# ---------------------------------------------------------------- running connhost

def run_write(workdir, db_path, catalog, stdin_bytes):
    """`connhost run --plugin dest_sqlite write`. `catalog` is a path or an object. Returns (proc, outputs)."""
    config = write_json(os.path.join(workdir, "config.json"), {"path": db_path})
    cat_path = catalog if isinstance(catalog, str) else write_json(os.path.join(workdir, "catalog.json"), catalog)
    p = run(["run", "--plugin", "dest_sqlite", "write", "--config", config, "--catalog", cat_path], stdin_bytes)
    outputs = []
    for n, line in enumerate(p.stdout.decode("utf-8").splitlines(), 1):
        try:
            outputs.append(json.loads(line))
        except ValueError as err:
            raise Failure("stdout line %d is not JSON (%s): %r" % (n, err, line[:300]))
    return p, outputs


def sync_ok(workdir, db_path, catalog, data, messages):
    """A write that must succeed and echo every input STATE in order with its recordCount."""
    p, outputs = run_write(workdir, db_path, catalog, data)
    check(p.returncode == 0, "write failed: %s" % describe(p))
    check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
    check_state_echo(outputs, [m for _, m in messages])
    return outputs


# ---------------------------------------------------------------- catalogs and the model

class Stream(StreamBase):
    def table(self):
        return table_name(self.ns, self.name)


def catalog_streams(catalog):
    return dest_testlib.catalog_streams(catalog, Stream)


def field_kinds(stream):
    """dest_sqlite keeps date and date-time values (and JSON text) as the text they came in: string columns;
    a float is a number column."""
    folded = {"date": "string", "datetime": "string", "datetime_local": "string", "json_text": "string", "binary": "string", "duration": "string",
              "float": "number"}
    return {k: folded.get(v, v) for k, v in dest_testlib.field_kinds(stream).items()}


def expected_records(stream, old, new):
    return dest_testlib.expected_records(stream, old, new, lambda v: v if isinstance(v, str) else json.dumps(repr(v)))


def run(args, stdin_bytes=None, timeout=300):
    return dest_testlib.run_connhost(CONNHOST, args, stdin_bytes, timeout)


def table_name(ns, stream):
    """The documented rule (names.hpp)."""
    if not ns:
        return stream if "__" not in stream else "__" + stream
    if "__" in ns or ns.endswith("_") or "%" in ns:
        ns = ns.replace("%", "%25").replace("_", "%5F")
    return ns + "__" + stream


TYPECAST = "DESTINATION_TYPECAST_ERROR"
TOO_LARGE = "DESTINATION_FIELD_SIZE_LIMITATION"


def expected_cell(kind, v):
    """(what the column must hold, the change reason or None). ("#json", exact) means JSON text of that value."""
    if v is None:
        return None, None
    if kind == "integer":
        if not isinstance(v, Num):
            return None, TYPECAST
        try:
            d = decimal.Decimal(v.text)
        except decimal.InvalidOperation:
            return None, TYPECAST
        if not d.is_finite() or d != d.to_integral_value():
            return None, TYPECAST
        i = int(d)
        if not INT64[0] <= i <= INT64[1]:
            return None, TOO_LARGE
        return i, None
    if kind == "number":
        if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
            return v, None  # the strings a number column may carry (column_types.hpp), as their text
        return (v.text, None) if isinstance(v, Num) else (None, TYPECAST)
    if kind == "boolean":
        return (int(v), None) if isinstance(v, bool) else (None, TYPECAST)
    if kind == "string" and isinstance(v, str):
        return v, None
    return ("#json", v), None


def cell_matches(stored, want):
    if isinstance(want, tuple) and len(want) == 2 and want[0] == "#json":
        if not isinstance(stored, str):
            return False
        try:
            return exact(stored) == want[1]
        except ValueError:
            return False
    return type(stored) is type(want) and stored == want


def iso_ms(ms):
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


# ---------------------------------------------------------------- reading back

def read_table(db_path, table):
    """(column names, rows in rowid order, {field: column} of renamed columns)."""
    con = sqlite3.connect(db_path)
    try:
        cur = con.execute('SELECT * FROM "%s" ORDER BY rowid' % table.replace('"', '""'))
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        renamed = {}
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = '_connhost_columns'").fetchone():
            renamed = dict(con.execute("SELECT field, column_name FROM _connhost_columns WHERE table_name = ?", (table,)))
        return cols, rows, renamed
    finally:
        con.close()


def table_names(db_path):
    con = sqlite3.connect(db_path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        con.close()


def expected_meta(rec, changes):
    base = rec.meta if isinstance(rec.meta, Obj) else Obj()
    own = [Obj((("field", f), ("change", "NULLED"), ("reason", reason))) for f, reason in changes]
    prior = list(base.get("changes") or ())
    others = [(k, v) for k, v in base if k != "changes"]
    return others, prior + own


def compare_table(db_path, stream, want, kinds=None, sort_rows=False):
    """The table of `stream` holds exactly the records `want`, cell by cell, with valid metadata."""
    kinds = dict(field_kinds(stream), **(kinds or {}))
    cols, rows, renamed = read_table(db_path, stream.table())
    check(cols[:5] == META_COLUMNS, "table %r: first columns %r, expected %r" % (stream.table(), cols[:5], META_COLUMNS))
    check(len(rows) == len(want), "table %r: %d rows, expected %d" % (stream.table(), len(rows), len(want)))
    index = {c: i for i, c in enumerate(cols)}
    column_of = lambda field: renamed.get(field, field)
    for field in kinds:
        check(column_of(field) in index, "table %r has no column for field %r (columns %r)" % (stream.table(), field, cols))
    if sort_rows:
        rows = sorted(rows, key=lambda r: r[1])
        want = sorted(want, key=lambda r: r.emitted_at)
    ids = set()
    for n, (row, rec) in enumerate(zip(rows, want), 1):
        where = "table %r row %d" % (stream.table(), n)
        check(isinstance(row[0], str) and UUID4.match(row[0]), "%s: _connhost_raw_id %r is not a UUID v4" % (where, row[0]))
        ids.add(row[0])
        check(row[1] == iso_ms(rec.emitted_at), "%s: _connhost_extracted_at %r, expected %r" % (where, row[1], iso_ms(rec.emitted_at)))
        check(row[2] == stream.generation_id, "%s: _connhost_generation_id %r, expected %r" % (where, row[2], stream.generation_id))
        check(row[4] == stream.sync_id, "%s: _connhost_sync_id %r, expected %r" % (where, row[4], stream.sync_id))
        data = rec.data.keys_last_wins()
        changes = []
        seen_cols = set()
        for field, v in data.items():
            col = column_of(field)
            check(col in index, "%s: no column for field %r (columns %r)" % (where, field, cols))
            seen_cols.add(col)
            want_cell, change = expected_cell(kinds.get(field, "json"), v)
            if change:
                changes.append((field, change))
            have = row[index[col]]
            check(cell_matches(have, want_cell), "%s field %r: stored %r, expected %r (input %r)" %
                  (where, field, have if not isinstance(have, str) or len(have) < 300 else have[:300] + "...",
                   want_cell, v if not isinstance(v, str) or len(v) < 300 else v[:300] + "..."))
        for col in cols[len(META_COLUMNS):]:
            if col not in seen_cols:
                check(row[index[col]] is None, "%s: column %r holds %r for a record without that field" % (where, col, row[index[col]]))
        meta = exact(row[3])
        others, want_changes = expected_meta(rec, changes)
        check(isinstance(meta, Obj), "%s: _connhost_meta %r is not an object" % (where, row[3]))
        check(tuple(meta.get("changes") or ()) == tuple(want_changes),
              "%s: _connhost_meta changes %r, expected %r" % (where, row[3], want_changes))
        for k, v in others:
            check(meta.get(k) == v, "%s: _connhost_meta lost %r of the record's meta: %r" % (where, k, row[3]))
    check(len(ids) == len(rows), "table %r: _connhost_raw_id values are not unique" % stream.table())
