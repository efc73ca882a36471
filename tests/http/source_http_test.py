#!/usr/bin/env python3
"""source_http against a real HTTP server on 127.0.0.1 (http_test_server), through the real connhost binary.

Usage: source_http_test.py CASE   (env: CONNHOST, HTTP_TEST_SERVER). Each case starts its own server,
prints what it checked, and exits non-zero on the first failed check.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import scratch_dir  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
SERVER = os.environ.get("HTTP_TEST_SERVER", "build/tests/http/http_test_server")

BIG_AMOUNT = '"amount":123456789012345678901234567890123456789012345678901234567890'
EXACT_PRICE = '"price":0.1000000000000000055511151231257827021181583404541015625'
TINY = '"tiny":1E-400'


def check(cond, msg):
    if not cond:
        print("FAIL:", msg)
        sys.exit(1)
    print("ok:", msg)


def ts(i):
    return "2024-01-01T%02d:%02d:00Z" % ((i // 60) % 24, i % 60)


class Server:
    """The test server: bound to 127.0.0.1 on a free port, stops by itself after --lifetime or when we go."""

    def __init__(self, **reset):
        self.proc = subprocess.Popen([SERVER, "--lifetime", "110"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        check(line.startswith("PORT "), "the test server started: " + line.strip())
        self.port = int(line.split()[1])
        self.base = "http://127.0.0.1:%d" % self.port
        self.admin("reset", **reset)

    def admin(self, what, **params):
        url = "%s/admin/%s?%s" % (self.base, what, urllib.parse.urlencode(params))
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10) as r:
            return json.loads(r.read())

    def requests(self, path_prefix="/"):
        with urllib.request.urlopen(self.base + "/admin/requests", timeout=10) as r:
            return [q for q in json.loads(r.read()) if q["path"].startswith(path_prefix)]

    def stop(self):
        self.proc.stdin.close()  # the server stops when its stdin closes
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            check(False, "the test server stopped within 15 s of its stdin closing")


class Run:
    def __init__(self, proc_result):
        self.rc = proc_result.returncode
        self.out = proc_result.stdout
        self.err = proc_result.stderr
        self.messages = []
        for line in self.out.splitlines():
            if line.strip():
                self.messages.append(json.loads(line))

    def of(self, kind):
        return [m for m in self.messages if m.get("type") == kind]

    def records(self, stream="items"):
        return [m["record"]["data"] for m in self.of("RECORD") if m["record"]["stream"] == stream]

    def ids(self, stream="items"):
        return [r["id"] for r in self.records(stream)]

    def status(self):
        cs = self.of("CONNECTION_STATUS")
        return cs[0]["connectionStatus"] if cs else None

    def error(self):
        """The failure text: TRACE error messages plus stderr."""
        msgs = [m["trace"]["error"].get("message", "") + " " + m["trace"]["error"].get("internal_message", "")
                for m in self.of("TRACE") if m["trace"].get("type") == "ERROR"]
        return " ".join(msgs) + " " + self.err

    def everything(self):
        return self.out + self.err

    def warnings(self):
        """The messages of WARN logs."""
        return [m["log"]["message"] for m in self.of("LOG") if m["log"]["level"] == "WARN"]


def tmpdir():
    return scratch_dir("connhost-http-")


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def stream(path, records_pointer, paginator, **kw):
    s = {"name": "items", "path": path, "records_pointer": records_pointer, "primary_key": [["id"]],
         "cursor_field": "updated_at", "paginator": paginator}
    s.update(kw)
    return s


def config(server, streams, **kw):
    c = {"base_url": server.base, "streams": streams, "retry_initial_delay_seconds": 0.05, "timeout_seconds": 20}
    c.update(kw)
    return c


def catalog(mode="full_refresh", names=("items",)):
    return {"streams": [{"stream": {"name": n, "json_schema": {}}, "sync_mode": mode, "destination_sync_mode": "append",
                         "cursor_field": ["updated_at"], "primary_key": [["id"]]} for n in names]}


def run(verb, cfg, cat=None, state=None, timeout=90):
    d = tmpdir()
    args = [CONNHOST, "run", "--plugin", "source_http", verb]
    if cfg is not None:
        args += ["--config", write_json(os.path.join(d, "config.json"), cfg)]
    if cat is not None:
        args += ["--catalog", write_json(os.path.join(d, "catalog.json"), cat)]
    if state is not None:
        args += ["--state", write_json(os.path.join(d, "state.json"), state)]
    return Run(subprocess.run(args, capture_output=True, text=True, timeout=timeout))


def no_secret(res, *secrets):
    for s in secrets:
        check(s not in res.everything(), "the secret %s... appears nowhere in stdout or stderr" % s[:3])


def exact_numbers(res):
    check(BIG_AMOUNT in res.out and EXACT_PRICE in res.out and TINY in res.out,
          "a 60-digit integer, a 55-digit decimal and 1E-400 are emitted with their exact text")


def read_ok(res, ids, what):
    check(res.rc == 0, what + ": read succeeds (rc %d): %s" % (res.rc, res.err[-600:]))
    check(res.ids() == ids, what + ": records %s (got %s)" % (ids, res.ids()))


# --- spec, check, discover -------------------------------------------------------------------------


def case_spec_and_check():
    srv = Server(items=3)
    r = run("spec", None)
    spec = r.of("SPEC")[0]["spec"]
    props = spec["connectionSpecification"]["properties"]
    check(r.rc == 0 and "streams" in props and "auth" in props, "spec describes base_url, auth and streams")
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number"})])
    r = run("check", cfg)
    check(r.status() == {"status": "SUCCEEDED"}, "check succeeds against the first stream: %s" % r.status())
    check(len(srv.requests("/page")) == 1, "check fetched exactly one page")
    cfg["streams"][0]["records_pointer"] = "/nope"
    r = run("check", cfg)
    st = r.status()
    check(st["status"] == "FAILED" and "records_pointer" in st["message"] and "/nope" in st["message"],
          "check names a records_pointer that is not in the response: " + st["message"])
    r = run("check", {"base_url": "ftp://x", "streams": [{"name": "items"}]})
    check(r.status()["status"] == "FAILED" and "base_url" in r.status()["message"], "a bad base_url is named: " + r.status()["message"])
    srv.stop()


def case_check_bad_credentials_masked():
    srv = Server(items=3, auth="bearer", secret="right-token-1234")
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number"})], auth={"type": "bearer", "token": "WRONG-token-98765"})
    r = run("check", cfg)
    st = r.status()
    check(st["status"] == "FAILED" and "401" in st["message"] and "/page/items" in st["message"],
          "check fails naming the URL and the 401: " + st["message"])
    check(len(srv.requests("/page")) == 1, "a 401 is not retried without a way to refresh")
    no_secret(r, "WRONG-token-98765")
    srv.stop()


def case_check_path():
    srv = Server(items=3, auth="api_key_header", secret="hdr-key-5555")
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number"})], check_path="/health",
                 auth={"type": "api_key", "in": "header", "name": "X-API-Key", "value": "hdr-key-5555"})
    r = run("check", cfg)
    check(r.status() == {"status": "SUCCEEDED"}, "check calls check_path: %s" % r.status())
    reqs = srv.requests()
    check([q["path"] for q in reqs] == ["/health"], "only /health was requested: %s" % [q["path"] for q in reqs])
    check(reqs[0]["headers"].get("x-api-key") == "hdr-key-5555", "with the api key header")
    srv.stop()


def case_discover_schema():
    srv = Server(items=12)
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5})], discover_pages=3)
    r = run("discover", cfg)
    check(r.rc == 0, "discover succeeds: " + r.err[-300:])
    s = r.of("CATALOG")[0]["catalog"]["streams"][0]
    p = s["json_schema"]["properties"]
    check(p["id"] == {"type": "integer"}, "id: integer in every record -> %s" % p["id"])
    check(p["name"] == {"type": "string"}, "name: string -> %s" % p["name"])
    check(p["email"]["type"] == ["null", "string"], "email: missing in some, null in others -> nullable string %s" % p["email"])
    check(p["score"] == {"type": "number"}, "score: integers and decimals merge to number -> %s" % p["score"])
    check(p["amount"]["type"] == ["null", "number"], "amount: only in one record -> nullable %s" % p["amount"])
    check(p["tags"] == {"type": "array", "items": {"type": "string"}}, "tags: array of strings -> %s" % p["tags"])
    check(s["supported_sync_modes"] == ["full_refresh", "incremental"] and s["default_cursor_field"] == ["updated_at"],
          "cursor_field makes the stream incremental with a default cursor")
    check(s["source_defined_primary_key"] == [["id"]], "primary key from the config")
    check(len(srv.requests("/page")) == 3, "discover read discover_pages=3 pages")
    srv.stop()


# --- paginators x auth modes -----------------------------------------------------------------------


def case_page_number_bearer():
    srv = Server(items=12, auth="bearer", secret="bearer-secret-777")
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5},
                              params={"status": "active"})],
                 auth={"type": "bearer", "token": "bearer-secret-777"}, headers={"X-Tenant": "acme"})
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 13)), "page_number")
    exact_numbers(r)
    reqs = srv.requests("/page")
    check([q["query"].get("page") for q in reqs] == ["1", "2", "3"], "pages 1, 2, 3; the short third page ends it")
    check(all(q["query"].get("per_page") == "5" and q["query"].get("status") == "active" for q in reqs), "per_page and the stream params on every page")
    check(all(q["headers"].get("authorization") == "Bearer bearer-secret-777" for q in reqs), "the bearer token on every page")
    check(all(q["headers"].get("x-tenant") == "acme" for q in reqs), "default headers on every page")
    check(r.records()[3]["name"] == 'say "hi"', "escaped strings survive")
    no_secret(r, "bearer-secret-777")
    srv.stop()


def case_no_paginator_no_auth():
    srv = Server(items=7)
    cfg = config(srv, [stream("/single/items", "/records", {"type": "none"})], auth={"type": "none"})
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 8)), "paginator none, auth none")
    reqs = srv.requests("/single")
    check(len(reqs) == 1, "one request: paginator none never asks for a second page (%d made)" % len(reqs))
    check("authorization" not in reqs[0]["headers"], "auth none sends no Authorization header")
    srv.stop()


def case_offset_limit_basic():
    srv = Server(items=7, auth="basic", user="alice", secret="basic-pass-4242")
    cfg = config(srv, [stream("/offset/items", "/results", {"type": "offset_limit", "limit": 3})],
                 auth={"type": "basic", "username": "alice", "password": "basic-pass-4242"})
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 8)), "offset_limit")
    exact_numbers(r)
    reqs = srv.requests("/offset")
    check([(q["query"]["offset"], q["query"]["limit"]) for q in reqs] == [("0", "3"), ("3", "3"), ("6", "3")], "offsets 0, 3, 6 with limit 3")
    check(all(q["headers"]["authorization"] == "Basic YWxpY2U6YmFzaWMtcGFzcy00MjQy" for q in reqs), "HTTP basic credentials on every page")
    check(all("\n" not in json.dumps(m) for m in r.of("RECORD")), "records pretty-printed by the API are emitted one per line")
    no_secret(r, "basic-pass-4242", "YWxpY2U6YmFzaWMtcGFzcy00MjQy")
    srv.stop()


def case_cursor_api_key_header():
    srv = Server(items=12, auth="api_key_header", secret="hdr-key-31337")
    cfg = config(srv, [stream("/cursor/items", "/items", {"type": "cursor", "token_pointer": "/meta/next_cursor", "cursor_param": "cursor",
                                                         "page_size_param": "limit", "page_size": 5})],
                 auth={"type": "api_key", "in": "header", "name": "X-API-Key", "value": "hdr-key-31337"})
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 13)), "cursor")
    reqs = srv.requests("/cursor")
    cursors = [q["query"].get("cursor") for q in reqs]
    check(len(reqs) == 3 and cursors[0] is None and cursors[1] and cursors[2] and cursors[1] != cursors[2],
          "no token first, then the tokens the API returned: %s" % cursors)
    check(all(q["headers"].get("x-api-key") == "hdr-key-31337" and q["query"].get("limit") == "5" for q in reqs), "api key header and limit on every page")
    no_secret(r, "hdr-key-31337")
    srv.stop()


def case_link_header_api_key_query():
    srv = Server(items=12, auth="api_key_query", secret="query-key-8080")
    srv.admin("fault", kind="500", at=2, times=1)  # makes the client log the URL of a retried request
    cfg = config(srv, [stream("/link/items", "", {"type": "link_header", "page_size_param": "per_page", "page_size": 5})],
                 auth={"type": "api_key", "in": "query", "name": "api_key", "value": "query-key-8080"})
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 13)), "link_header")
    reqs = srv.requests("/link")
    check([q["query"].get("page") for q in reqs] == [None, "2", "2", "3"], "first page, then the rel=next links (page 2 retried once)")
    check(all(q["query"].get("api_key") == "query-key-8080" for q in reqs), "the api key query parameter on every request, next links too")
    check("api_key=***" in r.everything(), "the retried URL is logged with the api key masked")
    no_secret(r, "query-key-8080")
    srv.stop()


def oauth_cfg(srv, secret, **auth):
    a = {"type": "oauth2_client_credentials", "token_url": "/oauth/token", "client_id": "client-1", "client_secret": secret}
    a.update(auth)
    return config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5})], auth=a)


def case_oauth2_token_cached():
    srv = Server(items=12, auth="oauth2", user="client-1", secret="oauth-secret-2468")
    r = run("read", oauth_cfg(srv, "oauth-secret-2468"), catalog())
    read_ok(r, list(range(1, 13)), "oauth2")
    tok = srv.requests("/oauth")
    data = srv.requests("/page")
    check(len(tok) == 1, "one token request for three pages (the token is cached)")
    check(tok[0]["query"].get("grant_type") == "client_credentials" and tok[0]["headers"]["authorization"].startswith("Basic "),
          "client credentials grant with HTTP basic client authentication")
    bearer = {q["headers"]["authorization"] for q in data}
    check(len(bearer) == 1 and bearer.pop().startswith("Bearer tok-1-"), "every page carries the fetched token")
    no_secret(r, "oauth-secret-2468", "tok-1-")
    srv.stop()


def case_oauth2_expired_token_refreshed():
    srv = Server(items=12, auth="oauth2", user="client-1", secret="oauth-secret-1357", token_max_uses=2)
    r = run("read", oauth_cfg(srv, "oauth-secret-1357", credentials_in="body"), catalog())
    read_ok(r, list(range(1, 13)), "oauth2 with a token that expires after two uses")
    tok = srv.requests("/oauth")
    check(len(tok) == 2, "the token was fetched again after the 401 (%d token requests)" % len(tok))
    check(tok[0]["query"].get("client_id") == "client-1", "credentials_in=body sends client_id in the form")
    data = srv.requests("/page")
    auths = [q["headers"]["authorization"][:13] for q in data]
    check(len(data) == 4 and auths[2] == auths[1] and auths[3] != auths[2],
          "page 3 refused with the old token, retried with the new one: %s" % auths)
    check("refreshing the credentials" in r.everything(), "the refresh is logged")
    no_secret(r, "oauth-secret-1357", "tok-1-", "tok-2-")
    srv.stop()


def case_oauth2_bad_secret_masked():
    srv = Server(items=3, auth="oauth2", user="client-1", secret="oauth-right-secret")
    r = run("check", oauth_cfg(srv, "oauth-WRONG-secret-42"))
    st = r.status()
    check(st["status"] == "FAILED" and "/oauth/token" in st["message"] and "401" in st["message"],
          "check names the token URL and the 401: " + st["message"])
    check(not srv.requests("/page"), "no data request without a token")
    no_secret(r, "oauth-WRONG-secret-42", urllib.parse.quote("oauth-WRONG-secret-42"))
    srv.stop()


# --- faults --------------------------------------------------------------------------------------


def page_cfg(srv, **kw):
    return config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5})], **kw)


def gap(reqs, i):
    return reqs[i]["t"] - reqs[i - 1]["t"]


def case_retry_429_retry_after_seconds():
    srv = Server(items=12)
    srv.admin("fault", kind="429", at=2, retry_after=2)
    r = run("read", page_cfg(srv), catalog())
    read_ok(r, list(range(1, 13)), "429 then success")
    reqs = srv.requests("/page")
    check([q["fault"] for q in reqs] == ["", "429", "", ""] and [q["query"]["page"] for q in reqs] == ["1", "2", "2", "3"],
          "page 2 answered 429, asked again, then page 3")
    check(gap(reqs, 2) >= 1.9, "Retry-After: 2 honoured (waited %.2f s, back-off alone would be ~0.05 s)" % gap(reqs, 2))
    check("HTTP 429" in r.everything() and "Retry-After honoured" in r.everything(), "the retry is logged")
    srv.stop()


def case_retry_429_retry_after_http_date():
    srv = Server(items=12)
    srv.admin("fault", kind="429", at=1, retry_after=3, http_date=1)
    r = run("read", page_cfg(srv), catalog())
    read_ok(r, list(range(1, 13)), "429 with an HTTP-date Retry-After")
    reqs = srv.requests("/page")
    check(len(reqs) == 4 and gap(reqs, 1) >= 1.5, "the HTTP date was honoured (waited %.2f s for a date ~3 s ahead)" % gap(reqs, 1))
    srv.stop()


def case_retry_500_then_success():
    srv = Server(items=12)
    srv.admin("fault", kind="500", at=1, times=2)
    r = run("read", page_cfg(srv), catalog())
    read_ok(r, list(range(1, 13)), "500, 500, then success")
    reqs = srv.requests("/page")
    check([q["fault"] for q in reqs] == ["500", "500", "", "", ""], "two 500s retried: %s" % [q["fault"] for q in reqs])
    check(r.everything().count("HTTP 500") == 2, "each retry is logged")
    srv.stop()


def case_give_up_after_max_attempts():
    srv = Server(items=12, auth="api_key_query", secret="query-key-0000")
    srv.admin("fault", kind="500", at=2, times=100)
    cfg = page_cfg(srv, max_attempts=3, auth={"type": "api_key", "in": "query", "value": "query-key-0000"})
    r = run("read", cfg, catalog())
    check(r.rc != 0, "the read fails once the attempts are used up (rc %d)" % r.rc)
    reqs = srv.requests("/page")
    check(len(reqs) == 4, "1 good page + exactly 3 attempts at page 2 (%d requests)" % len(reqs))
    e = r.error()
    check("failed after 3 attempts" in e and "HTTP 500" in e and "internal boom" in e and "/page/items?" in e and "page=2" in e,
          "the error names the URL, the attempts, the status and the body's first bytes: " + e[:400])
    check("api_key=***" in e, "the api key in the URL is masked")
    check(r.ids() == [1, 2, 3, 4, 5], "the first page's records were emitted before the failure")
    no_secret(r, "query-key-0000")
    srv.stop()


def case_slow_response_timeout_recovers():
    srv = Server(items=12)
    srv.admin("fault", kind="slow", at=1, delay_ms=4000)
    r = run("read", page_cfg(srv, timeout_seconds=1), catalog())
    read_ok(r, list(range(1, 13)), "a slow first response times out and is retried")
    reqs = srv.requests("/page")
    check(len(reqs) == 4 and reqs[0]["fault"] == "slow", "the slow request, then 3 pages")
    check("timed out" in r.everything().lower() or "timeout" in r.everything().lower(), "the timeout is logged")
    srv.stop()


def case_slow_response_gives_up():
    srv = Server(items=12)
    srv.admin("fault", kind="slow", at=1, times=10, delay_ms=3000)
    r = run("read", page_cfg(srv, timeout_seconds=0.5, max_attempts=2), catalog())
    e = r.error()
    check(r.rc != 0 and "failed after 2 attempts" in e and ("timed out" in e.lower() or "timeout" in e.lower()) and "/page/items" in e,
          "the error names the URL and the timeout: " + e[:400])
    check(len(srv.requests("/page")) == 2, "exactly max_attempts=2 requests")
    srv.stop()


def case_truncated_json_recovers():
    srv = Server(items=12)
    srv.admin("fault", kind="truncated", at=2)
    r = run("read", page_cfg(srv), catalog())
    read_ok(r, list(range(1, 13)), "a truncated JSON body is fetched again")
    check(len(srv.requests("/page")) == 4, "page 2 fetched twice")
    check("not valid JSON" in r.everything(), "the bad body is logged")
    srv.stop()


def case_truncated_json_gives_up():
    srv = Server(items=12)
    srv.admin("fault", kind="truncated", at=1, times=10)
    r = run("read", page_cfg(srv, max_attempts=2), catalog())
    e = r.error()
    check(r.rc != 0 and "not valid JSON" in e and "body starts: {\"data\": [{\"id\": 1" in e,
          "the error says the body is not valid JSON and shows its first bytes: " + e[:400])
    check(r.ids() == [], "no record of a broken page is emitted")
    srv.stop()


def case_dropped_connection_recovers():
    srv = Server(items=12)
    srv.admin("fault", kind="drop", at=2)
    r = run("read", page_cfg(srv), catalog())
    read_ok(r, list(range(1, 13)), "a connection dropped mid-body is retried")
    reqs = srv.requests("/page")
    check([q["fault"] for q in reqs] == ["", "drop", "", ""], "page 2 dropped once, then fetched")
    srv.stop()


def case_rate_limit_spaces_requests():
    srv = Server(items=12)
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 2})],
                 requests_per_second=4)
    r = run("read", cfg, catalog())
    read_ok(r, list(range(1, 13)), "rate-limited read")
    reqs = srv.requests("/page")
    span = reqs[-1]["t"] - reqs[0]["t"]
    check(len(reqs) == 7, "7 requests (6 full pages and an empty one)")
    check(span >= 1.35, "7 requests at 4/s span at least 1.5 s (took %.2f s)" % span)
    check(min(gap(reqs, i) for i in range(1, len(reqs))) >= 0.15, "no two requests much closer than 1/4 s")
    srv.stop()


# --- incremental, cancellation, sync ---------------------------------------------------------------


def incremental_cfg(srv):
    return config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5},
                               cursor_param="updated_since")])


def case_incremental_rerun():
    srv = Server(items=12)
    cfg = incremental_cfg(srv)
    r = run("read", cfg, catalog("incremental"))
    read_ok(r, list(range(1, 13)), "first incremental read")
    states = r.of("STATE")
    cursors = [s["state"]["stream"]["stream_state"].get("updated_at") for s in states]
    check(cursors == [ts(5), ts(10), ts(12)], "a STATE after every page (5, 5 and 2 records) with the highest cursor so far: %s" % cursors)
    kinds = [m["type"] for m in r.messages if m["type"] in ("RECORD", "STATE")]
    check(kinds.index("STATE") == 5, "the first STATE follows the first page's 5 records")
    check("updated_since" not in srv.requests("/page")[0]["query"], "no cursor parameter without state")

    srv.admin("reset", items=15)  # three newer items appear
    r2 = run("read", cfg, catalog("incremental"), state=[states[-1]["state"]])
    read_ok(r2, [13, 14, 15], "the re-run emits only the newer records")
    reqs = srv.requests("/page")
    check(all(q["query"].get("updated_since") == ts(12) for q in reqs), "every request asks for records after the saved cursor")
    check(len(reqs) == 1, "one page holds the 3 new records")
    check(r2.of("STATE")[-1]["state"]["stream"]["stream_state"] == {"updated_at": ts(15)}, "the new state is the newest cursor")

    r3 = run("read", cfg, catalog("incremental"), state=[r2.of("STATE")[-1]["state"]])
    read_ok(r3, [], "a re-run with nothing new emits nothing")
    check(r3.of("STATE")[-1]["state"]["stream"]["stream_state"] == {"updated_at": ts(15)}, "and keeps the cursor")

    full = run("read", cfg, catalog("full_refresh"), state=[r2.of("STATE")[-1]["state"]])
    read_ok(full, list(range(1, 16)), "full refresh ignores the cursor")
    srv.stop()


def case_saved_cursor_not_comparable():
    srv = Server(items=12)
    cfg = config(srv, [stream("/page/items", "/data", {"type": "page_number", "page_size_param": "per_page", "page_size": 5})])
    state = {"type": "STREAM", "stream": {"stream_descriptor": {"name": "items"}, "stream_state": {"updated_at": "not a date"}}}
    r = run("read", cfg, catalog("incremental"), state=[state])
    read_ok(r, list(range(1, 13)), "a saved cursor that dates cannot be compared with is dropped, not used to skip")
    check(any("stream items" in w and '"not a date"' in w and "updated_at" in w and "--reset-state" in w for w in r.warnings()),
          "a warning names the stream, the value and what to do: %s" % r.warnings())
    check(r.of("STATE")[-1]["state"]["stream"]["stream_state"] == {"updated_at": ts(12)}, "the new state holds a real cursor")
    srv.stop()


def case_failure_marks_incomplete():
    srv = Server(items=12)
    srv.admin("fault", kind="500", at=2, times=100)
    r = run("read", page_cfg(srv, max_attempts=2), catalog())
    check(r.rc != 0, "the read fails once the attempts are used up (rc %d)" % r.rc)
    statuses = [(m["trace"]["stream_status"]["stream_descriptor"]["name"], m["trace"]["stream_status"]["status"])
                for m in r.of("TRACE") if m["trace"]["type"] == "STREAM_STATUS"]
    check(statuses == [("items", "STARTED"), ("items", "INCOMPLETE")], "the started stream ends INCOMPLETE: %s" % statuses)
    srv.stop()


def case_cancel_aborts_transfer():
    srv = Server(items=12)
    srv.admin("fault", kind="slow", at=1, delay_ms=60000)
    d = tmpdir()
    p = subprocess.Popen([CONNHOST, "run", "--plugin", "source_http", "read",
                          "--config", write_json(os.path.join(d, "c.json"), page_cfg(srv, timeout_seconds=90)),
                          "--catalog", write_json(os.path.join(d, "k.json"), catalog())],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while time.time() < deadline and not srv.requests("/page"):
        time.sleep(0.05)
    check(len(srv.requests("/page")) == 1, "the slow request is in flight")
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    took = time.time() - t0
    check(took < 10, "SIGTERM aborted the 60 s transfer in flight (exited after %.1f s)" % took)
    check(p.returncode == 130 and "interrupted" in (out + err), "the run says it was interrupted (rc %d)" % p.returncode)
    srv.stop()


def case_sync_to_jsonl():
    srv = Server(items=12, auth="bearer", secret="sync-token-6060")
    d = tmpdir()
    cfg = incremental_cfg(srv)
    cfg["auth"] = {"type": "bearer", "token": "sync-token-6060"}
    src = write_json(os.path.join(d, "src.json"), cfg)
    out = os.path.join(d, "out")
    dst = write_json(os.path.join(d, "dst.json"), {"destination_path": out})
    cat = write_json(os.path.join(d, "cat.json"), catalog("incremental"))
    state = os.path.join(d, "state.json")
    args = [CONNHOST, "sync", "--source", "source_http", "--source-config", src, "--destination", "dest_jsonl",
            "--destination-config", dst, "--catalog", cat, "--state-file", state]
    r = subprocess.run(args, capture_output=True, text=True, timeout=90)
    check(r.returncode == 0, "sync source_http -> dest_jsonl succeeds: " + r.stderr[-400:])
    path = os.path.join(out, "items.jsonl")
    text = open(path).read()
    check([json.loads(l)["id"] for l in text.splitlines()] == list(range(1, 13)), "12 records in items.jsonl")
    check(BIG_AMOUNT in text and EXACT_PRICE in text, "exact number text reaches the file")
    saved = json.load(open(state))["states"]
    check(saved[0]["stream"]["stream_state"] == {"updated_at": ts(12)}, "the state file holds the newest cursor")
    check("sync-token-6060" not in r.stdout + r.stderr + json.dumps(saved), "the token is in no output and not in the state")

    srv.admin("reset", items=14, auth="bearer", secret="sync-token-6060")
    r = subprocess.run(args, capture_output=True, text=True, timeout=90)
    check(r.returncode == 0, "the incremental re-sync succeeds: " + r.stderr[-400:])
    check([json.loads(l)["id"] for l in open(path).read().splitlines()] == list(range(1, 15)), "the re-sync appended only items 13 and 14")
    check(all(q["query"].get("updated_since") == ts(12) for q in srv.requests("/page")), "and asked only for records after the saved cursor")
    srv.stop()


# --- nothing duplicated, nothing silently lost ----------------------------------------------------


def once_each(reqs, *names):
    """True when every request's query string carries each of `names` exactly once."""
    return all(sum(1 for pair in q["raw_query"].split("&") if pair.split("=")[0] == n) == 1 for q in reqs for n in names)


