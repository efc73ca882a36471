"""What the destination tests of every suite share: exact JSON values, checks, the messages a test feeds
`connhost run write`, the state-echo rule, and the append / overwrite / append_dedup model.

A destination's own lib (tests/pg/pg_lib.py, tests/sqlite/sqlite_lib.py) adds how its tables are read back.
"""
import decimal
import json
import os
import subprocess
import sys

class Failure(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


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
    return tuple(_fix(x) for x in v) if isinstance(v, list) else v


def exact(text):
    return _fix(json.loads(text, parse_float=Num, parse_int=Num, parse_constant=Num,
                           object_pairs_hook=lambda pairs: Obj((k, _fix(v)) for k, v in pairs)))


def describe(p):
    return "exit %d\n--- stdout (tail) ---\n%s\n--- stderr (tail) ---\n%s" % (
        p.returncode, p.stdout.decode("utf-8", "replace")[-3000:], p.stderr.decode("utf-8", "replace")[-3000:])


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f)
    return path


def errors_in(outputs):
    return [m["trace"]["error"]["message"] for m in outputs if m.get("type") == "TRACE" and m["trace"].get("type") == "ERROR"]


def check_state_echo(outputs, messages):
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
            s["global"] = dict(s["global"], stream_states=[])
        check(e == s, "state %d echoed as %r, expected %r" % (i + 1, e, s))


def messages_of(data):
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


def configured(streams):
    out = []
    for s in streams:
        st = {"name": s.name, "json_schema": s.schema, "supported_sync_modes": ["full_refresh", "incremental"]}
        if s.ns is not None:
            st["namespace"] = s.ns
        out.append({"stream": st, "sync_mode": "incremental" if s.mode != "overwrite" else "full_refresh",
                    "destination_sync_mode": s.mode, "primary_key": s.primary_key, "cursor_field": s.cursor,
                    "generation_id": s.generation_id, "minimum_generation_id": s.minimum_generation_id,
                    "sync_id": s.sync_id})
    return {"streams": out}


class Rec:
    def __init__(self, data, emitted_at, meta):
        self.data, self.emitted_at, self.meta = data, emitted_at, meta


def expected_records(stream, old, new, text_key):
    """What a stream's table holds after `old` then `new` records were written in the stream's mode;
    append_dedup keeps per key the latest by cursor (see cursor_key, strings ordered by text_key), then emitted_at."""
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
        elif (cursor_key(stream, r, text_key), r.emitted_at) >= (cursor_key(stream, best[key], text_key), best[key].emitted_at):
            best[key] = r
    return [best[k] for k in order]


def main(cases, precondition=None):
    """Runs the case sys.argv[1] names (after `precondition`, if any); a Failure prints FAIL and exits 1."""
    if len(sys.argv) < 2 or sys.argv[1] not in cases:
        sys.exit("usage: %s <%s> [args]" % (sys.argv[0], "|".join(cases)))
    try:
        if precondition:
            precondition()
        cases[sys.argv[1]](*sys.argv[2:])
    except Failure as f:
        print("FAIL: %s" % f, file=sys.stderr)
        sys.exit(1)
    print("ok")


class StreamBase:
    """One configured stream of a test catalog; a destination's lib subclasses it to name the table."""

    def __init__(self, ns, name, schema, mode="append", primary_key=(), cursor=(), generation_id=0, minimum_generation_id=0,
                 sync_id=0):
        self.ns, self.name, self.schema = ns, name, schema or {}
        self.mode, self.primary_key, self.cursor, self.generation_id = mode, list(primary_key), list(cursor), generation_id
        self.minimum_generation_id, self.sync_id = minimum_generation_id, sync_id


def catalog_streams(catalog, stream_class):
    """{(namespace or None, name): stream_class} of a configured or plain catalog."""
    out = {}
    for s in catalog["streams"]:
        if "stream" in s:
            st = s["stream"]
            conf = stream_class(st.get("namespace"), st["name"], st.get("json_schema"), s.get("destination_sync_mode", "append"),
                                s.get("primary_key") or [], s.get("cursor_field") or [], s.get("generation_id", 0),
                                s.get("minimum_generation_id", 0), s.get("sync_id", 0))
        else:
            conf = stream_class(s.get("namespace"), s["name"], s.get("json_schema"))
        out[(conf.ns or None, conf.name)] = conf
    return out


SPECIAL_NUMBER_PATTERN = "^(NaN|Infinity|-Infinity)$"


