#!/usr/bin/env python3
"""One Airbyte destination-test file through the real `connhost run --plugin dest_jsonl write`.

  airbyte_file_test.py file MESSAGES_TXT        sync the file into an empty folder; compare every stream
                                                value by value with the input, check the echoed states
                                                and that every stdout line is a valid AirbyteMessage
                                                A file with a malformed line (users_with_generation_id
                                                line 4 has a stray `}` upstream) must fail cleanly instead:
                                                exit 1, an error naming "stdin line N", earlier states
                                                echoed, the previous content of the files kept
  airbyte_file_test.py stray_brace_repaired     users_with_generation_id still has its quirk on line 4,
                                                and with that line repaired it loads fully
  airbyte_file_test.py schema_self_check        the schema validator used here rejects bad messages
"""
import os
import tempfile

from airbyte_lib import (AIRBYTE_DIR, Failure, catalog_for, catalog_streams, check, check_state_echo, compare_streams, files_under,
                         describe, errors_in, exact, expected_streams, input_messages, main, message_validator,
                         parse_output, plain, plain_catalog_from_streams, read_input, run_write)
import json


def first_bad_line(data):
    """Line number of the first non-blank input line that is not valid JSON, or None."""
    for n, raw in enumerate(data.decode("utf-8").split("\n"), 1):
        line = raw.rstrip("\r")
        if line.strip(" \t"):
            try:
                plain(line)
            except ValueError:
                return n
    return None


def load_catalog(messages_path, messages):
    """(catalog path or None, catalog object) for a messages file."""
    cat_path = catalog_for(messages_path)
    if cat_path:
        with open(cat_path, encoding="utf-8") as f:
            return cat_path, json.load(f)
    # No upstream catalog (nan_type_test_message.txt): a plain catalog of the stream names the file uses,
    # which means full_refresh + append for each.
    return None, plain_catalog_from_streams(messages)


def sync_file(messages_path, data=None):
    """One sync of `data` (default: the file's bytes) with the file's catalog into an empty folder: exit 0, no
    error, every state echoed in order with its recordCount, every stream's file equal to the input's records."""
    data = read_input(messages_path) if data is None else data
    messages = input_messages(data)
    cat_path, catalog = load_catalog(messages_path, messages)
    confs = catalog_streams(catalog)
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        p, dest = run_write(tmp, cat_path or catalog, data)
        check(p.returncode == 0, "write of %s failed: %s" % (os.path.basename(messages_path), describe(p)))
        outputs = parse_output(p.stdout)
        check(not errors_in(outputs), "TRACE ERROR printed: %s" % errors_in(outputs))
        check_state_echo(outputs, messages)
        compare_streams(dest, confs, expected_streams(confs, messages))
    n_records = sum(1 for _, _, m in messages if m.get("type") == "RECORD")
    n_states = sum(1 for _, _, m in messages if m.get("type") == "STATE")
    print("%s: %d records in %d streams, %d states: all written and echoed" %
          (os.path.basename(messages_path), n_records, len(confs), n_states))


OLD_CONTENT = '{"id":0,"name":"previous sync","n":1.50}\n{"id":-1,"note":"\\u2028 kept"}\n'.encode("utf-8")


