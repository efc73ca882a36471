#!/usr/bin/env bash
# Usage: new_project.sh BUILD_DIR
# Installs connhost into a temp prefix, then for source/destination x cpp/c: `connhost new`, builds the project with
# the plain commands of its README against the prefix, drives spec/check/discover/read/write of the plugin with
# `connhost run`, and runs the project's `ctest` (which certifies it with `connhost test-plugin`). Also checks the
# errors of `connhost new`. Every check runs; the script fails at the end if any did.
set -uo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" || { echo "FAIL: cmake --install"; exit 1; }
C="$work/prefix/bin/connhost"
failures=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

# The errors of `connhost new`: a bad NAME and a folder that holds files; neither writes anything.
cd "$work"
out=$("$C" new source Bad-Name 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'NAME "Bad-Name" is not a valid connector name' <<< "$out" && [ ! -e source_Bad-Name ] \
    && ok "connhost new refuses a bad NAME" || fail "connhost new Bad-Name: rc $rc, $out"
mkdir taken && touch taken/file
out=$("$C" new source taken --dir taken 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'exists and is not empty' <<< "$out" && [ "$(ls taken)" = file ] \
    && ok "connhost new refuses a folder that holds files" || fail "connhost new into a full folder: rc $rc, $out"
out=$("$C" new source x --lang rust 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'say cpp or c' <<< "$out" && ok "connhost new refuses an unknown --lang" \
    || fail "--lang rust: $out"

secret="s3cr3t-KEY-$RANDOM-value"
source_checks() {  # source_checks DIR PLUGIN
    local dir=$1 p=$2
    printf '{"api_key": "%s", "count": 25, "state_interval": 10}\n' "$secret" > "$work/src_cfg.json"
    echo '{"count": 3}' > "$work/src_bad.json"
    "$C" run --plugin "$p" spec | grep -q '"api_key":{[^}]*"airbyte_secret":true' && ok "$p spec marks api_key secret" \
        || fail "$p spec"
    "$C" run --plugin "$p" check --config "$work/src_cfg.json" | grep -q '"status":"SUCCEEDED"' \
        && ok "$p check succeeds" || fail "$p check"
    "$C" run --plugin "$p" check --config "$work/src_bad.json" | grep -q '"status":"FAILED"' \
        && ok "$p check fails without api_key" || fail "$p bad check"
    "$C" run --plugin "$p" discover --config "$work/src_cfg.json" | grep -q '"name":"events"' \
        && ok "$p discover" || fail "$p discover"
    local out
    out=$("$C" run --plugin "$p" read --config "$work/src_cfg.json" --catalog "$dir/sample_catalog.json" 2>&1)
    [ "$(grep -c '"type":"RECORD"' <<< "$out")" = 25 ] && ok "$p read gives 25 records" || fail "$p read: $out"
    [ "$(grep '"type":"\(RECORD\|STATE\)"' <<< "$out" | tail -1 | grep -c '"type":"STATE"')" = 1 ] \
        && ok "$p read ends with a STATE after its records" || fail "$p read: no final state"
    grep -q "$secret" <<< "$out" && fail "$p read shows the api_key" || ok "$p read never shows the api_key"
    grep '"type":"STATE"' <<< "$out" | sed -n 2p \
        | python3 -c 'import json,sys; print(json.dumps([json.load(sys.stdin)["state"]]))' > "$work/state.json"
    out=$("$C" run --plugin "$p" read --config "$work/src_cfg.json" --catalog "$dir/sample_catalog.json" \
        --state "$work/state.json" --log-format json 2>&1)
    [ "$(grep -c '"type":"RECORD"' <<< "$out")" = 5 ] && grep -q '"id":21,' <<< "$out" \
        && ok "$p read resumed from the second state gives records 21..25" || fail "$p resume: $out"
    grep -q "$secret" <<< "$out" && fail "$p logs show the api_key" || ok "$p logs never show the api_key"
}

dest_checks() {  # dest_checks DIR PLUGIN LANG
    local dir=$1 p=$2 lang=$3 out
    local target="$work/out_$lang"
    printf '{"destination_path": "%s"}\n' "$target" > "$work/dst_cfg.json"
    sed 's/"overwrite"/"append"/' "$dir/sample_catalog.json" > "$work/append.json"
    "$C" run --plugin "$p" spec | grep -q '"supported_destination_sync_modes":\["append","overwrite"\]' \
        && ok "$p spec" || fail "$p spec"
    "$C" run --plugin "$p" check --config "$work/dst_cfg.json" | grep -q '"status":"SUCCEEDED"' \
        && ok "$p check succeeds" || fail "$p check"
    out=$("$C" run --plugin "$p" write --config "$work/dst_cfg.json" --catalog "$dir/sample_catalog.json" \
        < "$dir/sample_input.jsonl")
    grep -q '"destinationStats":{"recordCount":2' <<< "$out" && ok "$p write acknowledges the state" \
        || fail "$p write: $out"
    [ "$(wc -l < "$target/events.jsonl")" = 2 ] && grep -q '"name":"second"' "$target/events.jsonl" \
        && ok "$p overwrite wrote 2 lines" || fail "$p overwrite"
    "$C" run --plugin "$p" write --config "$work/dst_cfg.json" --catalog "$work/append.json" \
        < "$dir/sample_input.jsonl" > /dev/null
    [ "$(wc -l < "$target/events.jsonl")" = 4 ] && ok "$p append appended" || fail "$p append"
    # An overwrite whose input breaks keeps the previous data.
    { head -1 "$dir/sample_input.jsonl"; echo '{"type":"RECORD", broken'; } > "$work/broken.jsonl"
    "$C" run --plugin "$p" write --config "$work/dst_cfg.json" --catalog "$dir/sample_catalog.json" \
        < "$work/broken.jsonl" > /dev/null 2>&1 && fail "$p took a broken input"
    [ "$(wc -l < "$target/events.jsonl")" = 4 ] && ok "$p: an unfinished overwrite keeps the previous data" \
        || fail "$p unfinished overwrite replaced the data"
    "$C" run --plugin "$p" write --config "$work/dst_cfg.json" --catalog "$dir/sample_catalog.json" \
        < "$dir/sample_input.jsonl" > /dev/null
    [ "$(wc -l < "$target/events.jsonl")" = 2 ] && ok "$p: a complete overwrite replaces it" || fail "$p overwrite 2"
    # Two streams of one name in two namespaces land in two folders.
    echo '{"streams":[{"stream":{"name":"s","namespace":"n1","json_schema":{}},"destination_sync_mode":"append"},
        {"destination_sync_mode":"overwrite","stream":{"name":"s","namespace":"n2","json_schema":{}}}]}' \
        > "$work/ns.json"
    printf '%s\n' '{"type":"RECORD","record":{"stream":"s","namespace":"n1","data":{"a":1},"emitted_at":1}}' \
        '{"type":"RECORD","record":{"stream":"s","namespace":"n2","data":{"a":2},"emitted_at":1}}' > "$work/ns.jsonl"
    "$C" run --plugin "$p" write --config "$work/dst_cfg.json" --catalog "$work/ns.json" < "$work/ns.jsonl" > /dev/null
    [ "$(cat "$target/n1/s.jsonl")" = '{"a":1}' ] && [ "$(cat "$target/n2/s.jsonl")" = '{"a":2}' ] \
        && ok "$p: streams of one name in two namespaces go to two folders" || fail "$p namespaces"
    if [ "$lang" = cpp ]; then
        out=$("$C" run --plugin "$p" read-back --config "$work/dst_cfg.json" --catalog "$dir/sample_catalog.json")
        [ "$(grep -c '"type":"RECORD"' <<< "$out")" = 2 ] && ok "$p read-back" || fail "$p read-back: $out"
    fi
}

ctest_results=""
for kind in source destination; do
    for lang in cpp c; do
        name="kit_$lang"
        [ $kind = source ] && conn="source_$name" || conn="dest_$name"
        cd "$work"
        if [ $lang = cpp ]; then "$C" new $kind $name > /dev/null; dir="$work/$conn"
        else "$C" new $kind $name --lang c --dir "$work/proj_$conn" > /dev/null; dir="$work/proj_$conn"; fi
        [ -f "$dir/README.md" ] || { fail "connhost new $kind $name --lang $lang made nothing"; continue; }
        # The README's build commands, as written.
        if cmake -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/cfg_$conn.log" 2>&1 \
            && cmake --build "$dir/build" > "$work/build_$conn.log" 2>&1 && [ -f "$dir/build/lib$conn.so" ]; then
            ok "$conn ($lang) builds with the README's commands"
        else
            fail "$conn ($lang) does not build:"; cat "$work/cfg_$conn.log" "$work/build_$conn.log"; continue
        fi
        grep "warning:" "$work/build_$conn.log" && fail "$conn builds with warnings"
        p="$dir/build/lib$conn.so"
        if [ $kind = source ]; then source_checks "$dir" "$p"; else dest_checks "$dir" "$p" $lang; fi
        if ctest -V --test-dir "$dir/build" --output-on-failure > "$work/ctest_$conn.log" 2>&1; then
            ok "$conn: ctest (connhost test-plugin) passes"
            # The templates list append and overwrite only: Singer files with key_properties run, written append.
            if [ $kind = destination ]; then
                grep -Eq "PASS +conformance\.duplicate_records" "$work/ctest_$conn.log" \
                    && ok "$conn: the keyed Singer file duplicate_records runs and passes" \
                    || fail "$conn: $(grep -E 'conformance\.duplicate_records' "$work/ctest_$conn.log")"
            fi
        else
            grep -q 'unknown command "test-plugin"' "$work/ctest_$conn.log" \
                && ctest_results+="  $conn: ctest failed: this connhost has no test-plugin command\n" \
                || { cat "$work/ctest_$conn.log"; ctest_results+="  $conn: ctest failed\n"; }
            failures=$((failures + 1))
        fi
    done
done
[ -n "$ctest_results" ] && printf "FAIL: the projects' ctest:\n$ctest_results"
echo "$failures failed"
[ $failures = 0 ]
