#!/usr/bin/env python3
"""Lists every C/C++ function longer than LIMIT lines (default 80) under the given folders (default: host sdk
plugins plugin-api), longest first, and exits 1 when there is one. Function extents come from universal-ctags.
Usage: tools/function_length.py [LIMIT] [FOLDER...]   (run from the repository root; ctest style.function_length)"""
import json, subprocess, sys
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
dirs = sys.argv[2:] or ["host", "sdk", "plugins", "plugin-api"]
out = subprocess.run(["ctags", "-R", "--languages=C,C++", "--kinds-C=f", "--kinds-C++=f", "--fields=+ne",
                      "--output-format=json", "-o", "-", *dirs], capture_output=True, text=True, check=True).stdout
bad = []
for line in out.splitlines():
    t = json.loads(line)
    if t.get("kind") != "function" or "end" not in t: continue
    n = t["end"] - t["line"] + 1
    if n > limit: bad.append((n, t["path"], t["line"], t.get("scope", "") + "::" + t["name"]))
for n, p, l, name in sorted(bad, reverse=True): print(f"{n:4d} {p}:{l} {name}")
sys.exit(1 if bad else 0)
