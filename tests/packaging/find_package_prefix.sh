#!/usr/bin/env bash
# find_package(connhost) from a `cmake --install --prefix` tree: a C++ connector gets the SDK, a pure C connector
# builds in a `project(x C)` (no C++ compiler, no SDK), CONNHOST_EXECUTABLE names the prefix's connhost, and
# connhost_add_plugin() without find_package(connhost) stops with a message saying to call it.
# Usage: find_package_prefix.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/test_env.sh"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

# project NAME LANG SOURCE [CMAKE_LINE...]: a project folder $work/NAME building connector source_NAME from SOURCE.
project() {
  local name=$1 lang=$2 source=$3
  shift 3
  mkdir -p "$work/$name"
  {
    echo "cmake_minimum_required(VERSION 3.22)"
    echo "project($name $lang)"
    printf '%s\n' "$@"
    echo "connhost_add_plugin(source_$name SOURCES $(basename "$source"))"
  } > "$work/$name/CMakeLists.txt"
  cp "$source" "$work/$name/"
}
# configure_and_run NAME GREETING: configures against the prefix, builds, runs the connector with the prefix's host.
configure_and_run() {
  local name=$1 greeting=$2 out
  cmake -S "$work/$name" -B "$work/$name/build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/$name.cfg.log" 2>&1 ||
    { cat "$work/$name.cfg.log"; fail "$name does not configure against the prefix"; }
  grep -q "CONNHOST_EXECUTABLE=$prefix/bin/connhost ABI=1\.[0-9]*$" "$work/$name.cfg.log" ||
    fail "$name: find_package(connhost) did not set CONNHOST_EXECUTABLE=$prefix/bin/connhost and CONNHOST_ABI_VERSION"
  cmake --build "$work/$name/build" > "$work/$name.build.log" 2>&1 ||
    { cat "$work/$name.build.log"; fail "$name does not build"; }
  out=$("$prefix/bin/connhost" run --plugin "$work/$name/build/libsource_$name.so" read --config "$work/config.json" \
    --catalog "$work/catalog.json")
  grep -q "\"data\":{\"greeting\":\"$greeting\"}" <<< "$out" || fail "$name ran to: $out"
}
report='message(STATUS "CONNHOST_EXECUTABLE=${CONNHOST_EXECUTABLE} ABI=${CONNHOST_ABI_VERSION}")'

$snippet cpp '#include <connhost/sdk.hpp>' "$work/hello.cpp"
project cxx CXX "$work/hello.cpp" 'find_package(connhost REQUIRED)' "$report"
configure_and_run cxx hello
echo "ok: a C++ connector builds with find_package(connhost) from the prefix and runs on the prefix's connhost"

$snippet c '#include <connhost/plugin_api.h>' "$work/hello.c"
project c C "$work/hello.c" 'find_package(connhost REQUIRED)' "$report"
configure_and_run c "hello from C"
grep -q "CMAKE_CXX_COMPILER" "$work/c/build/CMakeCache.txt" && fail "project(c C) enabled C++"
echo "ok: a pure C connector builds in project(x C) with find_package(connhost), linking plugin_api alone"

# connhost_add_plugin() reached without find_package(connhost): the old README's include(ConnhostPlugin).
project nosdk CXX "$work/hello.cpp" "include($prefix/share/cmake/connhost/ConnhostPlugin.cmake)"
if cmake -S "$work/nosdk" -B "$work/nosdk/build" > "$work/nosdk.log" 2>&1; then
  fail "connhost_add_plugin() without find_package(connhost) configured (it must stop naming find_package)"
fi
error=$(tr -s ' \n' '  ' < "$work/nosdk.log")  # CMake wraps the message's lines
grep -q "connhost::sdk does not exist. Call find_package(connhost REQUIRED) before connhost_add_plugin()" <<< "$error" ||
  { cat "$work/nosdk.log"; fail "the missing-SDK error does not say to call find_package(connhost) first"; }
echo "ok: connhost_add_plugin() without find_package(connhost) stops, saying to call find_package(connhost) first"
