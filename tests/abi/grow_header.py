#!/usr/bin/env python3
"""grow_header.py IN OUT: writes OUT, plugin_api.h as a minor 1.1 would grow it, for the ctest abi.minor_* tests.

Every struct that starts with struct_size gets a test-only field `uint64_t connhost_test_1_1` at its end (tagged "since 1.1"), CONNHOST_ABI_MINOR
becomes 1, each struct gets a CONNHOST_<NAME>_SIZE_1_1 define, and the header's sizeof assertions move to the 1.1
sizes (the 1.0 sizes and their assertions stay). Fails, naming what it missed, when the header no longer has the
shape this relies on, so the tests built from OUT can never pass on an ungrown copy.
"""
import os
import re
import sys

FIELD = "    uint64_t connhost_test_1_1; /* since 1.1: test-only field of the grown header (tests/abi) */\n"


def grow(text):
    text, n = re.subn(r"^#define CONNHOST_ABI_MINOR 0$", "#define CONNHOST_ABI_MINOR 1", text, flags=re.M)
    if n != 1:
        sys.exit("grow_header.py: no '#define CONNHOST_ABI_MINOR 0' line")
    out, structs, current, first = [], [], None, None
    for line in text.splitlines(keepends=True):
        m = re.match(r"^(?:typedef )?struct (connhost_\w+) \{$", line)
        if m:
            current, first = m.group(1), None
        elif current and first is None and line.strip():
            first = line
        if current and re.match(r"^\}( connhost_\w+)?;$", line):
            # Only a struct that starts with struct_size grows: an array element (connhost_field) never changes.
            if re.match(r"^\s*uint32_t struct_size;", first or ""):
                out.append(FIELD)
                structs.append(current)
            current = None
        out.append(line)
    text = "".join(out)
    sizes = set(re.findall(r"^#define CONNHOST_(\w+)_SIZE_1_0 \d+$", text, flags=re.M))
    names = {s[len("connhost_"):].upper() for s in structs}
    if not structs or names != sizes:
        sys.exit(f"grow_header.py: structs {sorted(names)} do not match the SIZE_1_0 defines {sorted(sizes)}")
    defines = "".join(f"#define CONNHOST_{n}_SIZE_1_1 (CONNHOST_{n}_SIZE_1_0 + 8)\n" for n in sorted(names))
    text = text.replace("\n/* ---- layout gates", "\n" + defines + "\n/* ---- layout gates", 1)
    for s in structs:
        n = s[len("connhost_"):].upper()
        old = f"CONNHOST_ASSERT_SIZE({s}, CONNHOST_{n}_SIZE_1_0);"
        if old not in text:
            sys.exit(f"grow_header.py: no '{old}' line")
        text = text.replace(old, f"CONNHOST_ASSERT_SIZE({s}, CONNHOST_{n}_SIZE_1_1);\n"
                                 f"CONNHOST_ASSERT_ENDS_AT({s}, connhost_test_1_1, CONNHOST_{n}_SIZE_1_1);")
    return text


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        text = grow(f.read())
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
