#!/usr/bin/env python3
"""Checks the dynamic symbols and DT_NEEDED entries of connector libraries with readelf; exits 1 on any mismatch.

    check_elf.py --readelf READELF --exports SYM [--exports SYM...] [--needs LIB...] [--not-needs LIB...] FILE...

--exports: the defined dynamic symbols (functions and data) of each FILE are exactly these.
--needs / --not-needs: each FILE does / does not list LIB as DT_NEEDED.
"""
import argparse
import re
import subprocess
import sys


def readelf(tool, *args):
    return subprocess.run([tool, "-W", *args], check=True, capture_output=True, text=True).stdout


def defined_dynamic_symbols(tool, path):
    names = set()
    for line in readelf(tool, "--dyn-syms", path).splitlines():
        # Num: Value Size Type Bind Vis Ndx Name
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[3] in ("FUNC", "OBJECT", "IFUNC", "TLS") and f[6] != "UND":
            names.add(re.sub(r"@.*", "", f[7]))
    return names


def needed(tool, path):
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf(tool, "-d", path)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--readelf", required=True)
    p.add_argument("--exports", action="append", default=[])
    p.add_argument("--needs", action="append", default=[])
    p.add_argument("--not-needs", action="append", default=[])
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    problems = []
    for path in a.files:
        try:
            syms = defined_dynamic_symbols(a.readelf, path)
            libs = needed(a.readelf, path)
        except (OSError, subprocess.CalledProcessError) as e:
            problems.append(f"{path}: cannot read it with readelf: {e}")
            continue
        print(f"{path}: exports {sorted(syms)}; needs {sorted(libs)}")
        if a.exports and syms != set(a.exports):
            problems.append(f"{path} exports {sorted(syms)}, expected exactly {sorted(a.exports)}: build it with "
                            "connhost_add_plugin() (hidden visibility and a version script exporting only the entry)")
        for lib in a.needs:
            if lib not in libs:
                problems.append(f"{path} does not link {lib}")
        for lib in a.not_needs:
            if lib in libs:
                problems.append(f"{path} links {lib}, which it must not")
    for msg in problems:
        print("FAIL: " + msg)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
