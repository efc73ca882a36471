#!/usr/bin/env bash
# The fresh-machine check: runs the README's first command, `make demo`, in a brand-new Debian 12 root
# (debootstrap --variant=minbase with make, git and ca-certificates, as a new user's machine), entered with
# chroot, on a clone of the current commit. A missing install step fails here even when the developer's
# machine has the package. The debootstrap result is cached as a tarball; every run unpacks a new root.
# Usage: tests/fresh/fresh_check.sh [CACHE_DIR]   (as root; default cache /var/tmp/connhost-fresh-cache, which
# outlives build folders and clones, so CI's fresh clone on the same machine reuses it)
set -euo pipefail
started=$(date +%s)
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cache=${1:-/var/tmp/connhost-fresh-cache}
suite=bookworm
say() { echo "fresh-check: $*"; }

if [ "$(id -u)" != 0 ]; then
  say "needs root (debootstrap, chroot and mount); run it as root, as CI does" >&2
  exit 1
fi
commit=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not checked; this checks commit $commit"
fi

# The Debian mirror this machine's apt uses, so the new root reaches the same packages.
mirror() {
  local uri
  uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "'$suite'" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  echo "${uri:-http://deb.debian.org/debian}"
}

base_tarball() {
  local tarball=$cache/$suite-minbase.tar
  if [ -s "$tarball" ]; then
    say "using the cached $suite root $tarball" >&2
    echo "$tarball"; return
  fi
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  fi
  mkdir -p "$cache"
  local tmp; tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  say "debootstrap --variant=minbase $suite from $(mirror) (cached afterwards in $cache)" >&2
  if ! debootstrap --variant=minbase --include=make,git,ca-certificates "$suite" "$tmp/root" "$(mirror)" \
      > "$cache/debootstrap.log" 2>&1; then
    tail -n 20 "$cache/debootstrap.log" >&2
    rm -rf "$tmp"
    say "debootstrap failed (log: $cache/debootstrap.log); check that the Debian mirror is reachable" >&2
    exit 1
  fi
  tar -C "$tmp/root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$tmp"
  echo "$tarball"
}

tarball=$(base_tarball)
root=$(mktemp -d /var/tmp/connhost-fresh.XXXXXX)
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  # Never delete through a mount that did not come off.
  if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; else say "left $root: a mount is still there" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -C "$root" -xf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
# The compiler cache outlives the root (compiling again what did not change proves nothing about packages:
# a missing header or library still fails, as configure and the link run every time).
mkdir -p "$cache/ccache" "$root/var/cache/connhost-ccache"
mount --bind "$cache/ccache" "$root/var/cache/connhost-ccache" && mounted+=("$root/var/cache/connhost-ccache")

git clone -q --no-local "$repo" "$root/src/connhost"
git -C "$root/src/connhost" checkout -q "$commit"
say "running 'make demo' in a fresh $suite root at $root (commit ${commit:0:12})"
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CCACHE_DIR=/var/cache/connhost-ccache \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "$1"
}
rc=0
in_root 'cd /src/connhost && make demo' || rc=$?
if [ $rc = 0 ]; then
  users=$(in_root 'sqlite3 /src/connhost/out/demo/demo.sqlite "SELECT count(*) FROM users"') || rc=$?
  if [ "${users:-}" != 100000 ]; then
    say "make demo exited 0 but out/demo/demo.sqlite holds '${users:-nothing}' users, not 100000"
    rc=1
  fi
fi
elapsed=$(( $(date +%s) - started ))
if [ $rc = 0 ]; then
  say "PASSED: make demo works on a fresh Debian 12 root ($elapsed s)"
else
  say "FAILED: make demo on a fresh Debian 12 root exited $rc ($elapsed s); the output above says which step"
fi
exit $rc
