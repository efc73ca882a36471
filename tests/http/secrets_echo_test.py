#!/usr/bin/env python3
"""source_http against a server that echoes every request back: no secret leaks in any spelling.

The echo endpoint of http_test_server (/echo/items) puts the request line, the decoded query, every header and the
body into the records it serves, into the error body of a refused request, and (through the record field "seen",
used as the cursor) into the states. For one source_http auth mode per run, this test reads, checks and syncs
(to dest_jsonl and dest_sqlite) through that endpoint, then asserts that no secret of the config or of the
authentication (the fetched OAuth2 token too) appears raw, JSON-escaped, percent-encoded (upper or lower hex, '+'
for space) or base64-encoded (standard or url-safe, with or without padding; of the value and of the `user:password`
of basic authentication) in stdout, stderr, the state file or the destination's output.

Usage: secrets_echo_test.py MODE   (env: CONNHOST, HTTP_TEST_SERVER). MODE is one of MODES below.
"""
import base64
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from source_http_test import CONNHOST, Server, check, tmpdir, write_json  # noqa: E402

MASK = "**********"
BEARER = 'Bq"t+/Zm9v== Xyz_88'  # a quote (JSON-escaped in records), a space ('+' in forms), reserved characters
BASIC_USER, BASIC_PASSWORD = "echo-user", "Pw+/Zm9v==:ab_99"
HEADER_KEY = "Hk+/Zm9v==Xyz_66"
QUERY_KEY = "Kq+/Zm9v==Xyz_77"
CLIENT_ID, CLIENT_SECRET = "echo-client", "Cs+/Zm9v== Xyz_55"
URL_USER, URL_PASSWORD = "url-user", "p@ss+/Zm9v==Xyz_44"


def quoted(s):
    return urllib.parse.quote(s, safe="")


# mode: (config "auth" object or None, user-info put into base_url or None, secrets, user:password pairs sent as basic)
MODES = {
    "bearer": ({"type": "bearer", "token": BEARER}, None, [BEARER], []),
    "basic": ({"type": "basic", "username": BASIC_USER, "password": BASIC_PASSWORD}, None, [BASIC_PASSWORD],
              [BASIC_USER + ":" + BASIC_PASSWORD]),
    "api_key_header": ({"type": "api_key", "in": "header", "value": HEADER_KEY}, None, [HEADER_KEY], []),
    "api_key_query": ({"type": "api_key", "in": "query", "value": QUERY_KEY}, None, [QUERY_KEY], []),
    "oauth2_basic": ({"type": "oauth2_client_credentials", "token_url": "/echo/items", "client_id": CLIENT_ID,
                      "client_secret": CLIENT_SECRET}, None, [CLIENT_SECRET], [quoted(CLIENT_ID) + ":" + quoted(CLIENT_SECRET)]),
    "oauth2_body": ({"type": "oauth2_client_credentials", "token_url": "/echo/items", "client_id": CLIENT_ID,
                     "client_secret": CLIENT_SECRET, "credentials_in": "body"}, None, [CLIENT_SECRET], []),
    "url_userinfo": (None, URL_USER + ":" + quoted(URL_PASSWORD), [URL_PASSWORD], [URL_USER + ":" + URL_PASSWORD]),
}


def spellings(secret):
    """Every spelling of `secret` that must not appear: raw, JSON-escaped, percent-encoded, base64."""
    pct = quoted(secret)
    forms = {secret, json.dumps(secret)[1:-1], pct, re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), pct),
             urllib.parse.quote_plus(secret, safe="")}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        e = encode(secret.encode()).decode()
        forms |= {e, e.rstrip("=")}
    return forms


def source_config(srv, auth, userinfo, **params):
    base = srv.base if not userinfo else srv.base.replace("://", "://" + userinfo + "@")
    stream = {"name": "items", "path": "/echo/items", "records_pointer": "/records", "primary_key": [["id"]],
              "cursor_field": "seen", "params": params}
    cfg = {"base_url": base, "streams": [stream], "max_attempts": 1, "timeout_seconds": 20}
    if auth:
        cfg["auth"] = auth
    return cfg


CATALOG = {"streams": [{"stream": {"name": "items", "json_schema": {}}, "sync_mode": "incremental",
                        "destination_sync_mode": "append", "cursor_field": ["seen"], "primary_key": [["id"]]}]}


