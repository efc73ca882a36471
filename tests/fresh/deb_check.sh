#!/usr/bin/env bash
# The packages on a new machine: in a brand-new Debian 12 root (as fresh_check.sh makes one), installs the two
# .debs with apt (which pulls in what they depend on) plus a compiler and CMake, then does what issue 11 asks of a
# third-party author: `connhost new` a source and a destination, in C++ and in C, builds each with plain cmake
# against /usr and certifies it with `connhost test-plugin`. Prints how long it took.
# Usage: tests/fresh/deb_check.sh DEB_DIR [CACHE_DIR]   (as root; DEB_DIR holds connhost_*.deb and connhost-dev_*.deb)
set -euo pipefail
started=$(date +%s)
debs=$(cd "$1" && pwd)
cache=${2:-/var/tmp/connhost-fresh-cache}
say() { echo "deb-check: $*"; }
. "$(dirname "$0")/fresh_root.sh"
ls "$debs"/connhost_*.deb "$debs"/connhost-dev_*.deb > /dev/null ||
  { say "no connhost_*.deb and connhost-dev_*.deb in $debs: build them first (make debs)"; exit 2; }
fresh_root_setup
mkdir -p "$root/debs" && cp "$debs"/connhost_*.deb "$debs"/connhost-dev_*.deb "$root/debs/"

say "installing the two packages in a fresh $suite root at $root"
in_root 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
  apt-get install -y -qq --no-install-recommends /debs/connhost_*.deb /debs/connhost-dev_*.deb g++ gcc make cmake \
    > /tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log; exit 1; }'
installed=$(date +%s)
say "installed in $((installed - started)) s: $(in_root 'dpkg-query -W connhost connhost-dev | tr "\n" " "')"

certify() {  # kind name lang: C++ in the default folder (./source_weather), as the issue says; C under ./c/
  local prefix dir; prefix=$([ "$1" = source ] && echo source || echo dest)
  dir=${prefix}_$2; [ "$3" = cpp ] || dir=c/$dir
  in_root "set -e; mkdir -p /work/c && cd /work
    connhost new $1 $2 --lang $3 $([ "$3" = cpp ] || echo --dir $dir) > /dev/null
    cmake -S $dir -B $dir/build > $dir.cmake.log && cmake --build $dir/build > $dir.build.log
    connhost test-plugin ./$dir/build/lib${prefix}_$2.so --config ./$dir/sample_config.json > $dir.certify.log ||
      { cat $dir.certify.log; exit 1; }
    tail -n 1 $dir.certify.log"
}
rc=0
for lang in cpp c; do
  for kind in source destination; do
    t0=$(date +%s)
    if out=$(certify $kind weather $lang 2>&1); then
      say "ok: connhost new $kind weather --lang $lang, built and certified ($(( $(date +%s) - t0 )) s): $out"
    else
      say "FAILED: connhost new $kind weather --lang $lang:"; echo "$out"; rc=1
    fi
  done
done
elapsed=$(( $(date +%s) - started ))
[ $rc = 0 ] && say "PASSED: install, new, build and certify on a fresh Debian 12 root ($elapsed s)" ||
  say "FAILED after $elapsed s; the output above says which step"
exit $rc
