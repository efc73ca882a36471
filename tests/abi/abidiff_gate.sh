#!/bin/sh
# abidiff_gate.sh ABIDW ABIDIFF LIBRARY BASELINE OUT
# Writes LIBRARY's ABI (from its DWARF) to OUT with abidw, then compares BASELINE with it using abidiff.
# Exit 0 only when abidiff finds no change at all; any difference, compatible or not, fails the gate.
set -u
abidw=$1 abidiff=$2 lib=$3 baseline=$4 out=$5

# No paths or line numbers in the record, so the baseline does not depend on where the tree is checked out.
if ! "$abidw" --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed --drop-undefined-syms --out-file "$out" "$lib"; then
    echo "abidiff gate: abidw could not read $lib (was it built with -g?)"
    exit 2
fi
"$abidiff" "$baseline" "$out"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo
    echo "abidiff gate: the ABI of plugin_api.h differs from $baseline (abidiff exit status $rc)."
    echo "If this change was not meant, undo it: released structs never change (DESIGN.md §2)."
    echo "If it is a deliberate minor-version growth (fields added at a struct's end, CONNHOST_ABI_MINOR bumped),"
    echo "review the report above, then commit the new baseline: cmake --build <build-dir> --target update_abi_baseline"
    exit 1
fi
echo "abidiff gate: plugin_api.h matches $baseline"
