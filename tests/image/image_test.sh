#!/usr/bin/env bash
# The connector images as Airbyte runs them: builds the runtime .deb with cpack from this build tree, the images with
# packaging/image/build_image.sh (what `make image` runs), then runs the source_faker and dest_jsonl images the way
# Airbyte on Kubernetes does, `sh -c "$AIRBYTE_ENTRYPOINT <verb> <args>"` as uid 1000 with a read-only root file
# system (no tmpfs either), no capabilities, no network and the config files mounted read-only at /config:
# spec/check/discover/read answer exactly as `connhost run --plugin P` of this build tree does, a read piped into a
# write lands in a mounted volume, and a second read resumed from the states the write acknowledged brings only the
# new records. Also: labels, ENV, user and size of the images, and `podman load` of a saved archive.
# Then source_postgres -> dest_pg through the images, over TCP to the test cluster (ctest fixture pg_server).
# Exits 77 (ctest: skipped) when podman is missing or the test does not run as root.
# Usage: image_test.sh BUILD_DIR SOURCE_DIR PG_SERVER_JSON [CACHE_DIR]
source "$(dirname "$0")/../packaging/test_env.sh"
pg_info=$3
cache=${4:-/var/tmp/connhost-fresh-cache}
command -v podman > /dev/null ||
  { echo "SKIP: podman is missing; packaging/install-deps.sh test installs it (podman, runc)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: building the image needs root (debootstrap, podman build)"; exit 77; }
connhost=$build/bin/connhost
chmod 755 "$work"

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/debs" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
t0=$(date +%s)
"$src/packaging/image/build_image.sh" "$work/debs" "$work/image" "$cache" || fail "build_image.sh failed"
echo "ok: images built in $(( $(date +%s) - t0 )) s"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
source_image=localhost/connhost/source-faker:$version
dest_image=localhost/connhost/dest-jsonl:$version

# ---- the image's Airbyte conventions ----------------------------------------------------------------------------
inspect() { podman image inspect --format "$2" "$1"; }
[ "$(inspect "$source_image" '{{index .Config.Labels "io.airbyte.name"}}')" = connhost/source-faker ] ||
  fail "io.airbyte.name of $source_image is not connhost/source-faker"
[ "$(inspect "$source_image" '{{index .Config.Labels "io.airbyte.version"}}')" = "$version" ] ||
  fail "io.airbyte.version of $source_image is not $version"
inspect "$source_image" '{{.Config.Env}}' | grep -q 'AIRBYTE_ENTRYPOINT=/usr/bin/connhost run --plugin source_faker' ||
  fail "$source_image has no AIRBYTE_ENTRYPOINT naming source_faker: $(inspect "$source_image" '{{.Config.Env}}')"
[ "$(inspect "$source_image" '{{.Config.User}}')" = 1000:1000 ] || fail "$source_image does not run as uid 1000"
size=$(inspect "$source_image" '{{.Size}}')
[ "$size" -lt 60000000 ] || fail "$source_image is $size bytes, not under 60 MB"
echo "ok: labels, AIRBYTE_ENTRYPOINT, user 1000, $(( size / 1000000 )) MB"

# ---- Airbyte's way of running it --------------------------------------------------------------------------------
mkdir -p "$work/config" "$work/data"
chown 1000:1000 "$work/data"
airbyte() {  # image 'verb args' [podman run options]: runs sh -c "$AIRBYTE_ENTRYPOINT verb args" in the image
  local image=$1 args=$2; shift 2  # (network: none, or $NET)
  podman --runtime runc run --rm -i --read-only --read-only-tmpfs=false --cap-drop=all \
    --security-opt no-new-privileges --user 1000 --network "${NET:-none}" \
    --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 -v "$work/config:/config:ro" "$@" \
    --entrypoint sh "$image" -c "\$AIRBYTE_ENTRYPOINT $args"
}
same() {  # what: compares the image's answer ($work/got) with the host's ($work/want), timestamps aside
  local norm='s/"emitted_at":[0-9]*/"emitted_at":0/g'
  diff <(sed "$norm" "$work/want") <(sed "$norm" "$work/got") > "$work/diff" ||
    { head -n 20 "$work/diff"; fail "$1: the image's output differs from connhost run's"; }
  echo "ok: $1 ($(wc -l < "$work/got") lines, as connhost run prints them)"
}
echo '{"count": 100, "state_interval": 40}' > "$work/config/connectionConfiguration.json"
(cd "$work/config" && "$connhost" run --plugin source_faker spec > "$work/want")
airbyte "$source_image" spec > "$work/got" || fail "spec failed"
same spec
config=/config/connectionConfiguration.json
(cd "$work/config" && "$connhost" run --plugin source_faker check --config "$work$config" > "$work/want")
airbyte "$source_image" "check --config $config" > "$work/got" || fail "check failed"
grep -q '"status":"SUCCEEDED"' "$work/got" || fail "check did not succeed: $(cat "$work/got")"
same check
"$connhost" run --plugin source_faker discover --config "$work$config" > "$work/want"
airbyte "$source_image" "discover --config $config" > "$work/got" || fail "discover failed"
same discover
cp "$work/got" "$work/discover.out"

