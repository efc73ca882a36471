#!/usr/bin/env bash
# ctest kubernetes.manifests: validates packaging/kubernetes offline (no cluster: `kubectl --dry-run=client` needs
# one) with check_manifests.py. The npm package kubernetes-models (pinned; its Kubernetes schemas) is installed
# once into BUILD_DIR/kubernetes-models. Exits 77 (skipped) only when npm or the npm registry is not there.
# Usage: manifests.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
version=4.5.1  # the last kubernetes-models for node < 22 (Debian 12 ships node 18)
modules=$build/kubernetes-models
skip() { echo "SKIP kubernetes.manifests: $*"; exit 77; }

command -v node > /dev/null && command -v npm > /dev/null ||
  skip "node and npm are missing: packaging/install-deps.sh test installs them (Debian's nodejs and npm)"
installed=$(node -p "require('$modules/node_modules/kubernetes-models/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  npm ping > /dev/null 2>&1 || skip "the npm registry ($(npm config get registry)) is not reachable to install kubernetes-models@$version"
  rm -rf "$modules" && mkdir -p "$modules"
  echo "installing kubernetes-models@$version into $modules"
  npm install --prefix "$modules" --no-audit --no-fund --no-save --loglevel=error "kubernetes-models@$version"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$src/tests/kubernetes/check_manifests.py" "$src/packaging/kubernetes" "$modules" "$work"
