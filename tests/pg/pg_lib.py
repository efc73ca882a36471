"""Helpers of the dest_pg tests: run the real connhost binary against the test cluster (pg_server.sh),
model what each table must hold, and compare it with what psql reads back, value by value.

The model re-implements dest_pg's documented rules (docs/connectors/dest_pg.md, copy_text.hpp)
independently: column types from the JSON schema, numbers compared exactly (as decimals), values a
column cannot hold NULLed with a change, \\u0000 removed with a change, schema = namespace.
"""
import base64
import datetime
import decimal
import json
import os
import re
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import dest_testlib  # noqa: E402
from dest_testlib import (Failure, Num, Obj, Rec, StreamBase, check, check_state_echo, configured, describe, errors_in,  # noqa: E402,F401
                          exact, field_kinds, lines_bytes, main, messages_of, record_line, records_by_stream, state_line,
                          write_json)

CONNHOST = os.environ.get("CONNHOST", "connhost")
CONFORMANCE_DIR = os.environ.get("CONNHOST_CONFORMANCE_DIR", "")
AIRBYTE_DIR = os.path.join(CONFORMANCE_DIR, "airbyte")
SERVER_JSON = os.environ.get("PG_TEST_SERVER_JSON", "")
META_COLUMNS = ["_connhost_raw_id", "_connhost_extracted_at", "_connhost_generation_id", "_connhost_meta", "_connhost_sync_id"]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
INT64 = (-(2 ** 63), 2 ** 63 - 1)
TYPECAST = "DESTINATION_TYPECAST_ERROR"
TOO_LARGE = "DESTINATION_FIELD_SIZE_LIMITATION"
SERIALIZATION = "DESTINATION_SERIALIZATION_ERROR"
decimal.getcontext().prec = 100000
decimal.getcontext().Emax = decimal.MAX_EMAX
decimal.getcontext().Emin = decimal.MIN_EMIN


# ---------------------------------------------------------------- the server

def server():
    check(SERVER_JSON and os.path.isfile(SERVER_JSON), "no test server info at %r (fixture pg_server not run?)" % SERVER_JSON)
    with open(SERVER_JSON, encoding="utf-8") as f:
        return json.load(f)


