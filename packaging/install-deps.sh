#!/usr/bin/env bash
# Installs, as root on Debian 12, the packages connhost needs to build and test; does nothing when all are present.
# Usage: packaging/install-deps.sh [build|test]   (test adds what the test suite and benchmarks need)
# (`file` is for cpack's dependency scan of the .debs; lintian and man-db for ctest packaging.debs_lintian; podman,
# runc and debootstrap for ctest image.airbyte and `make image`; iproute2 for the network namespaces of
# ctest pg.network_cut.)
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake ninja-build pkg-config ccache
      libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
      libspdlog-dev libfmt-dev libcurl4-openssl-dev libpq-dev libsqlite3-dev sqlite3 python3 file
      libvalijson-dev)
if [ "$what" = test ]; then
  pkgs+=(doctest-dev clang libclang-rt-14-dev libc++-dev libc++abi-dev abigail-tools bc
         python3-yaml python3-jsonschema postgresql postgresql-client libcpp-httplib-dev universal-ctags clang-format
         lintian man-db podman runc debootstrap iproute2)
fi
if [ "$what" = test ]; then
  # kubernetes.manifests validates with the npm package kubernetes-models: Debian's npm (it pulls nodejs); a node
  # installed otherwise that brings its own npm is kept (Debian's npm conflicts with it).
  command -v npm > /dev/null || pkgs+=(npm)
  # kubernetes.kube_play: podman kube play starts each pod's infra container with catatonit (podman only recommends it).
  pkgs+=(catatonit)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
