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

# A project whose test folder, configured before its connectors, compiles with flags of its own: the shipped
# connector's Boost.JSON (connhost_boost_json_library) must not take them. Checked from the configured build: the
# Boost.JSON library on the shipped connector's link line, and that library's compile command.
mkdir -p "$work/flags/tests" "$work/flags/src"
cp "$work/hello.cpp" "$work/flags/tests/" && cp "$work/hello.cpp" "$work/flags/src/"
printf '%s\n' "cmake_minimum_required(VERSION 3.22)" "project(flags CXX)" "find_package(connhost REQUIRED)" \
  "add_subdirectory(tests)" "add_subdirectory(src)" > "$work/flags/CMakeLists.txt"
printf '%s\n' "add_compile_options(-DCONNHOST_TEST_FOLDER_ONLY)" \
  "connhost_add_plugin(source_test_copy SOURCES hello.cpp)" > "$work/flags/tests/CMakeLists.txt"
echo "connhost_add_plugin(source_shipped SOURCES hello.cpp)" > "$work/flags/src/CMakeLists.txt"
cmake -S "$work/flags" -B "$work/flags/build" -G "Unix Makefiles" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > "$work/flags.cfg.log" 2>&1 ||
  { cat "$work/flags.cfg.log"; fail "the project with a test folder does not configure"; }
python3 - "$work/flags/build" <<'PY' || fail "the test folder's flags reached the shipped connector's Boost.JSON"
import json, re, sys
build = sys.argv[1]
link = open(build + "/src/CMakeFiles/source_shipped.dir/link.txt").read()
libs = re.findall(r"lib(connhost_sdk_boost_json\w*)\.a", link)
if len(libs) != 1:
    sys.exit("source_shipped links %d Boost.JSON libraries: %s" % (len(libs), link))
for entry in json.load(open(build + "/compile_commands.json")):
    if "CMakeFiles/%s.dir/" % libs[0] in entry.get("output", "") + " " + entry["command"]:
        if "CONNHOST_TEST_FOLDER_ONLY" in entry["command"]:
            sys.exit("%s is compiled with the test folder's flag: %s" % (libs[0], entry["command"]))
        sys.exit(0)
sys.exit("no compile command for " + libs[0])
PY
echo "ok: a test folder's compile flags do not reach the Boost.JSON of the project's other connectors"
