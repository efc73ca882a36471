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

CONNHOST = os.environ.get("CONNHOST", "connhost")
CONFORMANCE_DIR = os.environ.get("CONNHOST_CONFORMANCE_DIR", "")
AIRBYTE_DIR = os.path.join(CONFORMANCE_DIR, "airbyte")
META_COLUMNS = ["_connhost_raw_id", "_connhost_extracted_at", "_connhost_generation_id", "_connhost_meta"]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
INT64 = (-(2 ** 63), 2 ** 63 - 1)


class Failure(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


# ---------------------------------------------------------------- exact JSON values

class Num:
    """A JSON number kept as its literal text."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Num) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __repr__(self):
        return "Num(%s)" % self.text


class Obj(tuple):
    """A JSON object as its (key, value) pairs, in order."""

    def get(self, key):
        found = None
        for k, v in self:
            if k == key:
                found = v
        return found

    def keys_last_wins(self):
        out = {}
        for k, v in self:
            out[k] = v
        return out


def _fix(v):
    if isinstance(v, list):
        return tuple(_fix(x) for x in v)
    return v


def exact(text):
    """JSON text -> exact form: Num for numbers (NaN/Infinity too), Obj for objects, tuples for arrays."""
    return _fix(json.loads(text, parse_float=Num, parse_int=Num, parse_constant=Num,
                           object_pairs_hook=lambda pairs: Obj((k, _fix(v)) for k, v in pairs)))


# ---------------------------------------------------------------- running connhost

def run(args, stdin_bytes=None, timeout=300):
    return subprocess.run([CONNHOST] + args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)


def describe(p):
    return "exit %d\n--- stdout (tail) ---\n%s\n--- stderr (tail) ---\n%s" % (
        p.returncode, p.stdout.decode("utf-8", "replace")[-3000:], p.stderr.decode("utf-8", "replace")[-3000:])


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f)
    return path


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


def errors_in(outputs):
    return [m["trace"]["error"]["message"] for m in outputs
            if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]


def sync_ok(workdir, db_path, catalog, data, messages):
    """A write that must succeed and echo every input STATE in order with its recordCount."""
    p, outputs = run_write(workdir, db_path, catalog, data)
    check(p.returncode == 0, "write failed: %s" % describe(p))
    check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
    check_state_echo(outputs, [m for _, m in messages])
    return outputs


def check_state_echo(outputs, messages):
    """`messages`: the plain (dict) input messages."""
    want, since = [], 0
    for m in messages:
        if m.get("type") == "RECORD":
            since += 1
        elif m.get("type") == "STATE":
            want.append((m["state"], since))
            since = 0
    got = [m["state"] for m in outputs if m.get("type") == "STATE"]
    check(len(got) == len(want), "%d STATE lines printed, expected %d" % (len(got), len(want)))
    for i, ((state, count), echoed) in enumerate(zip(want, got)):
        stats = echoed.get("destinationStats")
        check(isinstance(stats, dict) and stats.get("recordCount") == count,
              "state %d: destinationStats %r, expected recordCount %d" % (i + 1, stats, count))
        e = dict(echoed)
        e.pop("destinationStats")
        s = dict(state)
        s.pop("destinationStats", None)
        if s.get("type") == "GLOBAL" and "stream_states" not in s.get("global", {}):
            # The host completes a GLOBAL state with the required (empty) stream_states.
            s["global"] = dict(s["global"], stream_states=[])
        check(e == s, "state %d echoed as %r, expected %r" % (i + 1, e, s))


# ---------------------------------------------------------------- input

def messages_of(data):
    """[(exact, plain)] of the non-blank lines of `data`."""
    out = []
    for n, raw in enumerate(data.decode("utf-8").split("\n"), 1):
        line = raw.rstrip("\r")
        if line.strip(" \t"):
            try:
                out.append((exact(line), json.loads(line)))
            except ValueError as err:
                raise Failure("input line %d is not valid JSON: %s" % (n, err))
    return out


def record_line(stream, data, emitted_at, namespace=None, meta=None):
    rec = {"stream": stream, "emitted_at": emitted_at, "data": data}
    if namespace is not None:
        rec["namespace"] = namespace
    if meta is not None:
        rec["meta"] = meta
    return json.dumps({"type": "RECORD", "record": rec}, ensure_ascii=False)


def state_line(n):
    return json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {
        "stream_descriptor": {"name": "any"}, "stream_state": {"n": n}}}})


def lines_bytes(lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- catalogs and the model

class Stream:
    def __init__(self, ns, name, schema, mode="append", primary_key=(), cursor=(), generation_id=0):
        self.ns, self.name, self.schema = ns, name, schema or {}
        self.mode, self.primary_key, self.cursor, self.generation_id = mode, list(primary_key), list(cursor), generation_id

    def table(self):
        return table_name(self.ns, self.name)


def catalog_streams(catalog):
    """{(ns, name): Stream}; a plain catalog means full_refresh + append."""
    out = {}
    for s in catalog["streams"]:
        if "stream" in s:
            st = s["stream"]
            conf = Stream(st.get("namespace"), st["name"], st.get("json_schema"), s.get("destination_sync_mode", "append"),
                          s.get("primary_key") or [], s.get("cursor_field") or [], s.get("generation_id", 0))
        else:
            conf = Stream(s.get("namespace"), s["name"], s.get("json_schema"))
        out[(conf.ns or None, conf.name)] = conf
    return out


def configured(streams):
    """A configured catalog for Stream objects."""
    out = []
    for s in streams:
        st = {"name": s.name, "json_schema": s.schema, "supported_sync_modes": ["full_refresh", "incremental"]}
        if s.ns is not None:
            st["namespace"] = s.ns
        out.append({"stream": st, "sync_mode": "incremental" if s.mode != "overwrite" else "full_refresh",
                    "destination_sync_mode": s.mode, "primary_key": s.primary_key, "cursor_field": s.cursor,
                    "generation_id": s.generation_id})
    return {"streams": out}


def table_name(ns, stream):
    """The documented rule (names.hpp)."""
    if not ns:
        return stream if "__" not in stream else "__" + stream
    if "__" in ns or ns.endswith("_") or "%" in ns:
        ns = ns.replace("%", "%25").replace("_", "%5F")
    return ns + "__" + stream


def kind_of(prop):
    if not isinstance(prop, dict):
        return "json"
    t = prop.get("type")
    if t is None:
        ref = prop.get("$ref", "")
        for suffix, kind in (("/Integer", "integer"), ("/Number", "number"), ("/Boolean", "boolean")):
            if isinstance(ref, str) and ref.endswith(suffix):
                return kind
        return "string" if isinstance(ref, str) and "/definitions/" in ref else "json"
    if isinstance(t, list):
        rest = [x for x in t if x != "null"]
        if len(rest) != 1:
            return "json"
        t = rest[0]
    return {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string"}.get(t, "json")


def field_kinds(stream):
    props = (stream.schema or {}).get("properties") or {}
    return {k: kind_of(v) for k, v in props.items()}


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


class Rec:
    """One input record in exact form."""

    def __init__(self, data, emitted_at, meta):
        self.data, self.emitted_at, self.meta = data, emitted_at, meta


def records_by_stream(messages):
    out = {}
    for e, m in messages:
        if m.get("type") != "RECORD":
            continue
        r = e.get("record")
        key = (r.get("namespace") or None, r.get("stream"))
        out.setdefault(key, []).append(Rec(r.get("data"), m["record"].get("emitted_at", 0), r.get("meta")))
    return out


def _cursor_key(stream, rec):
    if not stream.cursor:
        return (0, 0)
    v = rec.data.keys_last_wins().get(stream.cursor[0])
    if v is None:
        return (0, 0)
    if isinstance(v, Num):
        return (1, decimal.Decimal(v.text))
    return (2, v if isinstance(v, str) else json.dumps(repr(v)))


def expected_records(stream, old, new):
    if stream.mode == "overwrite":
        return list(new)
    if stream.mode == "append":
        return list(old) + list(new)
    best, order = {}, []
    for r in list(old) + list(new):
        d = r.data.keys_last_wins()
        key = tuple(repr(d.get(pk[0])) for pk in stream.primary_key)
        if key not in best:
            order.append(key)
            best[key] = r
        elif (_cursor_key(stream, r), r.emitted_at) >= (_cursor_key(stream, best[key]), best[key].emitted_at):
            best[key] = r
    return [best[k] for k in order]


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
    check(cols[:4] == META_COLUMNS, "table %r: first columns %r, expected %r" % (stream.table(), cols[:4], META_COLUMNS))
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
        for col in cols[4:]:
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


def main(cases):
    if len(sys.argv) < 2 or sys.argv[1] not in cases:
        sys.exit("usage: %s <%s> [args]" % (sys.argv[0], "|".join(cases)))
    try:
        cases[sys.argv[1]](*sys.argv[2:])
    except Failure as f:
        print("FAIL: %s" % f, file=sys.stderr)
        sys.exit(1)
    print("ok")