def case_params_replaced_by_paginator():
    srv = Server(items=12)
    b64_at0 = "YXQ6MA=="  # the server's cursor for "from the first item"
    runs = [
        ("page_number over params page/per_page", "/page/items", "/data",
         {"type": "page_number", "page_size_param": "per_page", "page_size": 5}, {"page": 7, "per_page": 2}, ("page", "per_page")),
        ("page_number over a query in the path", "/page/items?per_page=2&page=9", "/data",
         {"type": "page_number", "page_size_param": "per_page", "page_size": 5}, {}, ("page", "per_page")),
        ("offset_limit over params offset/limit", "/offset/items", "/results",
         {"type": "offset_limit", "limit": 3}, {"offset": 4, "limit": 1}, ("offset", "limit")),
        ("cursor over params cursor/limit", "/cursor/items", "/items",
         {"type": "cursor", "token_pointer": "/meta/next_cursor", "page_size_param": "limit", "page_size": 5},
         {"cursor": b64_at0, "limit": 2}, ("limit",)),
    ]
    for what, path, pointer, pag, params, names in runs:
        srv.admin("reset", items=12)
        r = run("read", config(srv, [stream(path, pointer, pag, params=params, max_pages=20)]), catalog())
        read_ok(r, list(range(1, 13)), what + ": each record once")
        reqs = srv.requests("/")
        check(once_each(reqs, *names), what + ": the paginator's values replace the stream's, never sent twice: %s" % [q["raw_query"] for q in reqs])
    cursors = [q["raw_query"].count("cursor=") for q in srv.requests("/cursor")]
    check(cursors == [1, 1, 1], "cursor: the stream's cursor param on the first page, the API's token after it: %s" % cursors)
    srv.stop()


