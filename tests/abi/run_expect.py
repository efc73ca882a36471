#!/usr/bin/env python3
"""Runs one command and checks its exit status and output; exits 1 listing every unmet expectation.

    run_expect.py [checks...] -- COMMAND [ARGS...]

Protocol checks (stdout must then be Airbyte messages, one JSON object a line):
  --count TYPE=N           exactly N messages of TYPE (RECORD, STATE, LOG, TRACE, SPEC, ...)
  --sequence T1,T2,...     the message types in order, LOG lines left out
  --records KEY=JSON       the data of KEY's records, in order, equal the JSON array; KEY is
                           "stream" or "namespace/stream"; numbers compare exactly (as decimals)
  --log-has TEXT           some LOG message contains TEXT
  --error-has TEXT         there is exactly one TRACE ERROR and its message contains TEXT
  --failure-type T         that TRACE ERROR's failure_type is T
  --json-has PATH=JSON     the first message having PATH (dotted, e.g. spec.connectionSpecification.type) has that value there
Text checks: --exit N (required), --out-has/--out-lacks/--err-has TEXT, --out-match REGEX (multi-line), --text
(stdout is free text, not protocol). Python 3 standard library only.
"""
import argparse
import decimal
import json
import re
import subprocess
import sys


def parse_args(argv):
    if "--" not in argv:
        sys.exit("run_expect.py: put the command after --")
    split = argv.index("--")
    p = argparse.ArgumentParser(prog="run_expect.py")
    p.add_argument("--exit", type=int, required=True)
    p.add_argument("--stdin")
    p.add_argument("--text", action="store_true")
    for opt in ("--count", "--records", "--log-has", "--error-has", "--json-has", "--out-has", "--out-lacks", "--err-has", "--out-match"):
        p.add_argument(opt, action="append", default=[])
    p.add_argument("--sequence")
    p.add_argument("--failure-type")
    args = p.parse_args(argv[:split])
    args.command = argv[split + 1:]
    if not args.command:
        sys.exit("run_expect.py: no command after --")
    return args


def exact_json(text):
    return json.loads(text, parse_float=decimal.Decimal)


def split_key(spec, what):
    key, sep, value = spec.partition("=")
    if not sep:
        sys.exit(f"run_expect.py: {what} needs KEY=VALUE, got {spec!r}")
    return key, value


def check_protocol(args, stdout, fail):
    messages = []
    for n, line in enumerate(stdout.splitlines(), 1):
        try:
            m = exact_json(line)
        except ValueError as e:
            fail(f"stdout line {n} is not JSON ({e}): {line[:200]}")
            continue
        if not isinstance(m, dict) or not isinstance(m.get("type"), str):
            fail(f"stdout line {n} is not a message object with a \"type\": {line[:200]}")
            continue
        messages.append(m)

    for spec in args.count:
        t, n = split_key(spec, "--count")
        got = sum(1 for m in messages if m["type"] == t)
        if got != int(n):
            fail(f"expected {n} {t} messages, got {got}")

    if args.sequence is not None:
        want = [t for t in args.sequence.split(",") if t]
        got = [m["type"] for m in messages if m["type"] != "LOG"]
        if got != want:
            fail(f"message order: expected {want}, got {got}")

    for spec in args.records:
        key, want_text = split_key(spec, "--records")
        want = exact_json(want_text)
        got = []
        for m in messages:
            r = m.get("record") if m["type"] == "RECORD" else None
            if not isinstance(r, dict):
                continue
            k = f"{r['namespace']}/{r.get('stream')}" if "namespace" in r else r.get("stream")
            if k == key:
                got.append(r.get("data"))
        if got != want:
            fail(f"records of {key}: expected {want}, got {got}")

    logs = [m.get("log", {}).get("message", "") for m in messages if m["type"] == "LOG"]
    for text in args.log_has:
        if not any(text in l for l in logs):
            fail(f"no LOG message contains {text!r}; LOG messages: {logs}")

    errors = [m["trace"] for m in messages if m["type"] == "TRACE" and m.get("trace", {}).get("type") == "ERROR"]
    if args.error_has or args.failure_type:
        if len(errors) != 1:
            fail(f"expected exactly one TRACE ERROR, got {len(errors)}")
        else:
            err = errors[0].get("error", {})
            for text in args.error_has:
                if text not in err.get("message", ""):
                    fail(f"the TRACE ERROR message does not contain {text!r}: {err.get('message')!r}")
            if args.failure_type and err.get("failure_type") != args.failure_type:
                fail(f"failure_type: expected {args.failure_type!r}, got {err.get('failure_type')!r}")

    for spec in args.json_has:
        path, want_text = split_key(spec, "--json-has")
        want = exact_json(want_text)
        found = False
        for m in messages:
            v = m
            for part in path.split("."):
                v = v.get(part) if isinstance(v, dict) else None
                if v is None:
                    break
            if v is not None:
                found = True
                if v != want:
                    fail(f"{path}: expected {want!r}, got {v!r}")
                break
        if not found:
            fail(f"no message has {path}")


def main():
    args = parse_args(sys.argv[1:])
    stdin = open(args.stdin, "rb") if args.stdin else subprocess.DEVNULL
    try:
        proc = subprocess.run(args.command, stdin=stdin, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"FAIL: cannot run {args.command}: {e}")
        return 1
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")

    problems = []
    fail = problems.append
    if proc.returncode != args.exit:
        fail(f"exit status: expected {args.exit}, got {proc.returncode}")
    for text in args.out_has:
        if text not in stdout:
            fail(f"stdout does not contain {text!r}")
    for text in args.out_lacks:
        if text in stdout:
            fail(f"stdout contains {text!r}")
    for text in args.err_has:
        if text not in stderr:
            fail(f"stderr does not contain {text!r}")
    for regex in args.out_match:
        if not re.search(regex, stdout, re.MULTILINE):
            fail(f"stdout does not match {regex!r}")
    if not args.text:
        check_protocol(args, stdout, fail)

    print("$ " + " ".join(args.command))
    print(f"--- exit {proc.returncode}; stdout:\n{stdout}--- stderr:\n{stderr}---")
    for p in problems:
        print("FAIL: " + p)
    print("FAILED" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
