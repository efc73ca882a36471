#!/usr/bin/env bash
# ctest kubernetes.kube_play: runs the Indexed Job of packaging/kubernetes once as N workers through `podman kube
# play`, on the runtime image `make image` saves as BUILD_DIR/image/connhost.oci.tar (built here with the same
# packaging/image/build_image.sh, from this build tree's .deb, when the archive is missing or older than this
# build's connhost). job_to_pods.py turns the Job into one Pod per index (podman 4.3 runs no Jobs; see there what
# else it changes); each worker runs `connhost sync --partition I/N` of source_faker into dest_jsonl (its own /data
# folder) with its state file on the PVC (a podman volume). Then the union of the workers' records must be every
# record exactly once, each worker's state file must be there, and a re-run of one worker must resume from it and
# move nothing twice.
# Runtime: podman 4.3's default crun fails here ("cgroups in hybrid mode not supported"); runc works with
# nofile/nproc limits of 20000/32768, set through a CONTAINERS_CONF file (kube play takes no --ulimit).
# Usage: kube_play.sh SOURCE_DIR BUILD_DIR [N] [COUNT]
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
n=${3:-3}
count=${4:-30000}
archive=$build/image/connhost.oci.tar
skip() { echo "SKIP kubernetes.kube_play: $*"; exit 77; }
command -v podman > /dev/null || skip "podman is missing: packaging/install-deps.sh test installs it"
command -v runc > /dev/null || skip "runc is missing: packaging/install-deps.sh test installs it"
command -v catatonit > /dev/null || skip "catatonit (podman's pod infra init) is missing: packaging/install-deps.sh test installs it"
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman: hostPath and volume ownership)"
if [ ! -f "$archive" ] || [ "$build/bin/connhost" -nt "$archive" ]; then
  [ -x "$src/packaging/image/build_image.sh" ] || skip "no image archive at $archive and no packaging/image to build it"
  debs=$(mktemp -d)
  echo "building $archive (make image) from this build tree's .deb"
  (cd "$debs" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$debs" > cpack.log 2>&1) ||
    { cat "$debs/cpack.log"; rm -rf "$debs"; echo "FAIL: cpack -G DEB"; exit 1; }
  "$src/packaging/image/build_image.sh" "$debs" "$build/image" || { rm -rf "$debs"; echo "FAIL: build_image.sh"; exit 1; }
  rm -rf "$debs"
fi

work=$(mktemp -d /tmp/connhost-kube-play.XXXXXX)
suffix=-kp$$
export CONTAINERS_CONF=$work/containers.conf
printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' \
  > "$CONTAINERS_CONF"
cleanup() {
  for f in "$work"/pods*.yaml; do podman kube down "$f" > /dev/null 2>&1 || true; done
  podman volume rm -f "connhost-state$suffix" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

image=$(podman load -q -i "$archive" | sed -n 's/^Loaded image[^:]*: *//p' | head -n 1)
[ -n "$image" ] || { echo "FAIL: podman load -i $archive named no image"; exit 1; }
echo "image: $image"
mkdir -p "$work/config"
cat > "$work/config/connection.json" <<EOT
{"source": {"plugin": "source_faker", "config": {"count": $count, "seed": 11, "state_interval": 2000}},
 "destination": {"plugin": "dest_jsonl", "config": {"destination_path": "/data"}}}
EOT
chmod -R a+rX "$work/config"
for ((i = 0; i < n; i++)); do mkdir -p "$work/out/part-$i"; done
chown -R 1000:1000 "$work/out"

# Plays pods.yaml ($1) and waits for every sync container; fails naming a worker that did not exit 0.
play() {
  podman kube play "$1" > "$work/play.log" 2>&1 || { cat "$work/play.log"; echo "FAIL: podman kube play $1"; exit 1; }
  local failed=0
  for p in $(sed -n 's/^  name: \(connhost-sync.*\)$/\1/p' "$1"); do
    code=$(podman wait "$p-sync")
    echo "worker $p exited $code"
    [ "$code" = 0 ] || { podman logs "$p-sync" 2>&1 | tail -n 20; failed=1; }
  done
  [ $failed = 0 ] || { echo "FAIL: a worker failed (its log above)"; exit 1; }
}
job=$src/packaging/kubernetes/job.yaml
python3 "$src/tests/kubernetes/job_to_pods.py" "$job" "$n" "$image" "$work/config" "$work/out/part-" "$suffix" \
  > "$work/pods.yaml"
started=$(date +%s.%N)
play "$work/pods.yaml"
echo "$n workers of $((3 * count)) records took $(echo "$(date +%s.%N) - $started" | bc) s"
state=$(podman volume inspect --format '{{.Mountpoint}}' "connhost-state$suffix")
python3 "$src/tests/kubernetes/check_union.py" "$work/out" "$n" "$count" "$state" shop-to-warehouse

# A re-run of worker 1 alone (as the Job's retry would start it) resumes from its state file: nothing moves twice.
podman kube down "$work/pods.yaml" > /dev/null
python3 "$src/tests/kubernetes/job_to_pods.py" "$job" "$n" "$image" "$work/config" "$work/out/part-" "$suffix" 1 \
  > "$work/pods-rerun.yaml"
play "$work/pods-rerun.yaml"
moved=$(podman logs "connhost-sync$suffix-1-sync" 2>&1 | python3 -c '
import json, sys
print(sum(json.loads(l)["records"] for l in sys.stdin if l.startswith("{") and "\"sync summary\"" in l))')
echo "re-run of worker 1 moved $moved records"
[ "$moved" = 0 ] || { echo "FAIL: the re-run of worker 1 moved $moved records instead of resuming from its state"; exit 1; }
python3 "$src/tests/kubernetes/check_union.py" "$work/out" "$n" "$count" "$state" shop-to-warehouse
echo "kube play: $n workers through podman kube play moved every record once, and a re-run resumed"
