# A new Debian 12 root to run commands in (sourced by fresh_check.sh and deb_check.sh): debootstrap
# --variant=minbase with make, git and ca-certificates, cached as a tarball in $cache; every run unpacks a new root,
# mounts proc, sys, dev and a compiler cache into it, and removes it on exit.
# Needs: $cache, say(). Gives: fresh_root_setup (sets $root), in_root CMD, fresh_root_cleanup (trap on EXIT).
suite=bookworm

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

mounted=()
fresh_root_cleanup() {
  local i
  [ -n "${root:-}" ] || return 0
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  # Never delete through a mount that did not come off.
  if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; else say "left $root: a mount is still there" >&2; fi
}

fresh_root_setup() {
  if [ "$(id -u)" != 0 ]; then
    say "needs root (debootstrap, chroot and mount); run it as root, as CI does" >&2
    exit 1
  fi
  local tarball; tarball=$(base_tarball)
  root=$(mktemp -d /var/tmp/connhost-fresh.XXXXXX)
  trap fresh_root_cleanup EXIT
  trap 'exit 130' INT TERM
  tar -C "$root" -xf "$tarball"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
  mount --bind /dev "$root/dev" && mounted+=("$root/dev")
  mount --bind /dev/pts "$root/dev/pts" && mounted+=("$root/dev/pts")
  # The compiler cache outlives the root (compiling again what did not change proves nothing about packages:
  # a missing header or library still fails, as configure and the link run every time). It is this machine's own
  # when it has ccache, so what `make test` compiled here is not compiled again (CMakeLists.txt makes the entries
  # independent of the clone's folder); else one kept in $cache.
  local ccache_dir="$cache/ccache"
  if command -v ccache >/dev/null; then ccache_dir=$(ccache --get-config cache_dir); fi
  mkdir -p "$ccache_dir" "$root/var/cache/connhost-ccache"
  mount --bind "$ccache_dir" "$root/var/cache/connhost-ccache" && mounted+=("$root/var/cache/connhost-ccache")
}

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CCACHE_DIR=/var/cache/connhost-ccache \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "$1"
}