def clamped_cfg(srv, **paginator):
    pag = {"type": "page_number", "page_param": "_page", "page_size_param": "_per_page"}
    pag.update(paginator)
    return config(srv, [stream("/clamped/items", "/data", pag, max_pages=30)])


def case_page_number_past_the_end_fails():
    srv = Server(items=10)
    r = run("read", clamped_cfg(srv, page_size=5), catalog())
    e = r.error()
    check(r.rc != 0, "a page past the end answered with the last page again fails the read (rc %d, %d records)" % (r.rc, len(r.ids())))
    check("stream items" in e and "page 3" in e and "same 5 records as page 2" in e and "has_more_pointer" in e,
          "the error names the stream, the repeated page and the fix: " + e[:500])
    check(r.ids() == list(range(1, 11)), "every record emitted once, the repeated page not at all: %s" % r.ids())
    check(len(srv.requests("/clamped")) == 3, "no request after the repeated page")

    srv.admin("reset", items=25)  # no page_size: only an empty page would have ended the walk
    r = run("read", clamped_cfg(srv), catalog())
    check(r.rc != 0 and "page 4" in r.error() and r.ids() == list(range(1, 26)),
          "without page_size: 3 pages, page 4 repeats page 3 and fails (rc %d, %d records)" % (r.rc, len(r.ids())))
    srv.stop()


