# Sourced by the packaging tests with their arguments BUILD_DIR SOURCE_DIR: sets build, src, a temp dir work removed
# at exit, the README's hello inputs ($work/config.json, $work/catalog.json), fail MESSAGE, and
# `$snippet LANG FIRST_LINE OUT` (readme_snippet.py: a README code block into a file).
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}
snippet="python3 $src/tests/packaging/readme_snippet.py $src/README.md"
echo '{"streams":[{"name":"hello"}]}' > "$work/catalog.json"
echo '{}' > "$work/config.json"
