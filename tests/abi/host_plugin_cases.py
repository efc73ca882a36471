#!/usr/bin/env python3
"""Cases run against one host binary and one set of connector builds: `host_plugin_cases.py <case>`.

ctest runs them (tests/abi/CMakeLists.txt) for three pairings: the normal host with the normal connectors, the
"1.1" host (built against tests/abi/grow_header.py's grown plugin_api.h) with the normal 1.0 connectors, and the
normal 1.0 host with connectors built against the grown header. Environment: CONNHOST (the host), FAKER, JSONL,
NULL_DEST (connector library paths), CONFORMANCE (the shared conformance data), WORK (a scratch directory).
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, write_json  # noqa: E402
from dest_testlib import messages_of, read_messages_file, records_by_stream  # noqa: E402

CONNHOST = os.environ["CONNHOST"]
FAKER, JSONL, NULL_DEST = os.environ["FAKER"], os.environ["JSONL"], os.environ.get("NULL_DEST", "")
CONFORMANCE_FILES = ["data_type_basic_test_messages.txt", "edge_case_messages.txt", "namespace_messages.txt"]


def scratch():
    """A fresh scratch directory for this case."""
    work = os.path.join(os.environ["WORK"], sys.argv[1])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return work


def run(args, stdin_bytes=None):
    """(exit code, stdout messages [(exact, plain)], stderr text) of `connhost ARGS`."""
    p = subprocess.run([CONNHOST] + args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, messages_of(p.stdout), p.stderr.decode("utf-8", "replace")


def of_type(messages, kind):
    return [m for _, m in messages if m.get("type") == kind]


def data_by_stream(messages):
    """{(namespace, stream): [exact data values]} of the RECORD messages, in order."""
    return {k: [r.data for r in recs] for k, recs in records_by_stream(messages).items()}


def faker_catalog(work, count):
    """(config path, configured catalog path) for source_faker's users and products, full refresh into append."""
    config = write_json(os.path.join(work, "faker.json"), {"count": count, "seed": 7})
    rc, out, err = run(["run", "--plugin", FAKER, "discover", "--config", config])
    check(rc == 0, "source_faker discovers (%s)" % err.strip())
    streams = [s for s in of_type(out, "CATALOG")[0]["catalog"]["streams"] if s["name"] in ("users", "products")]
    catalog = {"streams": [{"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"} for s in streams]}
    return config, write_json(os.path.join(work, "catalog.json"), catalog)


def read_back(config, catalog):
    rc, out, err = run(["run", "--plugin", JSONL, "read-back", "--config", config, "--catalog", catalog])
    check(rc == 0, "dest_jsonl reads back what it holds (%s)" % err.strip())
    check(not of_type(out, "STATE"), "read-back emits no STATE")
    return out


def case_spec_check():
    work = scratch()
    for plugin in (FAKER, JSONL):
        rc, out, err = run(["run", "--plugin", plugin, "spec"])
        check(rc == 0 and len(of_type(out, "SPEC")) == 1, "%s: spec prints one SPEC (%s)" % (plugin, err.strip()))
    config = write_json(os.path.join(work, "jsonl.json"), {"destination_path": os.path.join(work, "out")})
    rc, out, err = run(["run", "--plugin", JSONL, "check", "--config", config])
    status = of_type(out, "CONNECTION_STATUS")
    check(rc == 0 and status and status[0]["connectionStatus"]["status"] == "SUCCEEDED", "dest_jsonl: check succeeds")


def case_faker_read():
    work = scratch()
    config, catalog = faker_catalog(work, 25)
    rc, out, err = run(["run", "--plugin", FAKER, "read", "--config", config, "--catalog", catalog])
    check(rc == 0, "source_faker reads (%s)" % err.strip())
    got = data_by_stream(out)
    check(sorted(got) == [(None, "products"), (None, "users")], "records of users and products: %s" % sorted(got))
    check(all(len(v) == 25 for v in got.values()), "25 records a stream")
    check(len(of_type(out, "STATE")) >= 2, "states follow the records")