def psql(sql, db="postgres", info=None, check_ok=True):
    """Runs `sql` as the superuser over the unix socket; returns stdout text (unaligned, tuples only)."""
    info = info or server()
    p = subprocess.run([os.path.join(info["bindir"], "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-h", info["socket_dir"], "-p", str(info["port"]), "-U", info["superuser"], "-d", db],
                       input=("SET TimeZone = 'UTC';\n" + sql).encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check_ok:
        check(p.returncode == 0, "psql failed: %s\n%s" % (p.stderr.decode("utf-8", "replace"), sql[:500]))
    return p.stdout.decode("utf-8")


def psql_json(sql, db, info=None):
    out = psql(sql, db, info=info).strip()
    return json.loads(out) if out else None


def fresh_database(name, info=None):
    """A new empty database owned by the test role; returns the dest_pg config for it."""
    info = info or server()
    psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE);' % name, info=info)
    psql('CREATE DATABASE "%s" OWNER %s;' % (name, info["username"]), info=info)
    return {"host": info["host"], "port": info["port"], "database": name, "username": info["username"],
            "password": info["password"], "ssl_mode": "disable"}


def free_port():
    """A loopback TCP port nothing listens on (for connection-refused cases)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def drop_database(name):
    psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE);' % name)


def db_name(tag):
    return "t_" + re.sub(r"[^a-z0-9]+", "_", tag.lower())[:50]


class Db:
    """A fresh database and temp dir for one case; dropped afterwards when the case passed."""

    def __init__(self, tag):
        self.name = db_name(tag)

    def __enter__(self):
        self.config = fresh_database(self.name)
        self._tmp = tempfile.TemporaryDirectory(prefix="pg-")
        self.tmp = self._tmp.name
        return self

    def __exit__(self, exc_type, *rest):
        self._tmp.cleanup()
        if exc_type is None:
            drop_database(self.name)

    def sync(self, streams, lines, config=None):
        data = lines_bytes(lines)
        msgs = messages_of(data)
        self.outputs = sync_ok(self.tmp, config or self.config, configured(streams), data, msgs)
        return records_by_stream(msgs)


# ---------------------------------------------------------------- exact JSON values

SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(s):
    """What PostgreSQL text holds for decoded string `s`: NULs removed, lone surrogates U+FFFD. (text, stripped?)"""
    return SURROGATE.sub("\ufffd", s.replace("\x00", "")), "\x00" in s


def num_ok(text):
    """None if numeric can hold JSON number `text`, else the change reason."""
    m = re.match(r"^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$", text)
    if not m or not (m.group(1) or m.group(2)):
        return TYPECAST
    e = int(m.group(3) or 0)
    ip = (m.group(1) or "").lstrip("0")
    if abs(e) > 1000 or len(ip) + e > 131072 or len(m.group(2) or "") - e > 16383:
        return TOO_LARGE
    return None


def norm_json(v):
    """A JSON value (exact form) as jsonb keeps it: numbers by value, last duplicate key wins, NUL removed.
    Returns (normalised, stripped?, problem reason or None)."""
    stripped, problem = False, None

    def walk(x):
        nonlocal stripped, problem
        if isinstance(x, Num):
            r = num_ok(x.text)
            if r:
                problem = problem or r
                return None
            return decimal.Decimal(x.text)
        if isinstance(x, str):
            t, s = clean_text(x)
            stripped = stripped or s
            return t
        if isinstance(x, Obj):
            out = {}
            for k, val in x:
                kk, s = clean_text(k)
                stripped = stripped or s
                out[kk] = walk(val)
            return out
        if isinstance(x, tuple):
            return [walk(e) for e in x]
        return x

    n = walk(v)
    return n, stripped, problem


def stored_json(text):
    return json.loads(text, parse_float=decimal.Decimal, parse_int=decimal.Decimal)


# ---------------------------------------------------------------- running connhost

def run(args, stdin_bytes=None, timeout=600):
    return dest_testlib.run_connhost(CONNHOST, args, stdin_bytes, timeout)


def parse_output(p):
    outputs = []
    # split("\n"), not splitlines(): U+2028 and friends may stand raw inside a JSON string.
    for n, line in enumerate(p.stdout.decode("utf-8").split("\n"), 1):
        if not line:
            continue
        try:
            outputs.append(json.loads(line))
        except ValueError as err:
            raise Failure("stdout line %d is not JSON (%s): %r" % (n, err, line[:300]))
    return outputs


def run_write(workdir, config, catalog, stdin_bytes, timeout=600):
    cfg = write_json(os.path.join(workdir, "config.json"), config)
    cat = catalog if isinstance(catalog, str) else write_json(os.path.join(workdir, "catalog.json"), catalog)
    p = run(["run", "--plugin", "dest_pg", "write", "--config", cfg, "--catalog", cat], stdin_bytes, timeout)
    return p, parse_output(p)


def sync_ok(workdir, config, catalog, data, messages):
    p, outputs = run_write(workdir, config, catalog, data)
    check(p.returncode == 0, "write failed: %s" % describe(p))
    check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
    check_state_echo(outputs, [m for _, m in messages])
    return outputs


# ---------------------------------------------------------------- names (pg_names.hpp)

def fnv_suffix(name):
    h = 1469598103934665603
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "_%08x" % ((h >> 32) ^ (h & 0xFFFFFFFF))


def hashed_identifier(name):
    out = b""
    for ch in name:
        b = ch.encode("utf-8", "surrogatepass")
        if len(out) + len(b) > 54:
            break
        out += b.replace(b"\x00", b"")
    return out.decode("utf-8") + fnv_suffix(name)


def identifier(name):
    b = name.encode("utf-8")
    if 0 < len(b) <= 63 and "\x00" not in name:
        return name
    return hashed_identifier(name)


def column_name(field):
    return hashed_identifier(field) if field.startswith("_connhost_") else identifier(field)


def qi(name):
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- catalogs and the model

class Stream(StreamBase):
    def where(self, default_schema="public"):
        return identifier(self.ns or default_schema), identifier(self.name)


def catalog_streams(catalog):
    return dest_testlib.catalog_streams(catalog, Stream)


def expected_records(stream, old, new):
    # text columns are COLLATE "C": strings order by their UTF-8 bytes
    return dest_testlib.expected_records(stream, old, new, lambda v: v.encode("utf-8") if isinstance(v, str) else repr(v).encode())


DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DURATION = re.compile(r"^P([-+]?\d{1,18}Y)?([-+]?\d{1,18}M)?([-+]?\d{1,18}W)?([-+]?\d{1,18}D)?"
                      r"(T([-+]?\d{1,18}H)?([-+]?\d{1,18}M)?([-+]?\d{1,18}(\.\d+)?S)?)?$")
STAMP_OFFSET = re.compile(r"([Zz]|[+-]\d{2}(?::?\d{2})?)$")
STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$")


def parse_stamp(s):
    """The UTC instant of a timestamp dest_pg accepts, or None."""
    m = STAMP.match(s)
    if not m:
        return None
    y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
    ss = int(m.group(6) or 0)
    frac = m.group(7) or ""
    try:
        if y < 1 or hh > 23 or mi > 59 or ss > 59:
            return None
        t = datetime.datetime(y, mo, d, hh, mi, ss, tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    micro = decimal.Decimal("0." + frac) if frac else decimal.Decimal(0)
    off = m.group(8)
    if off and off not in ("Z", "z"):
        sign = 1 if off[0] == "+" else -1
        digits = off[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:4] or 0)
        if oh > 15 or om > 59:
            return None
        t -= sign * datetime.timedelta(hours=oh, minutes=om)
    return t, micro


WIDE_DATE = re.compile(r"^(\d{4,7})-(\d{2})-(\d{2})")


def wide_date_cell(kind, v):
    """The expected cell of a date or timestamp outside what Python's datetime holds (infinity, " BC", a year past
    9999), or None for an ordinary value."""
    if v in ("infinity", "-infinity"):
        return ("=", v), None
    bc = v.endswith(" BC")
    m = WIDE_DATE.match(v)
    if not (bc or (m and int(m.group(1)) > 9999)):
        return None
    rest = v[:-3] if bc else v
    if not m or not (DATE.match(rest[len(m.group(1)) - 4:]) if kind == "date" else
                     STAMP.match(rest[len(m.group(1)) - 4:])):
        return None, ("NULLED", TYPECAST)
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    astro = 1 - y if bc else y
    leap = astro % 4 == 0 and (astro % 100 != 0 or astro % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    in_range = (y <= 4714 and (y, mo, d) >= (4714, 11, 24) or y < 4714) if bc else y <= (5874897 if kind == "date" else 294276)
    if y < 1 or not 1 <= mo <= 12 or not 1 <= d <= days[mo - 1] or not in_range:
        return None, ("NULLED", TYPECAST)
    return ("any", v), None


def duration_fits(v):
    """Do the months, days and microseconds of ISO 8601 duration `v` fit interval's int32, int32, int64?"""
    months = days = micros = 0
    date, _, time = v[1:].partition("T")
    for num, unit in re.findall(r"([-+]?\d+)([YMWD])", date):
        n = int(num)
        if unit in "YM":
            months += n * (12 if unit == "Y" else 1)
        else:
            days += n * (7 if unit == "W" else 1)
    for num, frac, unit in re.findall(r"([-+]?\d+)(\.\d+)?([HMS])", time):
        n = decimal.Decimal(num + (frac or "")) * {"H": 3600000000, "M": 60000000, "S": 1000000}[unit]
        micros += int(n)
    return abs(months) < 2 ** 31 and abs(days) < 2 ** 31 and abs(micros) < 2 ** 63


