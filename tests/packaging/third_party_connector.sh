#!/usr/bin/env bash
# Usage: third_party_connector.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/test_env.sh"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"

# The README's example connector and its CMakeLists.txt, taken from the README so the README cannot drift from what
# builds: the CMake snippet is a whole project that must work out of tree exactly as written.
mkdir -p "$work/hello"
$snippet cpp '#include <connhost/sdk.hpp>' "$work/hello/hello.cpp"
$snippet cmake 'cmake_minimum_required' "$work/hello/CMakeLists.txt"
cmake -S "$work/hello" -B "$work/hello/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_INSTALL_PREFIX="$work/prefix" > "$work/cfg.log"
cmake --build "$work/hello/build" > "$work/build.log"
cmake --install "$work/hello/build" > /dev/null

out=$("$work/prefix/bin/connhost" run --plugin source_hello read --config "$work/config.json" --catalog "$work/catalog.json")
n=$(grep -c '"data":{"greeting":"hello"}' <<< "$out")
[ "$n" = 3 ] || { echo "FAIL: expected 3 hello records from the installed connector, got:"; echo "$out"; exit 1; }
echo "ok: the README connector, built against the installed SDK, ran under the installed host"

"$work/prefix/bin/connhost" plugins | grep -q "source_hello .*source" || { echo "FAIL: connhost plugins does not list it"; exit 1; }
echo "ok: connhost plugins lists it from the install's plugin directory"

# A plain C connector needs only the header, found through pkg-config.
cflags=$(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags connhost-plugin-api)
printf '#include <connhost/plugin_api.h>\nint main(void){return CONNHOST_ABI_MAJOR == 1 ? 0 : 1;}\n' > "$work/c.c"
gcc -std=c99 -pedantic -Werror $cflags "$work/c.c" -o "$work/c" && "$work/c"
echo "ok: pkg-config connhost-plugin-api gives the header to a C compiler"

# The README's plain C connector, built with the header alone and run by the installed host.
$snippet c '#include <connhost/plugin_api.h>' "$work/hello.c"
gcc -std=c99 -pedantic -Wall -Wextra -Werror -shared -fPIC $cflags "$work/hello.c" -o "$work/libsource_hello_c.so"
out=$("$work/prefix/bin/connhost" run --plugin "$work/libsource_hello_c.so" read --config "$work/config.json" --catalog "$work/catalog.json")
grep -q '"stream":"hello","data":{"greeting":"hello from C"}' <<< "$out" || { echo "FAIL: the README's C connector gave:"; echo "$out"; exit 1; }
echo "ok: the README's plain C connector builds with -std=c99 -pedantic -Werror and runs"
