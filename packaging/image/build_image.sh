#!/usr/bin/env bash
# Builds the connhost runtime image and one image per bundled connector, offline from Debian packages alone (no
# container registry): the base is the debootstrap minbase root of tests/fresh/fresh_root.sh (one cached tarball
# in CACHE_DIR, shared with `make fresh-check` and `make deb-check`), imported with `podman import`; Containerfile
# installs the runtime .deb into it and keeps only what runs. Each connector image adds Airbyte's conventions
# (AIRBYTE_ENTRYPOINT, io.airbyte.name / io.airbyte.version, ENTRYPOINT) to the runtime image, and each is saved
# as an OCI archive in OUT_DIR:
#   localhost/connhost/connhost:VERSION        -> OUT_DIR/connhost.oci.tar            (ENTRYPOINT connhost)
#   localhost/connhost/source-faker:VERSION    -> OUT_DIR/connhost-source-faker.oci.tar  (one per plugin)
# and all of them in OUT_DIR/connhost-images.docker.tar (a docker-archive, for `docker load` of any version).
# Usage: packaging/image/build_image.sh DEB_DIR OUT_DIR [CACHE_DIR]   (as root; DEB_DIR holds connhost_*.deb)
set -euo pipefail
started=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 DEB_DIR OUT_DIR [CACHE_DIR]" >&2; exit 2; }
debs=$(cd "$1" && pwd)
out=$2
cache=${3:-/var/tmp/connhost-fresh-cache}
say() { echo "image: $*"; }
command -v podman > /dev/null ||
  { say "podman is missing: install it with packaging/install-deps.sh test (or apt-get install podman runc)"; exit 2; }
[ "$(id -u)" = 0 ] || { say "needs root (debootstrap and podman build of a root file system); run it as root"; exit 2; }
. "$here/../../tests/fresh/fresh_root.sh"

arch=$(dpkg --print-architecture)
shopt -s nullglob
found=("$debs"/connhost_*_"$arch".deb)
[ ${#found[@]} = 1 ] ||
  { say "expected one connhost_*_$arch.deb in $debs, found ${#found[@]}: build it with 'make deb'"; exit 2; }
deb=${found[0]}
version=$(dpkg-deb -f "$deb" Version)
mapfile -t plugins < <(dpkg-deb -c "$deb" | sed -n 's|.*/lib/connhost/plugins/lib\([a-z0-9_]*\)\.so$|\1|p')

# The debootstrap root as an image, imported again only when the cached tarball changed.
tarball=$(base_tarball)
base=localhost/connhost/debootstrap:$suite-$(stat -c %Y "$tarball")
if ! podman image exists "$base"; then
  say "podman import $tarball as $base"
  podman import -q "$tarball" "$base" > /dev/null
  # The imports of older tarballs (341 MB each) go.
  for old in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep "^${base%:*}:" | grep -vx "$base"); do
    podman rmi "$old" > /dev/null 2>&1 || true
  done
fi

# --no-cache: buildah 1.28 reuses cached steps across different --build-arg values. --isolation chroot: the
# default runtime cannot run build steps under hybrid cgroups.
build() {  # tag containerfile context [podman build args]
  local tag=$1 file=$2 ctx=$3; shift 3
  podman build -q --isolation chroot --no-cache --layers=false --pull=never -f "$file" -t "$tag" "$@" "$ctx" > /dev/null
}
# The images this build replaces, removed at the end once no tag names them (each --no-cache build is new).
runtime=localhost/connhost/connhost:$version
tags=("$runtime")
for plugin in "${plugins[@]}"; do tags+=("localhost/connhost/${plugin//_/-}:$version"); done
mapfile -t replaced < <(for tag in "${tags[@]}"; do podman image inspect --format '{{.Id}}' "$tag" 2> /dev/null; done)
remove_replaced() {
  local i id dangling
  dangling=" $(podman images -q --no-trunc --filter dangling=true | sed 's/^sha256://' | tr '\n' ' ') "
  for ((i = ${#replaced[@]} - 1; i >= 0; i--)); do  # the connector images before the runtime they derive from
    id=${replaced[$i]}
    [[ $dangling == *" $id "* ]] && podman rmi "$id" > /dev/null 2>&1 || true
  done
}

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$deb" "$here/collect_rootfs.sh" "$ctx/"
say "building $runtime from $(basename "$deb") on $base"
build "$runtime" "$here/Containerfile" "$ctx" --build-arg BASE="$base" --build-arg VERSION="$version"

mkdir -p "$out"
rm -f "$out"/*.oci.tar "$out/connhost-images.docker.tar"
images=("$runtime")
for plugin in "${plugins[@]}"; do
  name=${plugin//_/-}
  cat > "$ctx/Containerfile.$plugin" <<EOT
FROM $runtime
ENV AIRBYTE_ENTRYPOINT="/usr/bin/connhost run --plugin $plugin"
LABEL io.airbyte.name="connhost/$name" io.airbyte.version="$version"
ENTRYPOINT ["/usr/bin/connhost", "run", "--plugin", "$plugin"]
EOT
  build "localhost/connhost/$name:$version" "$ctx/Containerfile.$plugin" "$ctx"
  images+=("localhost/connhost/$name:$version")
done
for image in "${images[@]}"; do
  repo=${image%:*}
  file=$out/connhost-${repo##*/}.oci.tar
  [ "${repo##*/}" = connhost ] && file=$out/connhost.oci.tar
  podman save -q --format oci-archive -o "$file" "$image"
done
# All tags in one docker-archive too (layers stored once): what `docker load` of any Docker version reads.
podman save -q --multi-image-archive --format docker-archive -o "$out/connhost-images.docker.tar" "${images[@]}"
remove_replaced
size=$(podman image inspect --format '{{.Size}}' "$runtime")
say "built ${#images[@]} images of connhost $version in $(( $(date +%s) - started )) s," \
  "$(( size / 1000000 )) MB each (one shared layer), saved in $out:"
for image in "${images[@]}"; do say "  $image"; done
