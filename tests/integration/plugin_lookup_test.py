#!/usr/bin/env python3
"""Plugin lookup (issue 11): `--plugin NAME` finds a plugin by the name in its descriptor as well as by its file name;
two plugins of one name are both listed with a warning saying which one lookup uses (search-path order, then file
name), and lookup warns the same way; a descriptor with an invalid name or an empty version is refused at load, so
`run`, `sync` and `plugins` all refuse it.

Usage: plugin_lookup_test.py CASE   (CONNHOST names the binary, CONNHOST_LOOKUP_PLUGIN_DIR the test plugins).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from case_runner import check, run_case  # noqa: E402

CONNHOST = os.environ.get("CONNHOST", "build/bin/connhost")
DIR = os.environ.get("CONNHOST_LOOKUP_PLUGIN_DIR", "build/lookup-plugins")
FIRST, SECOND, BAD = (os.path.join(DIR, d) for d in ("first", "second", "bad"))


def connhost(*args):
    return subprocess.run([CONNHOST, *args], capture_output=True, text=True)


def spec(name, *dirs, isolate=False):
    args = ["run", "--plugin", name]
    for d in dirs:
        args += ["--plugin-dir", d]
    return connhost(*args, *(["--isolate"] if isolate else []), "--log-format", "text", "spec")


def case_found_by_descriptor_name():
    r = spec("weather", FIRST, SECOND)
    check(r.returncode == 0, f"--plugin weather runs (rc {r.returncode}, {r.stderr.strip()[-300:]})")
    check("connhost.invalid/source_weather_v2" in r.stdout, "libsource_weather_v2.so, whose descriptor says weather")


def case_found_by_descriptor_name_isolated():
    r = spec("weather", FIRST, SECOND, isolate=True)
    check(r.returncode == 0 and "connhost.invalid/source_weather_v2" in r.stdout,
          f"--isolate finds it by descriptor name too (rc {r.returncode}, {r.stderr.strip()[-300:]})")


def case_file_name_still_wins():
    r = spec("source_weather_v2", FIRST, SECOND)
    check(r.returncode == 0 and "connhost.invalid/source_weather_v2" in r.stdout, "found by its file name")


def case_duplicate_names_listed_with_winner():
    r = connhost("plugins", "--plugin-dir", FIRST, "--plugin-dir", SECOND)
    check(r.returncode == 0, "connhost plugins runs")
    rows = [line for line in r.stdout.splitlines() if line.startswith("twin ")]
    check(len(rows) == 2, f"both plugins named twin are listed: {rows}")
    warning = [line for line in r.stdout.splitlines() if 'named "twin"' in line]
    check(len(warning) == 1, f"one warning names the duplicate: {r.stdout}")
    check(warning[0].rstrip().endswith(os.path.join(FIRST, "libtwin_b.so")),
          f"and says --plugin twin uses the first directory's, whatever the file names: {warning[0]}")


def case_duplicate_name_lookup_warns():
    r = spec("twin", FIRST, SECOND)
    check(r.returncode == 0 and "connhost.invalid/twin_b" in r.stdout, "the plugin of the first directory answers")
    check('2 plugins are named "twin"' in r.stderr and "using " + os.path.join(FIRST, "libtwin_b.so") in r.stderr,
          f"a warning says which plugins share the name and which one is used: {r.stderr.strip()}")


def case_same_dir_twice_is_one_place():
    """A directory on the search path twice (CONNHOST_PLUGIN_PATH naming it again) holds one plugin, not two."""
    r = subprocess.run([CONNHOST, "run", "--plugin", "libsource_weather_v2.so", "--plugin-dir", FIRST, "--plugin-dir", FIRST + "/",
                        "--log-format", "text", "spec"], capture_output=True, text=True,
                       env=dict(os.environ, CONNHOST_PLUGIN_PATH=FIRST))
    check(r.returncode == 0, f"the plugin answers: {r.stderr.strip()[-300:]}")
    check("matches" not in r.stderr and "are named" not in r.stderr, f"no duplicate warning: {r.stderr.strip()}")


def refused(path, why):
    r = spec(path)
    check(r.returncode != 0, f"run refuses {os.path.basename(path)}")
    check(why in r.stderr, f"saying {why!r}: {r.stderr.strip()[-400:]}")
    r = connhost("plugins", "--plugin-dir", BAD)
    line = [line for line in r.stdout.splitlines() if line.strip().startswith(path + ":")]
    check(len(line) == 1 and why in line[0], f"plugins lists it as skipped, saying why: {r.stdout}")
    r = connhost("sync", "--source", path, "--source-config", os.devnull, "--destination", "dest_null",
                 "--destination-config", os.devnull)
    check(r.returncode != 0 and why in r.stderr, f"sync refuses it: {r.stderr.strip()[-300:]}")


def case_invalid_name_refused():
    refused(os.path.join(BAD, "libbad_name.so"), 'descriptor name "Bad-Name" is invalid')


def case_empty_version_refused():
    refused(os.path.join(BAD, "libno_version.so"), "empty version")


if __name__ == "__main__":
    run_case(globals())
