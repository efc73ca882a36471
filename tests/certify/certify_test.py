#!/usr/bin/env python3
"""`connhost test-plugin` against the bundled sources and deliberately broken ones, through the real binary.

Usage: certify_test.py CASE   (env: CONNHOST, CONNHOST_CERTIFY_PLUGIN_DIR, HTTP_TEST_SERVER, PG_TEST_SERVER_JSON).
Each broken source must make test-plugin exit 1 with FAIL on exactly the check meant to catch it; each bundled
source must pass (exit 0). Counts are kept small: the suite runs twice in CI (once under ASan) on 2 cores.
"""
import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case, write_json  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
PLUGIN_DIR = os.environ.get("CONNHOST_CERTIFY_PLUGIN_DIR", "build/test-plugins/certify")
TMP = tempfile.mkdtemp(prefix="connhost-certify-")
atexit.register(shutil.rmtree, TMP, True)


def tmp_json(name, obj):
    return write_json(os.path.join(TMP, name), obj)


def certify(plugin, *args, timeout=240):
    """Runs test-plugin; returns (exit code, {check id: verdict}, stdout, stderr)."""
    p = subprocess.run([CONNHOST, "test-plugin", plugin, *args], capture_output=True, text=True, timeout=timeout)
    verdicts = {}
    for line in p.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[0] in ("PASS", "FAIL", "SKIP"):
            verdicts[parts[1]] = parts[0]
    print(p.stdout, end="")
    print(p.stderr[-2000:], end="", file=sys.stderr)
    return p.returncode, verdicts, p.stdout, p.stderr


def failed(verdicts):
    return sorted(k for k, v in verdicts.items() if v == "FAIL")


def certify_ok(plugin, config, *args):
    rc, verdicts, out, _ = certify(plugin, "--config", config, *args)
    check(rc == 0 and not failed(verdicts), "%s passes test-plugin (exit %d, failed: %s)" % (plugin, rc, failed(verdicts)))
    return verdicts


def test_plugin_path(name):
    return os.path.join(PLUGIN_DIR, "lib%s.so" % name)


def good_config(**extra):
    return tmp_json("good.json", dict({"api_key": "good-secret-4711", "count": 12}, **extra))


def broken(mode, check_id):
    bad = tmp_json("bad.json", {"api_key": "wrong-secret-0815", "count": 12})
    rc, verdicts, out, _ = certify(test_plugin_path("source_broken_" + mode), "--config", good_config(), "--bad-config", bad)
    check(rc == 1, "test-plugin exits 1 on source_broken_%s (got %d)" % (mode, rc))
    check(failed(verdicts) == [check_id], "exactly %s fails (failed: %s)" % (check_id, failed(verdicts)))


def case_broken_state_first():
    broken("state_first", "incremental.state_order")


def case_broken_outside_catalog():
    broken("outside_catalog", "read.only_configured")


def case_broken_schema():
    broken("schema", "read.records_valid")


def case_broken_leak_secret():
    broken("leak_secret", "read.no_secret")


def case_ok_source_reports():
    junit, js = os.path.join(TMP, "junit.xml"), os.path.join(TMP, "report.json")
    rc, verdicts, out, _ = certify(test_plugin_path("source_certify_ok"), "--config", good_config(), "--junit", junit,
                                   "--json", js)
    check(rc == 0 and not failed(verdicts), "the correct test source passes (failed: %s)" % failed(verdicts))
    for cid in ("spec.valid", "spec.schema", "spec.secrets_marked", "check.succeeds", "check.bad_config_fails",
                "check.no_secret", "discover.catalog", "discover.schemas", "discover.keys", "discover.sync_modes",
                "read.runs", "read.only_configured", "read.records_valid", "read.deterministic",
                "incremental.state_order", "incremental.from_final_state", "incremental.resume_middle",
                "sigterm.stops", "read.no_secret"):
        check(verdicts.get(cid) == "PASS", "%s passes (got %s)" % (cid, verdicts.get(cid)))
    check("the config without its required fields (api_key)" in out, "the derived bad config says what it dropped")
    suite = ET.parse(junit).getroot()
    cases = suite.findall("testcase")
    check(suite.tag == "testsuite" and len(cases) == len(verdicts), "the JUnit file has one testcase per check")
    check(all(c.find("failure") is None for c in cases), "no <failure> in the JUnit file of a passing run")
    with open(js) as f:
        doc = json.load(f)
    check([c["id"] for c in doc["checks"]] == list(verdicts) and doc["failed"] == 0, "the JSON report lists every check")
    # A failing run's reports carry the failure.
    certify(test_plugin_path("source_broken_schema"), "--config", good_config(), "--junit", junit, "--json", js)
    failures = [c for c in ET.parse(junit).getroot().findall("testcase") if c.find("failure") is not None]
    check([c.get("name") for c in failures] == ["read.records_valid"], "the JUnit file marks the failed check")
    with open(js) as f:
        doc = json.load(f)
    check([c["id"] for c in doc["checks"] if c["verdict"] == "fail"] == ["read.records_valid"], "so does the JSON")


def case_isolate():
    rc, verdicts, _, _ = certify(test_plugin_path("source_certify_ok"), "--config", good_config(), "--isolate")
    check(rc == 0 and verdicts.get("sigterm.stops") == "PASS", "the correct source passes with --isolate")
    rc, verdicts, _, _ = certify(test_plugin_path("source_broken_leak_secret"), "--config", good_config(), "--isolate")
    check(rc == 1 and failed(verdicts) == ["read.no_secret"], "the isolated plugin's raw stderr is still searched")