def case_body_stop_signals():
    srv = Server(items=10)
    for what, pag in [("has_more_pointer at next (null on the last page)", {"has_more_pointer": "/next"}),
                      ("has_more_pointer at a boolean", {"has_more_pointer": "/meta/has_more"}),
                      ("total_pointer at the item count", {"total_pointer": "/items"})]:
        srv.admin("reset", items=10)
        r = run("read", clamped_cfg(srv, page_size=5, **pag), catalog())
        read_ok(r, list(range(1, 11)), what)
        check([q["query"]["_page"] for q in srv.requests("/clamped")] == ["1", "2"], what + ": pages 1 and 2, no page past the end")
        check(not r.warnings(), what + ": no warning: %s" % r.warnings())
    srv.admin("reset", items=12)
    r = run("read", config(srv, [stream("/offset/items", "/results", {"type": "offset_limit", "limit": 4, "total_pointer": "/results/0/id"})]), catalog())
    read_ok(r, [1, 2, 3, 4], "offset_limit honours total_pointer too (a total of 1 ends the walk after the first page)")
    r = run("read", clamped_cfg(srv, page_size=5, total_pointer="/data/0/name"), catalog())
    check(r.rc != 0 and "total_pointer \"/data/0/name\"" in r.error() and "not a record count" in r.error() and "stream items" in r.error(),
          "a total_pointer at something other than a count fails naming it: " + r.error()[:300])
    srv.stop()