def write_conformance_file(work, name, config):
    """Writes the conformance file `name` into dest_jsonl (every stream append); returns (catalog path, written data)."""
    raw, bad_line, messages, _, catalog = read_messages_file(os.path.join(os.environ["CONFORMANCE"], "airbyte", name))
    check(bad_line is None, "%s is all valid JSON" % name)
    if "streams" in catalog and catalog["streams"] and "stream" not in catalog["streams"][0]:
        catalog = {"streams": [{"stream": s, "sync_mode": "full_refresh"} for s in catalog["streams"]]}
    for s in catalog["streams"]:
        s["destination_sync_mode"] = "append"
    cat_path = write_json(os.path.join(work, name + ".catalog.json"), catalog)
    rc, _, err = run(["run", "--plugin", JSONL, "write", "--config", config, "--catalog", cat_path], raw)
    check(rc == 0, "%s: written into dest_jsonl (%s)" % (name, err.strip()))
    return cat_path, data_by_stream(messages)


def case_write_read_back():
    work = scratch()
    for name in CONFORMANCE_FILES:
        config = write_json(os.path.join(work, name + ".jsonl.json"), {"destination_path": os.path.join(work, name)})
        cat_path, written = write_conformance_file(work, name, config)
        check(sum(len(v) for v in written.values()) > 0, "%s has records" % name)
        got = data_by_stream(read_back(config, cat_path))
        for key, values in written.items():
            check(got.get(key) == values, "%s: stream %s reads back value for value (%d records)" % (name, key, len(values)))
        check(set(got) <= set(written), "%s: nothing read back that was not written: %s" % (name, sorted(got)))


def check_sync(isolate):
    work = scratch()
    config, catalog = faker_catalog(work, 40)
    dest = write_json(os.path.join(work, "jsonl.json"), {"destination_path": os.path.join(work, "out")})
    args = ["sync", "--source", FAKER, "--source-config", config, "--destination", JSONL, "--destination-config", dest,
            "--catalog", catalog, "--state-file", os.path.join(work, "state.json"), "--log-format", "text"]
    p = subprocess.run([CONNHOST] + args + (["--isolate"] if isolate else []), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    check(p.returncode == 0, "sync source_faker -> dest_jsonl succeeds (%s)" % p.stderr.decode(errors="replace")[-2000:])
    rc, out, err = run(["run", "--plugin", FAKER, "read", "--config", config, "--catalog", catalog])
    check(rc == 0, "source_faker reads again (%s)" % err.strip())
    expected, got = data_by_stream(out), data_by_stream(read_back(dest, catalog))
    check(got == expected, "dest_jsonl holds exactly what source_faker reads (%d streams)" % len(expected))
    with open(os.path.join(work, "state.json")) as f:
        check(len(json.load(f)["states"]) == 2, "the state file holds a state for each stream")


def case_sync():
    check_sync(False)


def case_sync_isolated():
    check_sync(True)


def case_unsupported():
    work = scratch()
    config = write_json(os.path.join(work, "null.json"), {})
    catalog = write_json(os.path.join(work, "catalog.json"), {"streams": [{"name": "s", "json_schema": {}}]})
    rc, out, err = run(["run", "--plugin", NULL_DEST, "read-back", "--config", config, "--catalog", catalog])
    traces = of_type(out, "TRACE")
    msg = traces[0]["trace"]["error"]["message"] if traces else ""
    check(rc == 1, "read-back of dest_null fails (exit %d)" % rc)
    check("dest_null" in msg and "does not offer the read-back extension (connhost.read_back/1)" in msg,
          "the error names the plugin and the missing extension: %s" % msg)
    rc, out, err = run(["run", "--plugin", FAKER, "read-back", "--config", config, "--catalog", catalog])
    check(rc == 2 and "is a source; `read-back` is an operation of destinations" in err, "a source is refused: %s" % err.strip())


run_case(globals())