def case_usage_errors():
    p = subprocess.run([CONNHOST, "test-plugin"], capture_output=True, text=True)
    check(p.returncode == 2 and "PLUGIN" in p.stderr, "no PLUGIN: exit 2 naming it")
    p = subprocess.run([CONNHOST, "test-plugin", "source_nonexistent_xyz"], capture_output=True, text=True)
    check(p.returncode == 2 and "not found" in p.stderr, "an unknown plugin: exit 2 saying where it looked")
    p = subprocess.run([CONNHOST, "test-plugin", "source_faker", "--config", "/nonexistent/c.json"],
                       capture_output=True, text=True)
    check(p.returncode == 2 and "/nonexistent/c.json" in p.stderr, "a missing --config file: exit 2 naming it")
    p = subprocess.run([CONNHOST, "test-plugin", "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "--bad-config" in p.stdout, "--help lists the options")
    rc, verdicts, _, _ = certify(test_plugin_path("source_certify_ok"))
    check(rc == 0 and verdicts.get("check.succeeds") == "SKIP", "without --config the steps needing one are skipped")


def case_source_faker():
    verdicts = certify_ok("source_faker", tmp_json("faker.json", {"count": 30, "seed": 7, "state_interval": 10}),
                          "--bad-config", tmp_json("faker_bad.json", {"count": -5}))
    for cid in ("check.bad_config_fails", "read.deterministic", "incremental.resume_middle", "sigterm.stops"):
        check(verdicts.get(cid) == "PASS", "%s passes (got %s)" % (cid, verdicts.get(cid)))


def case_source_http():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
    import source_http_test as h
    srv = h.Server(items=12, auth="bearer", secret="bearer-secret-777")
    try:
        cfg = h.config(srv, [h.stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page",
                                                                "page_size": 5})],
                       auth={"type": "bearer", "token": "bearer-secret-777"})
        verdicts = certify_ok("source_http", tmp_json("http.json", cfg))
        for cid in ("check.bad_config_fails", "incremental.state_order", "read.no_secret"):
            check(verdicts.get(cid) == "PASS", "%s passes (got %s)" % (cid, verdicts.get(cid)))
    finally:
        srv.stop()


@contextlib.contextmanager
def pg_database(name, sql):
    """A throwaway database of the pg_server fixture holding what `sql` creates (as the test role)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pg"))
    import pg_lib
    with pg_lib.Db(name) as db:
        pg_lib.psql("SET ROLE connhost_test;\n" + sql, db.name)
        yield db


def case_source_postgres():
    with pg_database("certify_source",
                     "CREATE TABLE items (id integer PRIMARY KEY, name text, updated_at timestamptz NOT NULL);\n"
                     "INSERT INTO items SELECT i, 'item ' || i, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour'"
                     " FROM generate_series(1, 25) i;\n"
                     "CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
                     "INSERT INTO notes SELECT i, 'note ' || i FROM generate_series(1, 5) i;\n") as db:
        cfg = tmp_json("pg.json", dict(db.config, state_interval=10))
        # source_postgres names no default cursor (discover lists cursor_candidates): the catalog picks updated_at.
        p = subprocess.run([CONNHOST, "run", "--plugin", "source_postgres", "discover", "--config", cfg],
                           capture_output=True, text=True, timeout=60)
        streams = [json.loads(line)["catalog"]["streams"] for line in p.stdout.splitlines() if '"CATALOG"' in line][0]
        check(sorted(s["name"] for s in streams) == ["items", "notes"], "discover lists items and notes")
        configured = [{"stream": s, "sync_mode": "incremental", "destination_sync_mode": "append",
                       "cursor_field": ["updated_at"] if s["name"] == "items" else [],
                       "primary_key": s.get("source_defined_primary_key", [])}
                      for s in sorted(streams, key=lambda s: s["name"])]
        verdicts = certify_ok("source_postgres", cfg, "--catalog", tmp_json("pg_catalog.json", {"streams": configured}))
        for cid in ("incremental.state_order", "incremental.from_final_state", "incremental.resume_middle"):
            check(verdicts.get(cid) == "PASS", "%s passes with the catalog's cursor (got %s)" % (cid, verdicts.get(cid)))


def case_source_postgres_arrays():
    # PostgreSQL does not enforce an array column's declared dimensions: int[] may hold [[1,2],[3,4]], and an array with
    # other lower bounds than 1 travels as its literal string. Every record must still validate against the discovered
    # schema (read.records_valid).
    with pg_database("certify_arrays",
                     "CREATE TABLE arrays (id integer PRIMARY KEY, ints int[], texts text[], dates date[]);\n"
                     "INSERT INTO arrays VALUES (1, '{1,2,NULL}', '{a,NULL,\"b c\"}', '{2024-01-02}'),\n"
                     " (2, '{{1,2},{3,NULL}}', '{{x,y},{z,NULL}}', '{{2024-01-02},{NULL}}'),\n"
                     " (3, '{{{1},{2}},{{3},{4}}}', '{{{a}},{{b}}}', NULL),\n"
                     " (4, '{}', '{}', '{}'), (5, NULL, NULL, NULL),\n"
                     " (6, '{{{{{{1}}}}}}', '{{{{{{t}}}}}}', '{{{{{{2024-01-02}}}}}}'),\n"
                     " (7, '[0:1]={1,2}', '[-2:-2][1:2]={{a,\"b,c\"}}', '[5:5]={2024-01-02}');\n") as db:
        cfg = tmp_json("pg_arrays.json", db.config)
        verdicts = certify_ok("source_postgres", cfg)
        check(verdicts.get("read.records_valid") == "PASS",
              "1-D to 6-D arrays validate against the discovered schema (got %s)" % verdicts.get("read.records_valid"))


if __name__ == "__main__":
    run_case(globals())