def sync_expecting_line_error(messages_path, data, bad_line):
    """A file with a malformed line: exit 1, exactly one TRACE ERROR naming "stdin line N", the states before the
    line echoed (none after), and nothing lost: overwrite streams keep the previous file byte for byte, append
    streams keep it as a prefix followed by at most the records that came before the bad line."""
    lines = data.decode("utf-8").split("\n")
    messages_before = input_messages("\n".join(lines[: bad_line - 1]).encode("utf-8"))
    cat_path, catalog = load_catalog(messages_path, messages_before)
    confs = catalog_streams(catalog)
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        dest = os.path.join(tmp, "out")
        for conf in confs.values():
            os.makedirs(os.path.dirname(os.path.join(dest, conf.relpath())), exist_ok=True)
            with open(os.path.join(dest, conf.relpath()), "wb") as f:
                f.write(OLD_CONTENT)
        p, _ = run_write(tmp, cat_path or catalog, data, dest)
        check(p.returncode == 1, "exit code %d, expected 1: %s" % (p.returncode, describe(p)))
        outputs = parse_output(p.stdout)
        errs = errors_in(outputs)
        check(len(errs) == 1, "expected exactly one TRACE ERROR, got %r" % errs)
        check("stdin line %d" % bad_line in errs[0], "the error does not name stdin line %d: %r" % (bad_line, errs[0]))
        check(outputs[-1][1].get("type") == "TRACE", "the TRACE ERROR is not the last line printed")
        check_state_echo(outputs, messages_before)
        before = expected_streams(confs, messages_before)
        for key, conf in confs.items():
            with open(os.path.join(dest, conf.relpath()), "rb") as f:
                now = f.read()
            if conf.mode == "overwrite":
                check(now == OLD_CONTENT, "%s changed although its overwrite sync failed: %r" % (conf.relpath(), now[:300]))
            else:
                check(now.startswith(OLD_CONTENT), "%s lost its previous content: %r" % (conf.relpath(), now[:300]))
                extra = [exact(l) for l in now[len(OLD_CONTENT):].decode("utf-8").split("\n")[:-1]]
                check(extra == before[key][: len(extra)], "%s gained records that were not before the bad line" % conf.relpath())
        left = files_under(dest)
        check(left == sorted(c.relpath() for c in confs.values()), "files left after the failed sync: %s" % left)
        print("%s: failed cleanly with: %s" % (os.path.basename(messages_path), errs[0]))


def case_file(path):
    check(os.path.isfile(path), "no such file: %s" % path)
    data = read_input(path)
    bad = first_bad_line(data)
    if bad is None:
        sync_file(path, data)
    else:
        sync_expecting_line_error(path, data, bad)


USERS = "users_with_generation_id_messages.txt"
BAD_LINE = 4


def case_stray_brace_repaired():
    """The upstream quirk is still there (else revisit this test), and with line 4 repaired the file loads fully."""
    path = os.path.join(AIRBYTE_DIR, USERS)
    data = read_input(path)
    check(first_bad_line(data) == BAD_LINE, "%s: first malformed line is %r, expected the upstream quirk on line %d" %
          (USERS, first_bad_line(data), BAD_LINE))
    lines = data.decode("utf-8").split("\n")
    bad = lines[BAD_LINE - 1].rstrip()
    check(bad.endswith("null }}}"), "line %d does not end with the stray '}'" % BAD_LINE)
    # Drop the stray brace: this is the value Airbyte's own (Jackson) reader takes from the line.
    lines[BAD_LINE - 1] = bad[:-1]
    sync_file(path, "\n".join(lines).encode("utf-8"))


def case_schema_self_check():
    """Guards the guard: a validator that accepts anything would make every stdout check vacuous."""
    v = message_validator()
    good = [
        {"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {}, "stream_states": []}, "destinationStats": {"recordCount": 1}}},
        {"type": "STATE", "state": {"data": {"a": 1}, "destinationStats": {"recordCount": 0}}},
        {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1, "error": {"message": "x", "failure_type": "config_error"}}},
    ]
    bad = [
        {"type": "NOT_A_TYPE"},
        {"state": {}},
        {"type": "STATE", "state": {"type": "SIDEWAYS"}},
        {"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {}}}},
        {"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {}}}},
        {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1, "error": {"message": "x", "failure_type": "oops"}}},
        {"type": "STATE", "state": {"data": {}, "destinationStats": {"recordCount": "seven"}}},
        {"type": "RECORD", "record": {"stream": "s", "data": {}}},
    ]
    for m in good:
        errs = list(v.iter_errors(m))
        check(not errs, "schema rejects a valid message %r: %s" % (m, errs[0].message if errs else ""))
    for m in bad:
        check(list(v.iter_errors(m)), "schema accepts an invalid message %r" % (m,))
    # and the exact reader keeps number text, order and NaN apart
    check(exact('{"a":1.0}') != exact('{"a":1}'), "1.0 and 1 compare equal")
    check(exact('{"a":1,"b":2}') != exact('{"b":2,"a":1}'), "member order is ignored")
    check(exact('{"a":"1"}') != exact('{"a":1}'), "a string and a number compare equal")
    try:
        exact('{"a":NaN}')
        raise Failure("NaN accepted as JSON output")
    except ValueError:
        pass


if __name__ == "__main__":
    main({"file": case_file, "stray_brace_repaired": case_stray_brace_repaired,
          "schema_self_check": case_schema_self_check})