def connhost(*args):
    r = subprocess.run([CONNHOST, *args], capture_output=True, text=True, timeout=90)
    return r, r.stdout + r.stderr


def run_plugin(d, verb, cfg):
    return connhost("run", "--log-level", "debug", "--plugin", "source_http", verb, "--config", write_json(os.path.join(d, verb + ".json"), cfg),
                    "--catalog", write_json(os.path.join(d, "catalog.json"), CATALOG))


def sync(d, cfg, destination, dest_cfg):
    state = os.path.join(d, destination + ".state.json")
    r, text = connhost("sync", "--log-level", "debug", "--source", "source_http", "--source-config", write_json(os.path.join(d, "src.json"), cfg),
                       "--destination", destination, "--destination-config", write_json(os.path.join(d, destination + ".json"), dest_cfg),
                       "--catalog", write_json(os.path.join(d, "catalog.json"), CATALOG), "--state-file", state)
    check(r.returncode == 0, "sync source_http -> %s succeeds: %s" % (destination, r.stderr[-600:]))
    check(os.path.exists(state), "the sync saved a state file")
    with open(state) as f:
        return text + f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def main(mode):
    auth, userinfo, secrets, pairs = MODES[mode]
    srv = Server(items=1)
    d = tmpdir()
    outputs = {}  # where -> text

    r, outputs["run read"] = run_plugin(d, "read", source_config(srv, auth, userinfo))
    check(r.returncode == 0, "read succeeds: " + r.stderr[-600:])
    check('"type":"RECORD"' in r.stdout and '"type":"STATE"' in r.stdout, "read printed echo records and a state")

    r, outputs["run check (refused)"] = run_plugin(d, "check", source_config(srv, auth, userinfo, status="400"))
    check('"status":"FAILED"' in r.stdout and "400" in r.stdout, "check against a refusal echoing the request fails naming HTTP 400")
    r, outputs["run read (refused)"] = run_plugin(d, "read", source_config(srv, auth, userinfo, status="400"))
    check(r.returncode != 0 and "400" in r.stderr, "read against a refusal echoing the request fails naming HTTP 400")

    outputs["sync -> dest_jsonl (stdout, stderr, state)"] = sync(d, source_config(srv, auth, userinfo), "dest_jsonl",
                                                                 {"destination_path": os.path.join(d, "jsonl")})
    outputs["dest_jsonl items.jsonl"] = read_bytes(os.path.join(d, "jsonl", "items.jsonl"))
    outputs["sync -> dest_sqlite (stdout, stderr, state)"] = sync(d, source_config(srv, auth, userinfo), "dest_sqlite",
                                                                  {"path": os.path.join(d, "out.sqlite")})
    outputs["dest_sqlite database file"] = read_bytes(os.path.join(d, "out.sqlite"))

    sent = srv.requests("/echo")
    check(len(sent) >= 5, "the echo endpoint answered every run (%d requests)" % len(sent))
    tokens = {q["headers"]["authorization"][len("Bearer "):] for q in sent
              if mode.startswith("oauth2") and q["headers"].get("authorization", "").startswith("Bearer ")}
    check(not mode.startswith("oauth2") or tokens, "the OAuth2 token fetched from the echo endpoint was sent: %s" % len(tokens))
    forbidden = set()
    for s in [*secrets, *tokens, *pairs]:
        forbidden |= spellings(s)
    if userinfo:
        forbidden.add("//" + userinfo + "@")
    srv.stop()
    leaked = []
    for where, text in outputs.items():
        leaks = sorted(f for f in forbidden if f in text)
        print("%s: %s: no secret in any spelling (%d checked)%s" % ("FAIL" if leaks else "ok", where, len(forbidden),
                                                                   "; found: %s" % leaks if leaks else ""))
        leaked += [where] if leaks else []
    check(not leaked, "no output holds a secret (leaks in: %s)" % (", ".join(leaked) or "none"))
    for where in ("run read", "dest_jsonl items.jsonl"):
        check(MASK in outputs[where], "%s: the echoed credentials are there, masked" % where)


if __name__ == "__main__":
    main(sys.argv[1])
