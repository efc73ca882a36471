#!/usr/bin/env bash
# Builds the two .debs with cpack from the build tree into a temp dir, checks their control fields and file lists,
# runs lintian on both (failing on any error or warning), then builds the README connector against the packages'
# /usr tree (extracted with dpkg-deb -x) and runs it with the packaged host.
# Usage: debs_lintian.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/test_env.sh"

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
abi_major=$(sed -n 's/^#define CONNHOST_ABI_MAJOR \([0-9]*\)$/\1/p' "$src/plugin-api/include/connhost/plugin_api.h")
arch=$(dpkg --print-architecture)
(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
run_deb=$work/out/connhost_${version}_${arch}.deb
dev_deb=$work/out/connhost-dev_${version}_all.deb
for deb in "$run_deb" "$dev_deb"; do
  [ -f "$deb" ] || { ls "$work/out"; fail "cpack made no $(basename "$deb")"; }
done
echo "ok: cpack made $(basename "$run_deb") and $(basename "$dev_deb")"

# ---- control fields ----------------------------------------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
expect_field() {  # deb field regex
  local got
  got=$(field "$1" "$2")
  grep -Eq "$3" <<< "$got" || fail "$(basename "$1"): $2 is '$got', expected to match '$3'"
}
expect_field "$run_deb" Package '^connhost$'
expect_field "$run_deb" Version "^${version//./\\.}$"
expect_field "$run_deb" Architecture "^${arch}$"
expect_field "$run_deb" Provides "(^|, )connhost-abi-${abi_major}(,|$)"
expect_field "$run_deb" Depends 'libc6'
expect_field "$run_deb" Depends 'libcurl'
expect_field "$dev_deb" Package '^connhost-dev$'
expect_field "$dev_deb" Architecture '^all$'
expect_field "$dev_deb" Depends "(^|, )connhost \(= ${version//./\\.}\)(,|$)"
expect_field "$dev_deb" Depends '(^|, )libboost1\.81-dev(,|$)'
for deb in "$run_deb" "$dev_deb"; do
  [ "$(field "$deb" Description | wc -l)" -ge 3 ] || fail "$(basename "$deb") has no extended description"
done
top=$(zcat -f "$src/packaging/debian/changelog" | head -1)
[[ $top == "connhost ($version) "* ]] || fail "packaging/debian/changelog's latest entry is '$top', not version $version"
echo "ok: control fields (Provides connhost-abi-$abi_major, Depends, Architecture) and the changelog version"

# ---- file lists ------------------------------------------------------------------------------------------------------
dpkg-deb -c "$run_deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/run.files"
dpkg-deb -c "$dev_deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/dev.files"
has() { grep -qx "$2" "$work/$1.files" || fail "the $1 package lacks $2"; }
lacks() { ! grep -Eq "$2" "$work/$1.files" || fail "the $1 package holds $(grep -E "$2" "$work/$1.files" | head -3)"; }
has run /usr/bin/connhost
bundled=$(sed -n 's/^connhost_add_plugin(\([a-z0-9_]*\).*/\1/p' "$src"/plugins/*/CMakeLists.txt | sort)
packaged=$(sed -n 's|^/usr/lib/connhost/plugins/lib\(.*\)\.so$|\1|p' "$work/run.files" | sort)
[ "$bundled" = "$packaged" ] || fail "packaged plugins '$(echo $packaged)' are not the bundled ones '$(echo $bundled)'"
for page in connhost connhost-run connhost-sync connhost-plugins connhost-new connhost-test-plugin; do
  has run "/usr/share/man/man1/$page.1.gz"
done
for doc in copyright changelog.gz; do
  has run "/usr/share/doc/connhost/$doc"
  has dev "/usr/share/doc/connhost-dev/$doc"
done
lacks run '^/usr/(include|share/cmake|share/pkgconfig|share/connhost)/'
has dev /usr/include/connhost/plugin_api.h
has dev /usr/include/connhost/sdk.hpp
has dev /usr/include/connhost/internal/json_scan.hpp
has dev /usr/include/connhost/internal/out_buffer.hpp
for f in connhostConfig.cmake connhostConfigVersion.cmake connhostTargets.cmake ConnhostPlugin.cmake; do
  has dev "/usr/share/cmake/connhost/$f"
done
has dev /usr/share/pkgconfig/connhost-plugin-api.pc
has dev /usr/share/doc/connhost-dev/abi.md
for data in templates conformance; do  # the `connhost new` templates and the conformance data, once in the tree
  [ ! -d "$src/$data" ] || grep -q "^/usr/share/connhost/$data/." "$work/dev.files" || fail "no $data in connhost-dev"
done
lacks dev '^/usr/(bin|lib)/'
echo "ok: file lists (binary, the $(echo $packaged | wc -w) bundled plugins, man pages, docs; dev: headers, CMake, pc)"

# An install() rule without COMPONENT runtime or dev would land in neither package.
mkdir -p "$work/unspecified"
cmake --install "$build" --component Unspecified --prefix "$work/unspecified" > /dev/null
stray=$(find "$work/unspecified" -type f | sed "s|^$work/unspecified/||" | head -5)
[ -z "$stray" ] || fail "installed by rules without COMPONENT runtime or dev (so in no package): $stray"
echo "ok: every install() rule names the component runtime or dev"

# ---- lintian -----------------------------------------------------------------------------------------------------
# lintian leaves its mldbm-elf-* scratch folders in TMPDIR: give it one inside $work, which the test removes.
mkdir -p "$work/lintian-tmp"
for deb in "$run_deb" "$dev_deb"; do
  if ! TMPDIR=$work/lintian-tmp lintian --fail-on error,warning --display-info "$deb" > "$work/lintian.log" 2>&1; then
    cat "$work/lintian.log"
    fail "lintian reports errors or warnings on $(basename "$deb")"
  fi
  echo "ok: lintian: no error or warning on $(basename "$deb") ($(grep -c '^[IP]:' "$work/lintian.log" || true) info tags)"
  sed 's/^/    /' "$work/lintian.log"
done

# ---- find_package(connhost) from the packages' /usr tree ---------------------------------------------------------
root=$work/root
dpkg-deb -x "$run_deb" "$root"
dpkg-deb -x "$dev_deb" "$root"
mkdir -p "$work/hello"
$snippet cpp '#include <connhost/sdk.hpp>' "$work/hello/hello.cpp"
$snippet cmake 'cmake_minimum_required' "$work/hello/CMakeLists.txt"
echo 'message(STATUS "CONNHOST_EXECUTABLE=${CONNHOST_EXECUTABLE}")' >> "$work/hello/CMakeLists.txt"
cmake -S "$work/hello" -B "$work/hello/build" -DCMAKE_PREFIX_PATH="$root/usr" > "$work/cfg.log" 2>&1 ||
  { cat "$work/cfg.log"; fail "the README project does not configure against the packages' /usr"; }
grep -q "CONNHOST_EXECUTABLE=$root/usr/bin/connhost$" "$work/cfg.log" || fail "CONNHOST_EXECUTABLE is not $root/usr/bin/connhost"
cmake --build "$work/hello/build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the README connector does not build"; }
out=$("$root/usr/bin/connhost" run --plugin "$work/hello/build/libsource_hello.so" read --config "$work/config.json" \
  --catalog "$work/catalog.json")
[ "$(grep -c '"data":{"greeting":"hello"}' <<< "$out")" = 3 ] || fail "the packaged host ran the connector to: $out"
"$root/usr/bin/connhost" plugins | grep -q '^dest_jsonl ' || fail "the packaged host does not list its bundled plugins"
echo "ok: the README connector builds with find_package(connhost) from the packages' /usr and runs on the packaged host"
