#!/bin/sh
# Runs in the install stage of packaging/image/Containerfile: copies into OUT (a new root) the files the connhost
# runtime needs and nothing else: /usr/bin/connhost, the bundled plugins, every shared library they load (their ldd
# closure, with the dynamic loader), busybox as /bin/sh with its applets (Airbyte's launcher runs
# `sh -c "$AIRBYTE_ENTRYPOINT ..."` and uses touch, cat, mkfifo), the CA bundle for HTTPS and PostgreSQL TLS, and
# passwd/group entries for uid 1000. The layout is bookworm's merged /usr (/bin, /lib, /lib64 are links).
# Usage: collect_rootfs.sh OUT
set -eu
out=$1
mkdir -p "$out/usr/bin" "$out/usr/lib" "$out/usr/lib64" "$out/etc/ssl/certs" "$out/tmp" "$out/home/connhost"
ln -s usr/bin "$out/bin"; ln -s usr/bin "$out/sbin"; ln -s usr/lib "$out/lib"; ln -s usr/lib64 "$out/lib64"

# Copies path $1 (through links in its folder) as the file it names, keeping a link if the name itself is one.
copy() {
  dir=$(readlink -f "$(dirname "$1")"); name=$(basename "$1")
  [ -e "$out$dir/$name" ] && return 0
  mkdir -p "$out$dir"
  if [ -L "$dir/$name" ]; then
    cp -a "$dir/$name" "$out$dir/$name"
    copy "$(readlink -f "$dir/$name")"
  else
    cp -a "$dir/$name" "$out$dir/$name"
  fi
}

plugins=$(dpkg -L connhost | grep '/lib/connhost/plugins/lib[^/]*\.so$')
[ -n "$plugins" ] || { echo "collect_rootfs: the connhost package installed no plugins" >&2; exit 1; }
elves="/usr/bin/connhost $plugins /usr/bin/busybox"
for f in $elves; do
  copy "$f"
  # ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader.
  for lib in $(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do copy "$lib"; done
done
for applet in $(/usr/bin/busybox --list); do
  [ -e "$out/usr/bin/$applet" ] || ln -s busybox "$out/usr/bin/$applet"
done

cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/bin/sh\nconnhost:x:1000:1000:connhost:/home/connhost:/bin/sh\n' > "$out/etc/passwd"
printf 'root:x:0:\nconnhost:x:1000:\n' > "$out/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
chmod 1777 "$out/tmp"
chown 1000:1000 "$out/home/connhost"
echo "collect_rootfs: $(find "$out" -type f | wc -l) files, $(du -sk "$out" | cut -f1) KiB"
