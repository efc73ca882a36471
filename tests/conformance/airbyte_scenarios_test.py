#!/usr/bin/env python3
"""What Airbyte's destination tests assert beyond one file, through the real connhost binary and connectors.

  faker_pipe              source_faker read | tee | dest_jsonl write: every record arrives, every state echoed in
                          order after its records are on disk; then an overwrite sync of one stream replaces only
                          that stream, and an incremental re-run from the last states appends only the new records
  second_sync_overwrite   a second sync in overwrite keeps only the second sync's records and leaves the streams
                          it does not name (and append streams' history) alone
  dedup_composite_key     append_dedup with a composite primary key keeps the latest record per key by cursor,
                          over two syncs
  special_values          \\u2028, \\n, \\r, surrogate pairs, raw UTF-8, a 500-digit number and other number texts,
                          a new field mid-stream, a 4 MB record, CRLF input lines, same stream in two namespaces
"""
import json
import os
import subprocess
import tempfile
import threading

from airbyte_lib import (CONNHOST, LOCK_FILE, Failure, catalog_streams, check, check_state_echo, compare_streams, describe, errors_in,
                         exact, expected_streams, input_messages, main, member, parse_output, read_written, run, run_write,
                         write_json)


def rec(stream, data, ns=None, at=1700000000000):
    r = {"stream": stream, "emitted_at": at, "data": data}
    if ns is not None:
        r["namespace"] = ns
    return json.dumps({"type": "RECORD", "record": r})


