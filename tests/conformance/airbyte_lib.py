"""Shared helpers of the Airbyte conformance tests: run the real connhost binary, model what
dest_jsonl must have written, compare value by value, and check every printed line against the
Airbyte protocol schema.

Values are compared in an exact form (see `exact`): numbers keep their literal text, objects keep
their member order and duplicates, strings are compared code point by code point.
"""
import json
import os
import subprocess
import sys

import jsonschema
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import dest_testlib  # noqa: E402
from dest_testlib import Failure, check, describe, write_json  # noqa: E402,F401

CONNHOST = os.environ.get("CONNHOST", "connhost")
CONFORMANCE_DIR = os.environ.get("CONNHOST_CONFORMANCE_DIR", "")
AIRBYTE_DIR = os.path.join(CONFORMANCE_DIR, "airbyte")
MESSAGE_SUFFIXES = ("_messages_in.txt", "_messages.txt", "_message.txt")


# ---------------------------------------------------------------- exact JSON values

def _num(text):
    return ("#number", text)


def _obj(pairs):
    return ("#object", tuple(pairs))


def _arr_fix(v):
    # json gives lists for arrays; make them tuples so values are hashable and never confused with our tags.
    if isinstance(v, list):
        return ("#array", tuple(_arr_fix(x) for x in v))
    if isinstance(v, tuple) and v and v[0] == "#object":
        return ("#object", tuple((k, _arr_fix(x)) for k, x in v[1]))
    return v


def exact(text, allow_constants=False):
    """Parses JSON text into a form where 1.0 != 1, {"a":1,"b":2} != {"b":2,"a":1}, and numbers keep their text.
    NaN / Infinity are accepted (as their literal text) only when allow_constants is set."""
    def constant(name):
        if not allow_constants:
            raise ValueError("not valid JSON: " + name)
        return ("#number", name)
    return _arr_fix(json.loads(text, parse_float=_num, parse_int=_num, parse_constant=constant, object_pairs_hook=_obj))


def plain(text):
    """Ordinary Python value (dicts), rejecting NaN / Infinity, for reading fields."""
    def constant(name):
        raise ValueError("not valid JSON: " + name)
    return json.loads(text, parse_constant=constant)


def member(obj, key):
    """The value of `key` in an exact object, or None."""
    if obj is None or obj[0] != "#object":
        return None
    found = None
    for k, v in obj[1]:
        if k == key:
            found = v
    return found


def without_member(obj, key):
    return ("#object", tuple((k, v) for k, v in obj[1] if k != key))


# ---------------------------------------------------------------- protocol schema

_validator = None


def message_validator():
    global _validator
    if _validator is None:
        with open(os.path.join(AIRBYTE_DIR, "airbyte_protocol.yaml"), encoding="utf-8") as f:
            root = yaml.safe_load(f)
        check("AirbyteMessage" in root.get("definitions", {}), "airbyte_protocol.yaml has no AirbyteMessage definition")
        resolver = jsonschema.RefResolver.from_schema(root)
        _validator = jsonschema.Draft7Validator(root["definitions"]["AirbyteMessage"], resolver=resolver)
    return _validator


def parse_output(stdout_bytes):
    """Every stdout line: valid UTF-8, valid JSON (no NaN), a valid AirbyteMessage. Returns [(exact, plain)]."""
    out = []
    text = stdout_bytes.decode("utf-8")
    check(text == "" or text.endswith("\n"), "stdout does not end with a newline: %r" % text[-200:])
    # split on "\n" only: U+2028 and friends inside a line are data, not line breaks
    for n, line in enumerate(text.split("\n")[:-1] if text else [], 1):
        try:
            p = plain(line)
            e = exact(line)
        except ValueError as err:
            raise Failure("stdout line %d is not valid JSON (%s): %s" % (n, err, line[:300]))
        errors = sorted(message_validator().iter_errors(p), key=lambda e: list(e.path))
        check(not errors, "stdout line %d does not validate against AirbyteMessage: %s\n  %s" %
              (n, "; ".join("%s at %s" % (e.message, "/".join(map(str, e.absolute_path))) for e in errors[:3]), line[:300]))
        out.append((e, p))
    return out


# ---------------------------------------------------------------- input files

def read_input(path):
    with open(path, "rb") as f:
        return f.read()