def expected_number_cell(kind, v):
    """expected_cell for the number kinds: integer, float, number (and the NaN / Infinity strings they may carry)."""
    if kind == "integer":
        if not isinstance(v, Num) or num_ok(v.text) == TYPECAST:
            return None, ("NULLED", TYPECAST)
        try:
            d = decimal.Decimal(v.text)
        except decimal.InvalidOperation:
            return None, ("NULLED", TYPECAST)
        if not d.is_finite() or d != d.to_integral_value():
            return None, ("NULLED", TYPECAST)
        i = int(d)
        if not INT64[0] <= i <= INT64[1]:
            return None, ("NULLED", TOO_LARGE)
        return ("=", str(i)), None
    if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
        return ("=", v), None  # the strings a number column may carry (column_types.hpp)
    if not isinstance(v, Num):
        return None, ("NULLED", TYPECAST)
    if kind == "float":
        f = float(v.text)
        if f in (float("inf"), float("-inf")) or (f == 0 and decimal.Decimal(v.text) != 0):
            return None, ("NULLED", TOO_LARGE)
        return ("float", f), None
    r = num_ok(v.text)
    if r:
        return None, ("NULLED", r)
    return ("decimal", decimal.Decimal(v.text)), None


def expected_cell(kind, v):
    """(predicate over the stored text or None, change or None); predicate None means SQL NULL."""
    if v is None:
        return None, None
    if kind in ("integer", "float", "number"):
        return expected_number_cell(kind, v)
    if kind == "boolean":
        return (("=", "true" if v else "false"), None) if isinstance(v, bool) else (None, ("NULLED", TYPECAST))
    if kind in ("date", "datetime", "datetime_local") and isinstance(v, str):
        wide = wide_date_cell(kind, v)  # infinity, BC, years past 9999: PostgreSQL's range (copy_text.hpp)
        if wide:
            return wide
    if kind == "date":
        if isinstance(v, str) and DATE.match(v):
            try:
                if int(v[:4]) >= 1:
                    datetime.date(int(v[:4]), int(v[5:7]), int(v[8:10]))
                    return ("=", v), None
            except ValueError:
                pass
        return None, ("NULLED", TYPECAST)
    if kind == "datetime":
        st = parse_stamp(v) if isinstance(v, str) else None
        return (("instant", st), None) if st else (None, ("NULLED", TYPECAST))
    if kind == "datetime_local":  # timestamp without time zone: PostgreSQL ignores an offset
        st = parse_stamp(STAMP_OFFSET.sub("", v)) if isinstance(v, str) else None
        return (("local", st), None) if st else (None, ("NULLED", TYPECAST))
    if kind == "duration":  # an interval column: the value as PostgreSQL prints it (not modelled: any non-NULL text)
        ok = isinstance(v, str) and DURATION.match(v) and v not in ("P", "PT") and not v.endswith("T") and duration_fits(v)
        return (("any", v), None) if ok else (None, ("NULLED", TYPECAST))
    if kind == "binary":
        try:
            raw = base64.b64decode(v, validate=True) if isinstance(v, str) else None
        except ValueError:
            raw = None
        return (("=", "\\x" + raw.hex()), None) if raw is not None else (None, ("NULLED", TYPECAST))
    if kind == "json_text":
        if not isinstance(v, str):
            n, _, _ = norm_json(v)
            return ("json", n), None
        try:
            json.loads(v)
        except ValueError:
            return None, ("NULLED", TYPECAST)
        return ("=", v), None
    if kind == "string":
        if isinstance(v, str):
            t, stripped = clean_text(v)
            return ("=", t), (("TRUNCATED", SERIALIZATION) if stripped else None)
        n, _, _ = norm_json(v)
        return ("json", n), None
    n, stripped, problem = norm_json(v)
    if problem:
        return None, ("NULLED", problem)
    return ("json", n), (("TRUNCATED", SERIALIZATION) if stripped else None)