def case_first_page_under_reads_warn():
    srv = Server(items=12)
    runs = [("link_header against an API that sends no Link header", stream("/page/items", "/data", {"type": "link_header"}), "no Link header"),
            ("records_pointer that matches nothing", stream("/page/items", "/nope", {"type": "page_number"}), 'records_pointer "/nope" matches nothing'),
            ("cursor token_pointer that matches nothing", stream("/cursor/items", "/items", {"type": "cursor", "token_pointer": "/meta/next"}),
             'token_pointer "/meta/next" matches nothing'),
            ("has_more_pointer that matches nothing", stream("/page/items", "/data", {"type": "page_number", "has_more_pointer": "/more"}),
             'has_more_pointer "/more" matches nothing')]
    for what, st, needle in runs:
        r = run("read", config(srv, [st]), catalog())
        check(r.rc == 0, what + ": the read still succeeds (rc %d): %s" % (r.rc, r.err[-300:]))
        hits = [w for w in r.warnings() if "stream items" in w and needle in w]
        check(len(hits) == 1, what + ": one WARN log names the stream and what was missing: %s" % r.warnings())
    srv.stop()


def case_unknown_config_keys_rejected():
    srv = Server(items=3)
    good = stream("/page/items", "/data", {"type": "page_number"})
    runs = [
        ("a misspelled stream key", config(srv, [dict(good, paginatr={"type": "page_number"})]),
         'config.streams[0].paginatr: unknown key; did you mean "paginator"?'),
        ("a misspelled top-level key", config(srv, [good], discover_page=2), 'config.discover_page: unknown key; did you mean "discover_pages"?'),
        ("a misspelled paginator key", config(srv, [dict(good, paginator={"type": "page_number", "page_sise": 5})]),
         'config.streams[0].paginator.page_sise: unknown key for paginator type page_number; did you mean "page_size"?'),
        ("a key of another paginator type", config(srv, [dict(good, paginator={"type": "page_number", "limit": 5})]),
         "config.streams[0].paginator.limit: unknown key for paginator type page_number; the known keys are: type, page_param"),
        ("a misspelled auth key", config(srv, [good], auth={"type": "bearer", "tokn": "t"}),
         'config.auth.tokn: unknown key for auth type bearer; did you mean "token"?'),
        ("a stop signal that is not a string", config(srv, [dict(good, paginator={"type": "page_number", "total_pointer": 5})]),
         "config.streams[0].paginator.total_pointer must be a string"),
        ("a stop signal that is not a JSON pointer", config(srv, [dict(good, paginator={"type": "page_number", "has_more_pointer": "more"})]),
         "config.streams[0].paginator.has_more_pointer"),
    ]
    for what, cfg, needle in runs:
        st = run("check", cfg).status()
        check(st["status"] == "FAILED" and needle in st.get("message", ""), what + ": check fails with: %s" % st)
        r = run("read", cfg, catalog())
        check(r.rc != 0 and needle in r.error(), what + ": read fails (rc %d) with the same message" % r.rc)
    check(not srv.requests("/page"), "no request was made with a bad config")
    srv.stop()


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
