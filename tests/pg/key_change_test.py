#!/usr/bin/env python3
"""dest_pg follows a stream's changed primary key (issue 12): a Singer SCHEMA with new key_properties, in a later run
or mid-run, rebuilds the table's unique index on the new key, so records are deduplicated on it from then on.

  key_change_test.py key_change"""
import json
import os
import subprocess

from pg_lib import Db, check, psql_json, main, CONNHOST


def line(obj):
    return json.dumps(obj) + "\n"


def schema(keys):
    return line({"type": "SCHEMA", "stream": "people", "key_properties": keys,
                 "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}}}})


def person(i, email):
    return line({"type": "RECORD", "stream": "people", "record": {"id": i, "email": email}})


def write(db, text):
    cfg = os.path.join(db.tmp, "pg.json")
    json.dump(db.config, open(cfg, "w"))
    return subprocess.run([CONNHOST, "run", "--plugin", "dest_pg", "write", "--config", cfg], input=text.encode(),
                          capture_output=True, timeout=300)


def index_columns(db):
    return psql_json("SELECT json_agg(a.attname ORDER BY k.ord) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                     "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON "
                     "a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = 'public.people'::regclass "
                     "AND i.indisunique", db.name)


def rows(db):
    return psql_json("SELECT json_agg(json_build_array(id, email) ORDER BY id) FROM public.people", db.name)


def case_key_change():
    with Db("key_change") as db:
        p = write(db, schema(["id"]) + person(1, "a@x") + person(2, "b@x") + line({"type": "STATE", "value": {"n": 1}}))
        check(p.returncode == 0, "the first run (key id) succeeds: %s" % p.stderr.decode()[-600:])
        check(index_columns(db) == ["id"], "the unique index is on id: %r" % index_columns(db))
        # A later run: the same key first, then the tap changes it to email mid-run.
        p = write(db, schema(["id"]) + person(2, "b@x") + line({"type": "STATE", "value": {"n": 2}}) +
                  schema(["email"]) + person(3, "a@x") + line({"type": "STATE", "value": {"n": 3}}))
        err = p.stderr.decode()
        check(p.returncode == 0, "the run whose key changes to email succeeds: %s" % err[-800:])
        check([json.loads(l) for l in p.stdout.decode().splitlines()] == [{"n": 2}, {"n": 3}],
              "both states printed: %r" % p.stdout)
        check(index_columns(db) == ["email"], "the unique index was rebuilt on email: %r" % index_columns(db))
        check("primary key of" in err and "changed" in err, "a warning says the key changed: %s" % err[-800:])
        check(rows(db) == [[2, "b@x"], [3, "a@x"]],
              "id 3 replaced id 1 (same email), id 2 stayed once: %r" % rows(db))
        print("ok: the index follows the key; records deduplicated on the new key")


if __name__ == "__main__":
    main({"key_change": case_key_change})