def cell_matches(stored, want):
    op, value = want
    if stored is None:
        return False
    if op == "=":
        return stored == value
    if op == "decimal":
        try:
            return decimal.Decimal(stored) == value
        except decimal.InvalidOperation:
            return False
    if op == "json":
        try:
            return stored_json(stored) == value
        except ValueError:
            return False
    if op == "any":
        return True
    if op == "array":
        return array_matches(parse_pg_array(stored), value)
    if op == "float":
        try:
            return float(stored) == value
        except ValueError:
            return False
    if op == "local":
        return cell_matches(stored + "+00", ("instant", value))
    if op == "instant":
        t, micro = value
        try:
            got = datetime.datetime.fromisoformat(stored)
        except ValueError:
            return False
        diff = (got - t).total_seconds()
        return abs(decimal.Decimal(repr(diff)) - micro) <= decimal.Decimal("0.000001")
    raise AssertionError(op)


# ---------------------------------------------------------------- reading back

def table_columns(db, schema, table):
    rows = psql_json("SELECT coalesce(json_agg(json_build_array(attname, format_type(atttypid, atttypmod)) ORDER BY attnum), '[]') "
                     "FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped"
                     % sql_literal(qi(schema) + "." + qi(table)), db)
    return [(n, t) for n, t in rows]


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def read_table(db, schema, table):
    """(columns [(name, type)], rows as lists of text-or-None, in physical order)."""
    cols = table_columns(db, schema, table)
    check(cols, "table %s.%s does not exist" % (schema, table))
    cells = ", ".join("%s::text" % qi(n) for n, _ in cols)
    rows = psql_json("SELECT coalesce(json_agg(to_json(ARRAY[%s]) ORDER BY ctid), '[]') FROM %s.%s" % (cells, qi(schema), qi(table)), db)
    return cols, rows