# Every connector image loads its plugin and the libraries it links (libpq, libcurl, libsqlite3...).
for archive in "$work"/image/connhost-*.oci.tar; do
  name=$(basename "$archive" .oci.tar); name=${name#connhost-}
  "$connhost" run --plugin "${name//-/_}" spec > "$work/want"
  airbyte "localhost/connhost/$name:$version" spec > "$work/got" || fail "spec of $name failed"
  same "spec of $name"
done

# As Airbyte's launcher script runs a verb: output to files of a shared volume, touch a file at exit, a heartbeat
# loop with sleep beside it, so the image's shell needs eval, traps, jobs, touch and sleep.
mkdir -p "$work/pipes" && chown 1000:1000 "$work/pipes"
launcher='trap "touch /pipes/main.done" EXIT
(eval "$AIRBYTE_ENTRYPOINT check --config /config/connectionConfiguration.json" > /pipes/stdout 2> /pipes/stderr) &
child=$!
(while [ ! -f /pipes/heartbeat.lost ]; do sleep 1; done; exit 1) &
wait $child'
podman --runtime runc run --rm --read-only --read-only-tmpfs=false --cap-drop=all --user 1000 --network none \
  --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 -v "$work/config:/config:ro" -v "$work/pipes:/pipes" \
  --entrypoint sh "$source_image" -c "$launcher" || fail "the launcher-style script failed: $(cat "$work/pipes/stderr")"
grep -q '"status":"SUCCEEDED"' "$work/pipes/stdout" && [ -f "$work/pipes/main.done" ] ||
  fail "the launcher-style script left no SUCCEEDED check in /pipes/stdout or no /pipes/main.done"
echo "ok: a launcher-style script (eval, trap/touch, a sleep loop, output to a mounted volume) runs check"

configure() {  # discover_output sync_mode destination_sync_mode: the configured catalog Airbyte would send
  python3 - "$@" <<'PY'
import json, sys
catalog = next(json.loads(l)["catalog"] for l in open(sys.argv[1]) if '"CATALOG"' in l)
print(json.dumps({"streams": [{"stream": s, "sync_mode": sys.argv[2], "destination_sync_mode": sys.argv[3],
                               "cursor_field": s.get("default_cursor_field", [])} for s in catalog["streams"]]}))
PY
}
configure "$work/discover.out" incremental append > "$work/config/catalog.json"
echo "{\"destination_path\": \"/data/out\"}" > "$work/config/destination.json"
"$connhost" run --plugin source_faker read --config "$work$config" --catalog "$work/config/catalog.json" > "$work/want"
airbyte "$source_image" "read --config $config --catalog /config/catalog.json" > "$work/got" || fail "read failed"
same read

# ---- a read piped into a write, then a read resumed from the states the write acknowledged ----------------------
sync() {  # state args of the read: source image | destination image, both as Airbyte runs them
  airbyte "$source_image" "read --config $config --catalog /config/catalog.json $1" > "$work/read.out" ||
    fail "read $1 failed"
  airbyte "$dest_image" "write --config /config/destination.json --catalog /config/catalog.json" \
    -v "$work/data:/data" < "$work/read.out" > "$work/write.out" || fail "write failed: $(tail -n 5 "$work/write.out")"
  # The last acknowledged STATE of each stream, as the array `--state` takes.
  python3 - "$work/write.out" > "$work/config/state.json" <<'PY'
import json, sys
last = {}
for line in open(sys.argv[1]):
    msg = json.loads(line)
    if msg["type"] == "STATE":
        last[msg["state"]["stream"]["stream_descriptor"]["name"]] = {"type": "STATE", "state": msg["state"]}
print(json.dumps(list(last.values())))
PY
}
expect_ids() {  # stream n: the stream's file holds ids 1..n, each once
  local got
  got=$(python3 -c 'import json,sys; ids=[json.loads(l)["id"] for l in open(sys.argv[1])]
want = list(range(1, int(sys.argv[2]) + 1))
print("ok" if sorted(ids) == want else "ids %d..%d, %d lines" % (min(ids), max(ids), len(ids)))' \
    "$work/data/out/$1.jsonl" "$2")
  [ "$got" = ok ] || fail "$1.jsonl: expected ids 1..$2 once each, got $got"
}
sync ""
for stream in users products purchases; do expect_ids $stream 100; done
echo "ok: read | write through the images: 3 x 100 records in the mounted volume, states acknowledged"
echo '{"path": "/data/out.sqlite"}' > "$work/config/sqlite.json"
airbyte "localhost/connhost/dest-sqlite:$version" "write --config /config/sqlite.json --catalog /config/catalog.json" \
  -v "$work/data:/data" < "$work/read.out" > /dev/null || fail "the write into dest-sqlite failed"
rows=$(sqlite3 "$work/data/out.sqlite" 'SELECT count(DISTINCT id) FROM users')
[ "$rows" = 100 ] || fail "dest-sqlite wrote $rows distinct users, expected 100"
echo "ok: the same read into the dest-sqlite image: 100 distinct users in /data/out.sqlite"
echo '{"count": 150, "state_interval": 40}' > "$work/config/connectionConfiguration.json"
sync "--state /config/state.json"
records=$(grep -c '"type":"RECORD"' "$work/read.out")
[ "$records" = 150 ] || fail "the resumed read emitted $records records, expected 3 x 50 new ones"
for stream in users products purchases; do expect_ids $stream 150; done
echo "ok: the second read resumed from the acknowledged state: 150 new records, ids 1..150 once each per stream"

# ---- source_postgres -> dest_pg through the images, over TCP ----------------------------------------------------
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$pg_info" "$1"; }
[ -f "$pg_info" ] || fail "no test cluster info at $pg_info (ctest fixture pg_server)"
pg() {  # database sql: as the superuser over the cluster's unix socket
  PGOPTIONS="-c client_min_messages=warning" "$(field bindir)/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h "$(field socket_dir)" -p "$(field port)" -U "$(field superuser)" -d "$1" -c "$2"
}
drop_dbs() {
  for db in connhost_image_src connhost_image_dst; do pg postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
}
trap 'drop_dbs > /dev/null 2>&1; rm -rf "$work"' EXIT
drop_dbs
for db in connhost_image_src connhost_image_dst; do pg postgres "CREATE DATABASE $db OWNER $(field username)"; done
pg connhost_image_src "SET ROLE $(field username); CREATE TABLE items (id int PRIMARY KEY, name text);
  INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) i"
for db in src dst; do
  python3 - "$pg_info" connhost_image_$db > "$work/config/pg_$db.json" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
print(json.dumps({"host": info["host"], "port": info["port"], "database": sys.argv[2], "username": info["username"],
                  "password": info["password"], "ssl_mode": "disable"}))
PY
done
NET=host airbyte "localhost/connhost/source-postgres:$version" "check --config /config/pg_src.json" > "$work/got" ||
  fail "check of source-postgres failed"
grep -q '"status":"SUCCEEDED"' "$work/got" || fail "check of source-postgres did not succeed: $(cat "$work/got")"
NET=host airbyte "localhost/connhost/source-postgres:$version" "discover --config /config/pg_src.json" \
  > "$work/pg_discover.out" || fail "discover of source-postgres failed"
configure "$work/pg_discover.out" full_refresh overwrite > "$work/config/pg_catalog.json"
NET=host airbyte "localhost/connhost/source-postgres:$version" \
  "read --config /config/pg_src.json --catalog /config/pg_catalog.json" > "$work/pg_read.out" ||
  fail "read of source-postgres failed: $(tail -n 3 "$work/pg_read.out")"
NET=host airbyte "localhost/connhost/dest-pg:$version" \
  "write --config /config/pg_dst.json --catalog /config/pg_catalog.json" < "$work/pg_read.out" > "$work/pg_write.out" ||
  fail "write of dest-pg failed: $(tail -n 3 "$work/pg_write.out")"
rows=$(pg connhost_image_dst "SELECT count(DISTINCT id) || ' ' || count(*) FROM public.items")
[ "$rows" = "1000 1000" ] || fail "dest-pg holds '$rows' (distinct ids, rows) of items, expected 1000 1000"
echo "ok: source-postgres | dest-pg through the images over TCP: 1000 rows, 1000 distinct ids"

# ---- the saved archive loads --------------------------------------------------------------------------------------
archive=$work/image/connhost-source-faker.oci.tar
podman rmi "$source_image" > /dev/null || fail "podman rmi $source_image failed"
loaded=$(podman load -q -i "$archive") || fail "podman load -i $archive failed"
grep -q "$source_image" <<< "$loaded" || fail "podman load -i $archive gave '$loaded', not $source_image"
airbyte "$source_image" spec > "$work/got" || fail "spec of the loaded image failed"
echo "ok: podman load -i $(basename "$archive") gives $source_image again"
echo "PASSED: the connector images answer as Airbyte runs them"