def input_messages(data):
    """[(line_number, exact, plain)] of every non-blank input line. Raises Failure on a malformed line."""
    out = []
    for n, raw in enumerate(data.decode("utf-8").split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip(" \t"):
            continue
        try:
            out.append((n, exact(line, allow_constants=True), json.loads(line)))
        except ValueError as err:
            raise Failure("input line %d is not valid JSON: %s" % (n, err))
    return out


def catalog_for(messages_path):
    """The catalog paired with a messages file, or None."""
    base = os.path.basename(messages_path)
    for suffix in MESSAGE_SUFFIXES:
        if base.endswith(suffix):
            prefix = os.path.join(os.path.dirname(messages_path), base[: -len(suffix)])
            for cat in (prefix + "_configured_catalog.json", prefix + "_catalog.json"):
                if os.path.exists(cat):
                    return cat
            return None
    raise Failure("not a messages file: " + messages_path)


def plain_catalog_from_streams(messages):
    """A plain catalog listing each (namespace, stream) seen in RECORD messages, in first-seen order."""
    seen = []
    for _, _, m in messages:
        if m.get("type") == "RECORD":
            key = (m["record"].get("namespace"), m["record"]["stream"])
            if key not in seen:
                seen.append(key)
    streams = []
    for ns, name in seen:
        s = {"name": name, "json_schema": {"type": "object"}, "supported_sync_modes": ["full_refresh"]}
        if ns is not None:
            s["namespace"] = ns
        streams.append(s)
    return {"streams": streams}


class StreamConf:
    def __init__(self, ns, name, mode, primary_key, cursor):
        self.ns, self.name, self.mode, self.primary_key, self.cursor = ns, name, mode, primary_key, cursor

    def relpath(self):
        return os.path.join(*( [self.ns] if self.ns else []), self.name + ".jsonl")


def catalog_streams(catalog):
    """{(namespace, name): StreamConf}. A plain catalog means full_refresh + append for every stream."""
    out = {}
    for s in catalog["streams"]:
        if "stream" in s:
            st = s["stream"]
            conf = StreamConf(st.get("namespace"), st["name"], s.get("destination_sync_mode", "append"),
                              s.get("primary_key") or [], s.get("cursor_field") or [])
        else:
            conf = StreamConf(s.get("namespace"), s["name"], "append", [], [])
        out[(conf.ns, conf.name)] = conf
    return out


# ---------------------------------------------------------------- running connhost

def run(args, stdin_bytes=None, timeout=300):
    p = subprocess.run([CONNHOST] + args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p


def run_write(workdir, catalog, stdin_bytes, dest_dir=None):
    """`connhost run --plugin dest_jsonl write` into workdir/out (or dest_dir). Returns (proc, dest_dir)."""
    dest_dir = dest_dir or os.path.join(workdir, "out")
    config = write_json(os.path.join(workdir, "config.json"), {"destination_path": dest_dir})
    if isinstance(catalog, str):
        cat_path = catalog
    else:
        cat_path = write_json(os.path.join(workdir, "catalog.json"), catalog)
    p = run(["run", "--plugin", "dest_jsonl", "write", "--config", config, "--catalog", cat_path], stdin_bytes)
    return p, dest_dir


# ---------------------------------------------------------------- the model of what must be written

def _cursor_key(value):
    """Sort key of a cursor value in exact form: absent/null lowest, numbers numerically, else text."""
    if value is None:  # absent or null
        return (0, 0, "")
    if isinstance(value, tuple) and value[0] == "#number":
        return (1, float(value[1]), "")
    if isinstance(value, str):
        return (2, 0, value)
    return (3, 0, json.dumps(value))


def _at(obj, path):
    cur = obj
    for part in path:
        cur = member(cur, part)
        if cur is None:
            return None
    return cur


def expected_streams(confs, messages, before=None):
    """{(ns, name): [exact data]} that dest_jsonl must hold after the run. `before` maps keys to the exact
    records each file held before (kept by append and append_dedup, replaced by overwrite)."""
    written = {k: [] for k in confs}
    for _, e, m in messages:
        if m.get("type") != "RECORD":
            continue
        key = (m["record"].get("namespace"), m["record"]["stream"])
        check(key in confs, "input has a record for %r, which the catalog lacks" % (key,))
        written[key].append((member(member(e, "record"), "data"), member(member(e, "record"), "emitted_at")))
    out = {}
    for key, conf in confs.items():
        old = list((before or {}).get(key, []))
        new = [d for d, _ in written[key]]
        if conf.mode == "overwrite":
            out[key] = new
        elif conf.mode == "append":
            out[key] = old + new
        elif conf.mode == "append_dedup":
            out[key] = dedup(old + new, conf.primary_key, conf.cursor)
        else:
            raise Failure("unknown destination_sync_mode %r" % conf.mode)
    return out


def dedup(records, primary_key, cursor):
    """Latest record per primary key by cursor (later line wins ties), keys in first-seen order."""
    best, order = {}, []
    for r in records:
        key = tuple(_at(r, pk) for pk in primary_key)
        if key not in best:
            best[key] = r
            order.append(key)
        elif not cursor or _cursor_key(_at(r, cursor)) >= _cursor_key(_at(best[key], cursor)):
            best[key] = r
    return [best[k] for k in order]


LOCK_FILE = ".connhost-lock"  # dest_jsonl's lock on its folder (docs/connectors/dest_jsonl.md)


def files_under(dest_dir):
    """Every file under dest_dir (relative paths, sorted) but dest_jsonl's lock file."""
    return sorted(os.path.relpath(os.path.join(d, f), dest_dir) for d, _, fs in os.walk(dest_dir) for f in fs
                  if os.path.join(d, f) != os.path.join(dest_dir, LOCK_FILE))


def read_written(dest_dir, confs):
    """{key: [exact]} of the files dest_jsonl left, and the list of every file under dest_dir but its lock file."""
    files = files_under(dest_dir)
    got = {}
    for key, conf in confs.items():
        path = os.path.join(dest_dir, conf.relpath())
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8")
        check(text == "" or text.endswith("\n"), "%s does not end with a newline" % conf.relpath())
        rows = []
        for n, line in enumerate(text.split("\n")[:-1], 1):
            try:
                rows.append(exact(line, allow_constants=True))
            except ValueError as err:
                raise Failure("%s line %d is not valid JSON: %s: %r" % (conf.relpath(), n, err, line[:200]))
        got[key] = rows
    return got, files


def compare_streams(dest_dir, confs, expected):
    got, files = read_written(dest_dir, confs)
    want_files = sorted(confs[k].relpath() for k in expected)
    check(files == want_files, "files under the destination: %s, expected exactly %s" % (files, want_files))
    for key, want in expected.items():
        have = got.get(key)
        check(have is not None, "no file for stream %r" % (key,))
        check(len(have) == len(want), "stream %r: %d records written, expected %d" % (key, len(have), len(want)))
        for i, (h, w) in enumerate(zip(have, want)):
            check(h == w, "stream %r record %d differs:\n  written:  %r\n  expected: %r" % (key, i + 1, h, w))


def check_state_echo(outputs, messages, upto_line=None):
    """Every input STATE (before `upto_line`, if given) is echoed once, in order, with the unknown fields it
    had, and destinationStats.recordCount = records since the previous state. Returns the echoed states."""
    want = []
    since = 0
    for n, e, m in messages:
        if upto_line is not None and n >= upto_line:
            break
        if m.get("type") == "RECORD":
            since += 1
        elif m.get("type") == "STATE":
            want.append((n, member(e, "state"), since))
            since = 0
    got = [(e, p) for e, p in outputs if p.get("type") == "STATE"]
    check(len(got) == len(want), "%d STATE lines printed, expected %d (input lines %s)" % (len(got), len(want), [w[0] for w in want]))
    for (n, state, count), (e, p) in zip(want, got):
        stats = p["state"].get("destinationStats")
        check(isinstance(stats, dict) and stats.get("recordCount") == count,
              "state of input line %d: destinationStats %r, expected recordCount %d" % (n, stats, count))
        echoed = without_member(member(e, "state"), "destinationStats")
        check(echoed == with_stream_states(without_member(state, "destinationStats")),
              "state of input line %d echoed as %r, expected %r" % (n, echoed, state))
    return got


def with_stream_states(state):
    """The protocol requires global.stream_states; a GLOBAL state that lacks it is echoed with an empty one
    (and otherwise unchanged)."""
    glob = member(state, "global")
    if member(state, "type") != "GLOBAL" or glob is None or glob[0] != "#object" or any(k == "stream_states" for k, _ in glob[1]):
        return state
    fixed = ("#object", glob[1] + (("stream_states", ("#array", ())),))
    return ("#object", tuple((k, fixed if k == "global" else v) for k, v in state[1]))


def errors_in(outputs):
    return [p["trace"]["error"]["message"] for _, p in outputs
            if p.get("type") == "TRACE" and p["trace"].get("type") == "ERROR"]


def main(cases):
    dest_testlib.main(cases, lambda: check(os.path.isdir(AIRBYTE_DIR), "CONNHOST_CONFORMANCE_DIR/airbyte is not a folder: %r" % AIRBYTE_DIR))