def tables_in(db):
    rows = psql_json("SELECT coalesce(json_agg(json_build_array(schemaname, tablename) ORDER BY 1), '[]') FROM pg_tables "
                     "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", db)
    return sorted((s, t) for s, t in rows)


def ms_of(text):
    t = datetime.datetime.fromisoformat(text)
    return round((t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds() * 1000)


SQL_TYPES = {"integer": "bigint", "number": "numeric", "boolean": "boolean", "string": "text", "date": "date",
             "datetime": "timestamp with time zone", "json": "jsonb", "float": "double precision",
             "datetime_local": "timestamp without time zone", "json_text": "json", "binary": "bytea", "duration": "interval"}


ARRAY_BOUNDS_PATTERN = "^(\\[-?[0-9]+:-?[0-9]+\\])+=\\{"  # connhost::sdk::kArrayBoundsPattern


def array_element_kind(prop):
    """The element kind of an array property that dest_pg stores as a PostgreSQL array (column_types.hpp: items of one
    scalar kind, directly, nested, or an anyOf of it and nested arrays of it); None for any other property."""
    if not isinstance(prop, dict):
        return None
    t = prop.get("type")
    rest = [x for x in (t if isinstance(t, list) else [t]) if x != "null"]
    if rest != ["array"] and not (sorted(rest) == ["array", "string"] and prop.get("pattern") == ARRAY_BOUNDS_PATTERN):
        return None
    items = prop.get("items")
    if not isinstance(items, dict):
        return None
    alts = items["anyOf"] if isinstance(items.get("anyOf"), list) and items["anyOf"] else [items]
    kinds = {array_element_kind(a) or dest_testlib.kind_of(a) for a in alts}
    return kinds.pop() if len(kinds) == 1 and "json" not in kinds else None


def pg_field_kinds(stream):
    """field_kinds with dest_pg's arrays: "array:<element kind>"."""
    props = (stream.schema or {}).get("properties") or {}
    kinds = field_kinds(stream)
    for k in kinds:
        elem = array_element_kind(props[k])
        if elem:
            kinds[k] = "array:" + elem
    return kinds


def parse_pg_array(text):
    """PostgreSQL's output of an array (bounds dropped) as nested lists of element texts (None for NULL)."""
    i = text.index("=") + 1 if text.startswith("[") else 0
    stack, out, item, quoted, was_quoted = [], None, None, False, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
                item += text[i]
            elif c == '"':
                quoted = False
            else:
                item += c
        elif c == "{":
            stack.append([])
        elif c in ",}":
            if item is not None:
                stack[-1].append(None if item == "NULL" and not was_quoted else item)
            item, was_quoted = None, False
            if c == "}":
                done = stack.pop()
                if stack:
                    stack[-1].append(done)
                    item = None
                else:
                    out = done
        elif c == '"':
            quoted, was_quoted, item = True, True, ""
        else:
            item = (item or "") + c
        i += 1
    return out


def expected_array_cell(elem, v):
    """expected_cell for an "array:<elem>" column: the array with each element as expected_cell(elem) wants it; NULL
    when PostgreSQL would refuse it (ragged, > 6 dimensions) or an element is NULLed (that element's reason)."""
    if isinstance(v, str) and re.match(ARRAY_BOUNDS_PATTERN, v):
        return ("any", v), None  # a literal with bounds: PostgreSQL prints it in its own form
    def is_array(x):  # exact() reads a JSON array as a tuple (an object as Obj, a tuple too)
        return isinstance(x, (list, tuple)) and not isinstance(x, Obj)
    if not is_array(v):
        return None, ("NULLED", TYPECAST)
    shape, truncated = {}, [None]

    def walk(x, depth):
        if depth >= 6:
            raise ValueError(TYPECAST)
        if shape.setdefault(("len", depth), len(x)) != len(x):
            raise ValueError(TYPECAST)
        out = []
        for e in x:
            nested = is_array(e)
            if shape.setdefault(("nested", depth), nested) != nested:
                raise ValueError(TYPECAST)
            if nested:
                out.append(walk(e, depth + 1))
                continue
            want, change = expected_cell(elem, e)
            if change and change[0] == "NULLED":
                raise ValueError(change[1])
            truncated[0] = truncated[0] or change
            out.append(want)
        return out
    try:
        want = walk(v, 0)
    except ValueError as e:
        return None, ("NULLED", str(e))
    return ("array", want), truncated[0]


def array_matches(stored, want):
    """Whether nested element texts `stored` hold the expected cells `want` (an array of no element at all is {})."""
    def flat(x):
        return [z for y in x for z in flat(y)] if isinstance(x, list) else [x]
    if not flat(want):
        return stored == []
    if isinstance(want, list) != isinstance(stored, list) or (isinstance(want, list) and len(want) != len(stored)):
        return False
    if not isinstance(want, list):
        if want is not None and want[1] in ("true", "false"):  # a boolean element prints as t / f
            stored = {"t": "true", "f": "false"}.get(stored, stored)
        return stored is None if want is None else cell_matches(stored, want)
    return all(array_matches(a, b) for a, b in zip(stored, want))


def compare_table(db, stream, want, kinds=None, sort_rows=False, default_schema="public", sort_by=None, check_extracted=True):
    """The table of `stream` holds exactly the records `want`, cell by cell, with valid metadata."""
    kinds = dict(pg_field_kinds(stream), **(kinds or {}))
    schema, table = stream.where(default_schema)
    where_t = "%s.%s" % (schema, table)
    cols, rows = read_table(db, schema, table)
    index = {n: i for i, (n, _) in enumerate(cols)}
    types = dict(cols)
    for m in META_COLUMNS:
        check(m in index, "table %s has no column %s (columns %r)" % (where_t, m, cols))
    check(len(rows) == len(want), "table %s: %d rows, expected %d" % (where_t, len(rows), len(want)))
    for field, kind in kinds.items():
        c = column_name(field)
        check(c in index, "table %s has no column for field %r (columns %r)" % (where_t, field, cols))
        sql = SQL_TYPES[kind[6:]] + "[]" if kind.startswith("array:") else SQL_TYPES[kind]
        check(types[c] == sql, "table %s column %r is %s, expected %s" % (where_t, c, types[c], sql))
    if sort_by:
        rows = sorted(rows, key=lambda r: int(r[index[column_name(sort_by)]]))
    elif sort_rows:
        rows = sorted(rows, key=lambda r: (ms_of(r[index["_connhost_extracted_at"]]), json.dumps(r)))
        want = sorted(want, key=lambda r: r.emitted_at)
    ids = set()
    for n, (row, rec) in enumerate(zip(rows, want), 1):
        where = "table %s row %d" % (where_t, n)
        raw_id = row[index["_connhost_raw_id"]]
        check(isinstance(raw_id, str) and UUID4.match(raw_id), "%s: _connhost_raw_id %r is not a UUID v4" % (where, raw_id))
        ids.add(raw_id)
        check(not check_extracted or ms_of(row[index["_connhost_extracted_at"]]) == rec.emitted_at,
              "%s: _connhost_extracted_at %r, expected %d ms" % (where, row[index["_connhost_extracted_at"]], rec.emitted_at))
        check(row[index["_connhost_generation_id"]] == str(stream.generation_id),
              "%s: _connhost_generation_id %r, expected %r" % (where, row[index["_connhost_generation_id"]], stream.generation_id))
        check(row[index["_connhost_sync_id"]] == str(stream.sync_id),
              "%s: _connhost_sync_id %r, expected %r" % (where, row[index["_connhost_sync_id"]], stream.sync_id))
        data = rec.data.keys_last_wins() if isinstance(rec.data, Obj) else {}
        changes, seen = [], set()
        for field, v in data.items():
            col = column_name(field)
            check(col in index, "%s: no column for field %r (columns %r)" % (where, field, [c for c, _ in cols]))
            seen.add(col)
            kind = kinds.get(field)
            if kind is None:  # a field the schema does not name: jsonb
                kind = "json"
            want_cell, change = expected_array_cell(kind[6:], v) if kind.startswith("array:") else expected_cell(kind, v)
            if change:
                changes.append((field, change))
            have = row[index[col]]
            ok = have is None if want_cell is None else cell_matches(have, want_cell)
            check(ok, "%s field %r (%s): stored %r, expected %r (input %r)" % (
                where, field, kind, have if not isinstance(have, str) or len(have) < 300 else have[:300] + "...",
                want_cell if len(repr(want_cell)) < 300 else repr(want_cell)[:300] + "...",
                v if not isinstance(v, str) or len(v) < 300 else v[:300] + "..."))
        for col, _ in cols:
            if col not in seen and col not in META_COLUMNS:
                check(row[index[col]] is None, "%s: column %r holds %r for a record without that field" % (where, col, row[index[col]]))
        base = rec.meta if isinstance(rec.meta, Obj) else Obj()
        want_changes = [dict(c) for c in (base.get("changes") or ())] + \
                       [{"field": f, "change": c, "reason": r} for f, (c, r) in changes]
        meta_text = row[index["_connhost_meta"]]
        # NULL: the record had no meta and no value was changed (it must not have).
        check(meta_text is not None or (rec.meta is None and not changes),
              "%s: _connhost_meta is NULL for a record with meta %r or changes %r" % (where, rec.meta, changes))
        meta_text = '{"changes": []}' if meta_text is None else meta_text
        meta = exact(meta_text)
        check(isinstance(meta, Obj), "%s: _connhost_meta %r is not an object" % (where, meta_text))
        got_changes = json.loads(meta_text).get("changes")
        check(got_changes == want_changes, "%s: _connhost_meta changes %r, expected %r" % (where, got_changes, want_changes))
        for k, v in base:
            if k != "changes":
                check(meta.get(k) is not None, "%s: _connhost_meta lost %r of the record's meta" % (where, k))
    check(len(ids) == len(rows), "table %s: _connhost_raw_id values are not unique" % where_t)
