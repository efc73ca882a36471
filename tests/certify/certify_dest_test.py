#!/usr/bin/env python3
"""`connhost test-plugin` on destinations, through the real binary.

  certify_dest_test.py dest_jsonl|dest_sqlite|dest_null|dest_pg   the bundled destination passes every check (exit 0);
                                                                   without read-back (dest_null) the value checks SKIP
  certify_dest_test.py broken_ack_before_commit                    $BROKEN_DEST acknowledges before committing: exit 1,
                                                                   FAIL on readback.resumed_write
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONNHOST = os.environ["CONNHOST"]
READBACK = ["readback.values", "readback.append", "readback.append_dedup", "readback.overwrite_incomplete",
            "readback.resumed_write"]


def fail(why):
    print("FAIL: " + why, file=sys.stderr)
    sys.exit(1)


def test_plugin(plugin, config, work):
    cfg = os.path.join(work, "config.json")
    with open(cfg, "w") as f:
        json.dump(config, f)
    report = os.path.join(work, "report.json")
    p = subprocess.run([CONNHOST, "test-plugin", plugin, "--config", cfg, "--json", report],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=280)
    print(p.stdout.decode("utf-8", "replace"))
    if p.returncode not in (0, 1) or not os.path.exists(report):
        fail("test-plugin exit %d, no report: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-3000:]))
    with open(report) as f:
        checks = {c["id"]: c for c in json.load(f)["checks"]}
    return p.returncode, checks


def conformance_ids():
    """conformance.<stem> of every file test-plugin must write (the repo's conformance/ data)."""
    root = os.path.join(HERE, "..", "..", "conformance")
    airbyte = [f for f in os.listdir(os.path.join(root, "airbyte"))
               if f.endswith(("_messages.txt", "_message.txt", "_messages_in.txt"))]
    singer = [f for f in os.listdir(os.path.join(root, "singer")) if f.endswith(".singer")]
    return sorted("conformance." + f.rsplit(".", 1)[0] for f in airbyte + singer)


def verdict(checks, cid):
    if cid not in checks:
        fail("no check %s among %s" % (cid, sorted(checks)))
    return checks[cid]["verdict"]


def expect_all_pass(name, config, work, read_back=True):
    rc, checks = test_plugin(name, config, work)
    failed = {k: c["text"] for k, c in checks.items() if c["verdict"] == "fail"}
    if rc != 0 or failed:
        fail("%s must pass test-plugin, exit %d, failed: %s" % (name, rc, json.dumps(failed, indent=1)))
    conformance = sorted(k for k in checks if k.startswith("conformance."))
    if conformance != conformance_ids():
        fail("conformance checks %s, expected one per file: %s" % (conformance, conformance_ids()))
    for cid in ["write.bad_input_refused", "write.idle_ack"] + READBACK:
        want = "pass" if read_back or not cid.startswith("readback.") else "skip"
        if verdict(checks, cid) != want:
            fail("%s: %s is %s, expected %s: %s" % (name, cid, checks[cid]["verdict"], want, checks[cid]["text"]))
    print("ok: %s: %d checks, %d conformance files" % (name, len(checks), len(conformance)))


def pg_config(work):
    sys.path.insert(0, os.path.join(HERE, "..", "pg"))
    import pg_lib
    return pg_lib.fresh_database("t_certify_dest_pg")


def main(case):
    with tempfile.TemporaryDirectory(prefix="certify-dest-") as work:
        out = os.path.join(work, "target")
        if case == "dest_jsonl":
            expect_all_pass(case, {"destination_path": out}, work)
        elif case == "dest_sqlite":
            expect_all_pass(case, {"path": os.path.join(out, "certify.sqlite")}, work)
        elif case == "dest_null":
            expect_all_pass(case, {}, work, read_back=False)
        elif case == "dest_pg":
            expect_all_pass(case, pg_config(work), work)
        elif case == "broken_ack_before_commit":
            rc, checks = test_plugin(os.environ["BROKEN_DEST"], {"destination_path": out}, work)
            if rc != 1 or verdict(checks, "readback.resumed_write") != "fail":
                fail("an acknowledge-before-commit destination must fail readback.resumed_write (exit %d, %s)"
                     % (rc, checks.get("readback.resumed_write")))
            if verdict(checks, "readback.values") != "pass":
                fail("its values land at close, so readback.values passes: %s" % checks["readback.values"])
            print("ok: caught: %s" % checks["readback.resumed_write"]["text"])
        else:
            fail("unknown case " + case)


if __name__ == "__main__":
    main(sys.argv[1])
