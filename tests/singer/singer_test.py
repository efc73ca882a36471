#!/usr/bin/env python3
"""Runs one Singer SDK target test stream through `connhost run --plugin dest_jsonl write` (no catalog: the
catalog comes from the SCHEMA messages) and checks the outcome the Singer SDK's target tests expect:
invalid_schema, record_before_schema and record_missing_key_property are rejected with an error naming the
line; every other file loads, value by value (numbers as exact text), deduplicated by key_properties."""
import json
import os
import subprocess
import sys
import tempfile

REJECTED = {
    "invalid_schema": ("stdin line 1", "no \"properties\""),
    "record_before_schema": ("stdin line 1", "before its SCHEMA"),
    "record_missing_key_property": ("stdin line 2", "lacks its key property \"id\""),
}


def exact(text):
    return json.loads(text, parse_float=lambda s: ("num", s), parse_int=lambda s: ("num", s), parse_constant=lambda s: ("num", s))


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


def main(path):
    name = os.path.splitext(os.path.basename(path))[0]
    out = tempfile.mkdtemp(prefix="connhost-singer-")
    cfg = os.path.join(out, "config.json")
    json.dump({"destination_path": os.path.join(out, "data")}, open(cfg, "w"))
    with open(path, "rb") as stdin:
        r = subprocess.run([os.environ["CONNHOST"], "run", "--plugin", "dest_jsonl", "write", "--config", cfg],
                           stdin=stdin, capture_output=True, text=True, timeout=60)
    if name in REJECTED:
        where, why = REJECTED[name]
        assert r.returncode == 1, "%s must be rejected, got rc %d" % (name, r.returncode)
        assert where in r.stderr and why in r.stderr, "the error names the line and the cause: " + r.stderr
        traces = [json.loads(l) for l in r.stdout.splitlines() if '"TRACE"' in l]
        assert traces and where in traces[-1]["trace"]["error"]["message"], "a TRACE ERROR names the line too"
        print("ok: rejected:", r.stderr.strip())
        return
    assert r.returncode == 0, "%s must load: %s" % (name, r.stderr)
    want, want_states = expected(path)
    for stream, rows in want.items():
        got = [exact(l) for l in open(os.path.join(out, "data", stream + ".jsonl"), encoding="utf-8")]
        assert got == rows, "%s: stream %s differs:\n got  %s\n want %s" % (name, stream, got, rows)
        print("ok: %s: %d records match" % (stream, len(rows)))
    echoed = [json.loads(l)["state"] for l in r.stdout.splitlines() if l.startswith('{"type":"STATE"')]
    assert [s["data"] for s in echoed] == want_states, "every Singer STATE is echoed in order as a LEGACY state: %s" % echoed
    print("ok: %d states echoed in order" % len(echoed))


if __name__ == "__main__":
    main(sys.argv[1])
