#!/usr/bin/env python3
"""Namespace mapping of `connhost sync` source_postgres -> dest_pg (namespace = schema), through the real binary
against the test cluster: tables public.items and sales.items (one name in two schemas).

  namespace_pg_test.py <case>
"""
import json
import os

from pg_lib import check, describe, drop_database, fresh_database, main, psql_json, run
from source_pg_test import SourceDb

ITEMS_SQL = """
CREATE SCHEMA sales;
CREATE TABLE public.items (id int PRIMARY KEY, label text, seen_at timestamptz NOT NULL);
CREATE TABLE sales.items (id int PRIMARY KEY, label text, seen_at timestamptz NOT NULL);
INSERT INTO public.items SELECT g, 'pub ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 300) g;
INSERT INTO sales.items SELECT g, 'sale ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 200) g;
"""


def setup(db, dest_name, dest_schema="landing", **mapping):
    db.sql(ITEMS_SQL)
    db.cfg(schemas=["public", "sales"], state_interval=50)
    dest_cfg = dict(fresh_database(dest_name), schema=dest_schema)
    conn = {"source": {"plugin": "source_postgres", "config_file": os.path.join(db.tmp, "source.json")},
            "destination": {"plugin": "dest_pg", "config": dest_cfg},
            "streams": [{"name": "items", "namespace": ns, "sync_mode": "incremental", "cursor_field": ["seen_at"],
                         "destination_sync_mode": "append_dedup"} for ns in ("public", "sales")],
            "state_file": os.path.join(db.tmp, "state.json")}
    conn.update(mapping)
    return db.path("conn.json", conn)


def tables_of(dest):
    rows = psql_json("SELECT json_agg(n.nspname || '.' || c.relname ORDER BY 1) FROM pg_class c JOIN pg_namespace n "
                     "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
                     "'information_schema') AND c.relname NOT LIKE '\\_%%'", dest)
    return rows or []


def count(dest, table):
    return psql_json("SELECT count(*) FROM %s" % table, dest)


def saved_streams(conn):
    with open(json.load(open(conn))["state_file"]) as f:
        states = json.load(f)["states"]
    return sorted((s["stream"]["stream_descriptor"].get("namespace"), s["stream"]["stream_descriptor"]["name"])
                  for s in states if s.get("type") == "STREAM")


def sync(args):
    p = run(["sync", *args])
    check(p.returncode == 0, "sync succeeds: %s" % describe(p))
    return p


def case_source():
    """The default (namespace_definition source): each stream in the schema of its source namespace."""
    with SourceDb("ns_source") as db:
        dest = "dst_ns_source"
        sync([setup(db, dest)])
        check(tables_of(dest) == ["public.items", "sales.items"], "schemas as in the source: %s" % tables_of(dest))
        drop_database(dest)


def case_custom_flags():
    """--namespace-definition custom --namespace-format 'src_${SOURCE_NAMESPACE}' --stream-prefix t_: the mapped
    schemas and tables; the state file keeps the source's names and a re-run reads only what is new."""
    with SourceDb("ns_custom") as db:
        dest = "dst_ns_custom"
        conn = setup(db, dest)
        flags = ["--namespace-definition", "custom", "--namespace-format", "src_${SOURCE_NAMESPACE}", "--stream-prefix", "t_"]
        sync([conn, *flags])
        check(tables_of(dest) == ["src_public.t_items", "src_sales.t_items"], "mapped tables: %s" % tables_of(dest))
        check(count(dest, "src_public.t_items") == 300 and count(dest, "src_sales.t_items") == 200, "every row arrived")
        check(saved_streams(conn) == [("public", "items"), ("sales", "items")],
              "the state file names the source's streams: %s" % saved_streams(conn))
        db.sql("INSERT INTO sales.items SELECT g, 'late ' || g, timestamptz '2025-01-01 00:00:00+00' + g * interval "
               "'1 second' FROM generate_series(201, 210) g;")
        p = sync([conn, *flags])
        err = p.stderr.decode()
        check("12 records committed" in err, "the re-run resumes both streams from their states (the two boundary rows "
              "and 10 new): %s" % err[-700:])
        check(count(dest, "src_sales.t_items") == 210, "210 sales rows after the resume")


def case_destination_connection_file():
    """"namespace_definition": "destination" writes into the destination config's schema; two streams that would
    land in one table are refused before anything moves, naming both."""
    with SourceDb("ns_destination") as db:
        dest = "dst_ns_destination"
        conn = setup(db, dest, namespace_definition="destination")
        p = run(["sync", conn])
        err = p.stderr.decode()
        check(p.returncode == 1 and "public.items and sales.items" in err and "landing.items" not in err,
              "a collision is a config_error naming both streams: %s" % err[-500:])
        check(tables_of(dest) == [], "nothing was written: %s" % tables_of(dest))
        c = json.load(open(conn))
        c["streams"] = c["streams"][:1]
        json.dump(c, open(conn, "w"))
        sync([conn])
        check(tables_of(dest) == ["landing.items"], "the config's schema: %s" % tables_of(dest))
        check(count(dest, "landing.items") == 300, "300 rows in landing.items")
        drop_database(dest)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    main(CASES)