def kind_of(prop):
    """The column kind a JSON-schema property maps to (connhost/sdk/column_types.hpp): integer, number, float,
    boolean, string, date, datetime, datetime_local, json_text, binary, duration or json."""
    if not isinstance(prop, dict):
        return "json"
    fmt = prop.get("format")
    t = prop.get("type")
    if t is None:
        ref = prop.get("$ref", "")
        if not isinstance(ref, str):
            return "json"
        for suffix, kind in (("/Integer", "integer"), ("/Number", "number"), ("/Boolean", "boolean"), ("/Date", "date"),
                             ("/TimestampWithTimezone", "datetime"), ("/TimestampWithoutTimezone", "datetime_local")):
            if ref.endswith(suffix):
                return kind
        return "string" if "/definitions/" in ref else "json"
    if isinstance(t, list):
        rest = [x for x in t if x != "null"]
        if sorted(rest) == ["number", "string"] and prop.get("pattern") == SPECIAL_NUMBER_PATTERN:
            rest = ["number"]
        if len(rest) != 1:
            return "json"
        t = rest[0]
    if t == "string":
        if fmt == "date-time" and prop.get("airbyte_type") == "timestamp_without_timezone":
            return "datetime_local"
        if fmt not in ("date", "date-time") and prop.get("contentMediaType") == "application/json":
            return "json_text"
        if fmt not in ("date", "date-time") and prop.get("contentEncoding") == "base64":
            return "binary"
        if fmt == "duration":
            return "duration"
        return {"date": "date", "date-time": "datetime"}.get(fmt, "string")
    if t == "number" and fmt in ("double", "float"):
        return "float"
    return {"integer": "integer", "number": "number", "boolean": "boolean"}.get(t, "json")


def field_kinds(stream):
    """{field: kind_of(its property)} of the stream's schema."""
    props = (stream.schema or {}).get("properties") or {}
    return {k: kind_of(v) for k, v in props.items()}


def records_by_stream(messages):
    """{(namespace or None, stream): [Rec]} of the RECORD messages among [(exact, plain)] `messages`."""
    out = {}
    for ex, m in messages:
        if m.get("type") != "RECORD":
            continue
        r = ex.get("record")
        out.setdefault((r.get("namespace") or None, r.get("stream")), []).append(
            Rec(r.get("data"), m["record"].get("emitted_at", 0), r.get("meta")))
    return out


def cursor_key(stream, rec, text_key):
    """The order of `rec` by the stream's cursor: missing / null lowest, numbers by value, others by text_key(value)."""
    if not stream.cursor:
        return (0, 0)
    v = rec.data.keys_last_wins().get(stream.cursor[0])
    if v is None:
        return (0, 0)
    if isinstance(v, Num):
        return (1, decimal.Decimal(v.text))
    return (2, text_key(v))


def run_connhost(connhost, args, stdin_bytes=None, timeout=600):
    return subprocess.run([connhost] + args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def first_bad_line(data):
    """The number of the first non-blank line of `data` that is not JSON, or None."""
    for n, raw in enumerate(data.decode("utf-8").split("\n"), 1):
        line = raw.rstrip("\r")
        if line.strip(" \t"):
            try:
                json.loads(line)
            except ValueError:
                return n
    return None


def load_catalog(messages_path, messages):
    """(path, catalog) of the Airbyte catalog beside a conformance messages file; a schemaless one (path None) if it has none."""
    base = os.path.basename(messages_path)
    for suffix in ("_messages_in.txt", "_messages.txt", "_message.txt"):
        if base.endswith(suffix):
            prefix = os.path.join(os.path.dirname(messages_path), base[: -len(suffix)])
            for cat in (prefix + "_configured_catalog.json", prefix + "_catalog.json"):
                if os.path.exists(cat):
                    with open(cat, encoding="utf-8") as f:
                        return cat, json.load(f)
    # No upstream catalog (nan_type_test_message.txt): the streams its records use, schemaless, append.
    seen = []
    for _, m in messages:
        if m.get("type") == "RECORD":
            key = (m["record"].get("namespace"), m["record"]["stream"])
            if key not in seen:
                seen.append(key)
    streams = [dict({"name": n, "json_schema": {"type": "object"}, "supported_sync_modes": ["full_refresh"]},
                    **({"namespace": ns} if ns else {})) for ns, n in seen]
    return None, {"streams": streams}


def read_messages_file(path):
    """A conformance messages file: (its bytes, the number of its first malformed line or None, the messages
    before that line as [(exact, plain)], the path of its catalog or None, the catalog)."""
    check(os.path.isfile(path), "no such file: %s" % path)
    with open(path, "rb") as f:
        data = f.read()
    bad = first_bad_line(data)
    good = data if bad is None else "\n".join(data.decode("utf-8").split("\n")[: bad - 1]).encode("utf-8")
    messages = messages_of(good)
    cat_path, catalog = load_catalog(path, messages)
    return data, bad, messages, cat_path, catalog


# ---------------------------------------------------------------- read-back (`connhost run read-back`)

READ_BACK_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "text": {"type": "string"}, "amount": {"type": "number"}, "flag": {"type": "boolean"},
    "tags": {"type": "array"}, "doc": {"type": "object"}, "maybe": {"type": ["null", "string"]}}}