def stream_state(stream, value, ns=None):
    desc = {"name": stream}
    if ns is not None:
        desc["namespace"] = ns
    return json.dumps({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": desc, "stream_state": value}}})


def complete(stream):
    return json.dumps({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 1700000000001,
                                                   "stream_status": {"stream_descriptor": {"name": stream}, "status": "COMPLETE"}}})


def configured(name, mode, sync_mode="full_refresh", pk=None, cursor=None, ns=None):
    st = {"name": name, "json_schema": {"type": "object"}, "supported_sync_modes": ["full_refresh", "incremental"]}
    if ns is not None:
        st["namespace"] = ns
    return {"stream": st, "sync_mode": sync_mode, "destination_sync_mode": mode,
            "primary_key": pk or [], "cursor_field": cursor or []}


def sync(tmp, dest, catalog, lines, before=None):
    """One `run write` that must succeed; checks the echoed states and every stream's file. Returns outputs."""
    data = ("\n".join(lines) + "\n").encode("utf-8")
    messages = input_messages(data)
    confs = catalog_streams(catalog)
    p, _ = run_write(tmp, catalog, data, dest)
    check(p.returncode == 0, "write failed: %s" % describe(p))
    outputs = parse_output(p.stdout)
    check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
    check_state_echo(outputs, messages)
    return outputs, messages, confs


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# ------------------------------------------------------------------------------------------------ faker pipe

FAKER_CONFIG = {"count": 2500, "state_interval": 1000}


def faker_catalog(tmp, config, streams=None, sync_mode="incremental", mode="append"):
    """A configured catalog built from source_faker's own discover."""
    cfg = write_json(os.path.join(tmp, "faker-config.json"), config)
    p = run(["run", "--plugin", "source_faker", "discover", "--config", cfg])
    check(p.returncode == 0, "discover failed: %s" % describe(p))
    cats = [pl["catalog"] for _, pl in parse_output(p.stdout) if pl.get("type") == "CATALOG"]
    check(len(cats) == 1, "discover printed %d CATALOG messages" % len(cats))
    out = []
    for s in cats[0]["streams"]:
        if streams is not None and s["name"] not in streams:
            continue
        check(sync_mode in s.get("supported_sync_modes", []), "stream %s does not support %s" % (s["name"], sync_mode))
        out.append({"stream": s, "sync_mode": sync_mode, "destination_sync_mode": mode,
                    "cursor_field": s.get("default_cursor_field", []), "primary_key": s.get("source_defined_primary_key", [])})
    check(out, "discover gave no streams")
    return {"streams": out}


def pipe_sync(tmp, dest, config, catalog, state=None, tag="run"):
    """source_faker read | tee READ_OUT | dest_jsonl write, through OS pipes. While the writer runs, every echoed
    STATE is checked against the files on disk (append catalogs): the records before it must already be there."""
    cfg = write_json(os.path.join(tmp, tag + "-source.json"), config)
    cat = write_json(os.path.join(tmp, tag + "-catalog.json"), catalog)
    dcfg = write_json(os.path.join(tmp, tag + "-dest.json"), {"destination_path": dest})
    read_out = os.path.join(tmp, tag + "-read.jsonl")
    read_args = [CONNHOST, "run", "--plugin", "source_faker", "read", "--config", cfg, "--catalog", cat]
    if state is not None:
        read_args += ["--state", write_json(os.path.join(tmp, tag + "-state.json"), state)]
    confs = catalog_streams(catalog)
    existing = {k: len(v) for k, v in read_written(dest, confs)[0].items()}

    src = subprocess.Popen(read_args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tee = subprocess.Popen(["tee", read_out], stdin=src.stdout, stdout=subprocess.PIPE)
    src.stdout.close()
    dst = subprocess.Popen([CONNHOST, "run", "--plugin", "dest_jsonl", "write", "--config", dcfg, "--catalog", cat],
                           stdin=tee.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tee.stdout.close()
    on_disk_at_state = []  # records on disk (beyond what was there before) when each STATE was read
    out_lines = []
    src_err = []
    t = threading.Thread(target=lambda: src_err.append(src.stderr.read()))
    t.start()
    for line in dst.stdout:
        out_lines.append(line)
        if b'"STATE"' in line and json.loads(line).get("type") == "STATE":
            got = read_written(dest, confs)[0]
            on_disk_at_state.append(sum(len(v) - existing.get(k, 0) for k, v in got.items()))
    dst_err = dst.stderr.read()
    dst.wait(timeout=300)
    src.wait(timeout=300)
    tee.wait(timeout=300)
    t.join()
    check(src.returncode == 0, "faker read exit %d: %s" % (src.returncode, src_err[0][-2000:].decode("utf-8", "replace")))
    check(dst.returncode == 0, "jsonl write exit %d: %s\n%s" % (dst.returncode, b"".join(out_lines)[-2000:].decode(),
                                                                 dst_err[-2000:].decode("utf-8", "replace")))
    read_bytes = file_bytes(read_out)
    parse_output(read_bytes)  # the source's output is protocol too
    messages = input_messages(read_bytes)
    outputs = parse_output(b"".join(out_lines))
    check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
    echoed = check_state_echo(outputs, messages)
    # append streams: the records before each state were on disk when the state was printed (an overwrite sync
    # writes a staging file that only replaces the old one at the end, so there is nothing to look at)
    if any(c.mode != "append" for c in confs.values()):
        return messages, echoed
    before = 0
    seen_states = 0
    for _, _, m in messages:
        if m.get("type") == "RECORD":
            before += 1
        elif m.get("type") == "STATE":
            check(on_disk_at_state[seen_states] >= before,
                  "STATE %d printed when %d records were on disk, but %d came before it" %
                  (seen_states + 1, on_disk_at_state[seen_states], before))
            seen_states += 1
    check(seen_states == len(echoed), "state count mismatch")
    return messages, echoed


def records_by_stream(messages):
    out = {}
    for _, e, m in messages:
        if m.get("type") == "RECORD":
            out.setdefault((m["record"].get("namespace"), m["record"]["stream"]), []).append(member(member(e, "record"), "data"))
    return out


def case_faker_pipe():
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        dest = os.path.join(tmp, "out")
        catalog = faker_catalog(tmp, FAKER_CONFIG)
        confs = catalog_streams(catalog)
        check(len(confs) >= 2, "faker discovers %d streams; this test needs two" % len(confs))

        # 1. incremental + append into an empty folder: every record arrives, every state echoed in order
        messages, echoed = pipe_sync(tmp, dest, FAKER_CONFIG, catalog, tag="first")
        first = records_by_stream(messages)
        for key in confs:
            check(len(first.get(key, [])) == FAKER_CONFIG["count"], "faker read %d records of %r, expected %d" %
                  (len(first.get(key, [])), key, FAKER_CONFIG["count"]))
        check(len(echoed) >= 3 * len(confs), "only %d states echoed for %d streams of 2500 records every 1000" %
              (len(echoed), len(confs)))
        compare_streams(dest, confs, expected_streams(confs, messages))
        snapshot = {k: file_bytes(os.path.join(dest, c.relpath())) for k, c in confs.items()}

        # the last state of each stream, as a platform would persist them from the echoed output; --state takes
        # what Airbyte passes: a JSON array of AirbyteStateMessage (the `state` objects, not whole STATE lines)
        last = {}
        for _, p in echoed:
            st = dict(p["state"])
            st.pop("destinationStats", None)
            check(st.get("type") == "STREAM", "faker state is not a STREAM state: %r" % st)
            last[st["stream"]["stream_descriptor"]["name"]] = {"type": "STREAM", "stream": st["stream"]}

        # 2. a second sync, full_refresh + overwrite of one stream with other data: only that stream changes
        names = sorted(n for _, n in confs)
        one = names[0]
        config2 = {"count": 300, "state_interval": 100, "seed": 7}
        cat2 = faker_catalog(tmp, config2, streams=[one], sync_mode="full_refresh", mode="overwrite")
        messages2, _ = pipe_sync(tmp, dest, config2, cat2, tag="overwrite")
        got = read_written(dest, confs)[0]
        check(got[(None, one)] == records_by_stream(messages2)[(None, one)],
              "overwrite of %s does not hold exactly the second sync's records" % one)
        check(len(got[(None, one)]) == 300, "%s holds %d records after the overwrite" % (one, len(got[(None, one)])))
        check(got[(None, one)] != first[(None, one)][:300], "the overwrite sync's data equals the first's: weak test")
        for key, conf in confs.items():
            if key != (None, one):
                check(file_bytes(os.path.join(dest, conf.relpath())) == snapshot[key], "%s changed by a sync of %s" % (conf.relpath(), one))

        # 3. incremental re-run of the other streams from their last states with a larger count: only new records
        others = names[1:]
        config3 = {"count": 3200, "state_interval": 1000}
        cat3 = faker_catalog(tmp, config3, streams=others)
        messages3, _ = pipe_sync(tmp, dest, config3, cat3, state=[last[n] for n in others],
                                 tag="incremental")
        third = records_by_stream(messages3)
        got = read_written(dest, confs)[0]
        for n in others:
            key = (None, n)
            new = third.get(key, [])
            check(len(new) == 700, "incremental re-run of %s read %d records, expected the 700 new ones" % (n, len(new)))
            check(got[key] == first[key] + new, "%s is not the first sync followed by the new records" % n)
            ids = [member(r, "id") for r in got[key]]
            check(len(set(ids)) == len(ids), "%s has duplicate ids after the incremental re-run" % n)
        print("faker pipe: %d streams x 2500 records, %d states; overwrite of %s; +700 incremental" %
              (len(confs), len(echoed), one))


# ------------------------------------------------------------------------------------------------ handmade syncs

def case_second_sync_overwrite():
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        dest = os.path.join(tmp, "out")
        cat1 = {"streams": [configured("users", "overwrite"), configured("events", "append"),
                            configured("untouched", "overwrite"), configured("emptied", "overwrite")]}
        lines1 = [rec("users", {"id": 1, "name": "first"}), rec("users", {"id": 2, "name": "first"}),
                  rec("events", {"e": 1}), rec("untouched", {"k": "stays"}), rec("emptied", {"k": "goes"}),
                  stream_state("users", {"cursor": 1})]
        sync(tmp, dest, cat1, lines1)
        untouched = file_bytes(os.path.join(dest, "untouched.jsonl"))

        cat2 = {"streams": [configured("users", "overwrite"), configured("events", "append"), configured("emptied", "overwrite")]}
        lines2 = [rec("users", {"id": 3, "name": "second"}), stream_state("users", {"cursor": 3}),
                  rec("events", {"e": 2}), rec("events", {"e": 3}), complete("users"), complete("emptied"),
                  stream_state("events", {"cursor": 3})]
        outputs, _, _ = sync(tmp, dest, cat2, lines2)
        confs = catalog_streams(cat1)
        compare_streams(dest, confs, {
            (None, "users"): [exact('{"id":3,"name":"second"}')],
            (None, "events"): [exact('{"e":1}'), exact('{"e":2}'), exact('{"e":3}')],
            (None, "untouched"): [exact('{"k":"stays"}')],
            (None, "emptied"): [],
        })
        check(file_bytes(os.path.join(dest, "untouched.jsonl")) == untouched, "a stream outside the second catalog changed")
        print("second sync: overwrite kept only the second sync, append kept history, other streams untouched")


def case_dedup_composite_key():
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        dest = os.path.join(tmp, "out")
        cat = {"streams": [configured("accounts", "append_dedup", "incremental", pk=[["org"], ["id"]], cursor=["updated"])]}
        a = lambda org, i, upd, v: rec("accounts", {"org": org, "id": i, "updated": upd, "v": v})
        lines1 = [a("acme", 1, 10, "a1-old"), a("acme", 2, 10, "a2"), a("zeta", 1, 10, "z1"),
                  a("acme", 1, 12, "a1-new"), a("acme", 1, 11, "a1-late-but-older"),
                  stream_state("accounts", {"updated": 12})]
        sync(tmp, dest, cat, lines1)
        confs = catalog_streams(cat)
        row = lambda org, i, upd, v: exact(json.dumps({"org": org, "id": i, "updated": upd, "v": v}))
        compare_streams(dest, confs, {(None, "accounts"): [
            row("acme", 1, 12, "a1-new"), row("acme", 2, 10, "a2"), row("zeta", 1, 10, "z1")]})
        # second sync: a newer version of one key, an older one of another, a new key sharing an id with another org
        lines2 = [a("zeta", 1, 9, "z1-stale"), a("acme", 2, 20, "a2-new"), a("zeta", 2, 5, "z2"),
                  stream_state("accounts", {"updated": 20}), complete("accounts")]
        sync(tmp, dest, cat, lines2)
        compare_streams(dest, confs, {(None, "accounts"): [
            row("acme", 1, 12, "a1-new"), row("acme", 2, 20, "a2-new"), row("zeta", 1, 10, "z1"), row("zeta", 2, 5, "z2")]})
        print("append_dedup: latest per (org, id) by cursor over two syncs")


BIG_NUMBER = "9" * 250 + "." + "1" * 249 + "7"  # 500 digits
NUMBERS = ["0", "-0", "1.0", "1.50", "1e400", "-1E-400", "1E+2", "12345678901234567890123", "0.1000000000000000055511151231257827",
           BIG_NUMBER, "-" + "1" * 500]


def case_special_values():
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        dest = os.path.join(tmp, "out")
        cat = {"streams": [configured("strings", "append"), configured("numbers", "overwrite"), configured("wide", "append"),
                           configured("same", "append", ns="ns_a"), configured("same", "append", ns="ns_b"),
                           configured("same", "append")]}
        strings = ["line\u2028separator\u2029para", "new\nline", "carriage\rreturn", "crlf\r\n", "tab\there", "quote\" back\\slash /",
                   "nul-free control \u0001\u001f", "é ü ß 漢字", "emoji \U0001F600", "", " ", "\u00a0nbsp"]
        lines = []
        # ensure_ascii False for raw UTF-8 on the wire, True for \u escapes: both must come out the same
        for i, s in enumerate(strings):
            lines.append(json.dumps({"type": "RECORD", "record": {"stream": "strings", "emitted_at": 1, "data": {"i": i, "s": s}}},
                                    ensure_ascii=(i % 2 == 0)))
        for n in NUMBERS:
            lines.append('{"type":"RECORD","record":{"stream":"numbers","emitted_at":1,"data":{"n":%s,"in_array":[%s, %s],"nested":{"n":%s}}}}'
                         % (n, n, n, n))
        # whitespace between tokens (spaces, tabs) inside data is allowed; a CRLF line ending too
        lines.append('{"type":"RECORD","record":{"stream":"numbers","emitted_at":1,"data":{ "n" :\t1.10 , "in_array" : [ ] }}}\r')
        lines.append(stream_state("numbers", {"n": BIG_NUMBER}).replace('"%s"' % BIG_NUMBER, BIG_NUMBER))
        # a new field mid-stream, and a 4 MB record
        lines += [rec("wide", {"a": 1}), rec("wide", {"a": 2, "b": {"new": True}}), rec("wide", {"big": "x" * (4 << 20), "a": 3}),
                  rec("wide", {"a": 4})]
        # the same stream name in two namespaces and in none
        lines += [rec("same", {"where": "a"}, ns="ns_a"), rec("same", {"where": "b"}, ns="ns_b"), rec("same", {"where": "none"})]
        lines.append(json.dumps({"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {"s": "\u2028"}},
                                                            "unknown_field": [1.0, "kept"]}}))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        messages = input_messages(data)
        confs = catalog_streams(cat)
        p, _ = run_write(tmp, cat, data, dest)
        check(p.returncode == 0, "write failed: %s" % describe(p))
        outputs = parse_output(p.stdout)
        check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
        check_state_echo(outputs, messages)
        want = expected_streams(confs, messages)
        compare_streams(dest, confs, want)
        # beyond the model: the expected values hold what this test meant (the model reads the same input)
        got = read_written(dest, confs)[0]
        check([member(r, "s") for r in got[(None, "strings")]] == strings, "strings not kept exactly")
        check([member(r, "n") for r in got[(None, "numbers")]][: len(NUMBERS)] == [("#number", n) for n in NUMBERS],
              "number text not kept exactly")
        layout = sorted(f for f in os.listdir(dest) if f != LOCK_FILE)
        check(layout == ["ns_a", "ns_b", "numbers.jsonl", "same.jsonl", "strings.jsonl", "wide.jsonl"], "unexpected layout: %s" % layout)
        print("special values: %d strings, %d number texts, 4 MB record, namespaces" % (len(strings), len(NUMBERS)))


if __name__ == "__main__":
    main({"faker_pipe": case_faker_pipe, "second_sync_overwrite": case_second_sync_overwrite,
          "dedup_composite_key": case_dedup_composite_key, "special_values": case_special_values})
