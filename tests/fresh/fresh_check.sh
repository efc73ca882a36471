#!/usr/bin/env bash
# The fresh-machine check: runs the README's first command, `make demo`, in a brand-new Debian 12 root
# (debootstrap --variant=minbase with make, git and ca-certificates, as a new user's machine), entered with
# chroot, on a clone of the current commit, then configures its build folder again as the second command,
# `make test`, does. A missing install step fails here even when the developer's machine has the package. The
# debootstrap result is cached as a tarball; every run unpacks a new root.
# Usage: tests/fresh/fresh_check.sh [CACHE_DIR]   (as root; default cache /var/tmp/connhost-fresh-cache, which
# outlives build folders and clones, so CI's fresh clone on the same machine reuses it)
set -euo pipefail
started=$(date +%s)
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cache=${1:-/var/tmp/connhost-fresh-cache}
say() { echo "fresh-check: $*"; }
. "$(dirname "$0")/fresh_root.sh"
commit=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not checked; this checks commit $commit"
fi
fresh_root_setup

git clone -q --no-local "$repo" "$root/src/connhost"
git -C "$root/src/connhost" checkout -q "$commit"
say "running 'make demo' in a fresh $suite root at $root (commit ${commit:0:12})"
rc=0 step="make demo"
in_root 'cd /src/connhost && make demo' || rc=$?
if [ $rc = 0 ]; then
  users=$(in_root 'sqlite3 /src/connhost/out/demo/demo.sqlite "SELECT count(*) FROM users"') || rc=$?
  if [ "${users:-}" != 100000 ]; then
    say "make demo exited 0 but out/demo/demo.sqlite holds '${users:-nothing}' users, not 100000"
    rc=1
  fi
fi
# The README's second command, `make test`, configures the same build folder again, now that `make demo` installed
# what was missing (ninja among it). A generator chosen before the install would make that configure fail ("Does not
# match the generator used previously"); `make build` runs the same configure without the test packages.
if [ $rc = 0 ]; then
  say "configuring the same build folder again, as the README's next command (make test) does"
  step="a second configure (make build) after make demo"
  in_root 'cd /src/connhost && make build' || rc=$?
fi
elapsed=$(( $(date +%s) - started ))
if [ $rc = 0 ]; then
  say "PASSED: make demo, then a second configure of its build folder, work on a fresh Debian 12 root ($elapsed s)"
else
  say "FAILED: $step on a fresh Debian 12 root exited $rc ($elapsed s); the output above says why"
fi
exit $rc