# Data objects as JSON text (number text exact): unicode, line breaks, quotes, huge numbers, nesting, a null field,
# a field outside the schema.
READ_BACK_VALUES = [
    '{"id":1,"text":"plain","amount":1.5,"flag":true,"tags":[1,"two",null,{"x":[]}],"doc":{"a":{"b":[1,2]},"c":null},'
    '"maybe":null}',
    '{"id":2,"text":"\u017c\u00f3\u0142w \U0001f422 \\n line\\r\\n\\t\\"q\\" \\\\ \u2028","amount":'
    '123456789012345678901234567890.123456789,"flag":false,"extra":{"k":"v"}}',
    '{"id":3,"amount":98765432109876543210987654321,"doc":{},"tags":[],"maybe":"set"}',
]


def raw_record_line(stream, data_text, emitted_at):
    return '{"type":"RECORD","record":{"stream":%s,"emitted_at":%d,"data":%s}}' % (json.dumps(stream), emitted_at, data_text)


def canon(v, top=True):
    """A comparable form of an exact value: objects unordered (null members dropped at the top level, where a
    null field and an absent one are stored alike), numbers by their text."""
    if isinstance(v, Obj):
        return tuple(sorted((k, canon(x, False)) for k, x in v.keys_last_wins().items() if not (top and x is None)))
    if isinstance(v, tuple):
        return ("#array",) + tuple(canon(x, False) for x in v)
    if isinstance(v, Num):
        return ("#num", v.text)
    return v


def read_back(connhost, plugin, config_path, catalog_path):
    """{(ns, stream): [exact data]} that `connhost run read-back` prints."""
    p = run_connhost(connhost, ["run", "--plugin", plugin, "read-back", "--config", config_path, "--catalog", catalog_path])
    check(p.returncode == 0, "read-back failed: %s" % describe(p))
    msgs = messages_of(p.stdout)
    check(not [m for _, m in msgs if m.get("type") == "STATE"], "read-back printed a STATE")
    return {k: [r.data for r in recs] for k, recs in records_by_stream(msgs).items()}


def case_read_back(connhost, plugin, workdir, config, stream_class):
    """Written by `run write` (append, append_dedup, overwrite; a second sync; an interrupted overwrite), read back by
    `run read-back`: value for value, a stream never written empty."""
    config_path = write_json(os.path.join(workdir, "rb-config.json"), config)
    mk = lambda name, mode: stream_class(None, name, READ_BACK_SCHEMA, mode, ["id"] if mode == "append_dedup" else [])
    streams = [mk("rb_append", "append"), mk("rb_dedup", "append_dedup"), mk("rb_over", "overwrite")]
    cat = write_json(os.path.join(workdir, "rb-catalog.json"), configured(streams))
    cat_all = write_json(os.path.join(workdir, "rb-catalog-all.json"), configured(streams + [mk("rb_never", "append")]))
    v = READ_BACK_VALUES
    updated = v[0].replace('"plain"', '"updated"')

    def write(lines, ok=True):
        p = run_connhost(connhost, ["run", "--plugin", plugin, "write", "--config", config_path, "--catalog", cat],
                         lines_bytes(lines))
        check((p.returncode == 0) == ok, "write exit %d: %s" % (p.returncode, describe(p)))

    write([raw_record_line(s, d, 1000 + i) for s in ("rb_append", "rb_over") for i, d in enumerate(v)] +
          [raw_record_line("rb_dedup", d, 1000 + i) for i, d in enumerate(v[:2])] + [state_line(1)])
    write([raw_record_line("rb_append", v[1], 2000), raw_record_line("rb_over", v[2], 2000),
           raw_record_line("rb_dedup", updated, 2001), raw_record_line("rb_dedup", v[2], 2002), state_line(2)])
    # Interrupted overwrite: records, then a malformed line; the previous rb_over must stay.
    write([raw_record_line("rb_over", v[0], 3000), '{"type": "RECORD", "record": {'], ok=False)
    got = read_back(connhost, plugin, config_path, cat_all)
    want = {"rb_append": v + [v[1]], "rb_over": [v[2]], "rb_dedup": [updated, v[1], v[2]]}
    for name, texts in want.items():
        have = [canon(x) for x in got.get((None, name), [])]
        expect = [canon(exact(t)) for t in texts]
        if name == "rb_dedup":  # the latest per key; the order among keys is the store's
            have, expect = sorted(have, key=repr), sorted(expect, key=repr)
        check(have == expect, "%s reads back %r, expected %r" % (name, have, expect))
    check(not got.get((None, "rb_never")), "a stream never written reads back %r" % got.get((None, "rb_never")))
    print("%s: append, append_dedup, overwrite (incl. interrupted) and an unwritten stream read back value for value"
          % plugin)
