#!/usr/bin/env python3
"""Checks that docs/README.md has a table row for every pass and pipeline
that compress-opt registers.

Usage: check_readme_lists_passes.py HELP.txt README.md

HELP.txt is the output of `compress-opt --help`. Its flags named
`--compress-*`, `--convert-qint-*` and `--qint-*` are compress's passes and
pipelines (upstream MLIR registers none with these prefixes); each must
start a row of a README table as `` | `flag` | ``. Prints one line per
missing flag and exits with 1 if there is any.
"""

import re
import sys

FLAG = re.compile(r"^\s+--((?:compress|convert-qint|qint)-[a-z0-9-]+)\b")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    help_path, readme_path = argv[1], argv[2]
    with open(help_path, encoding="utf-8") as f:
        flags = sorted({m.group(1) for m in map(FLAG.match, f) if m})
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    if not flags:
        print(f"{help_path}: no compress pass or pipeline found")
        return 1
    missing = [
        flag for flag in flags
        if not re.search(r"^\|\s*`" + re.escape(flag) + r"`\s*\|", readme,
                         re.MULTILINE)
    ]
    for flag in missing:
        print(f"{readme_path}: no row for --{flag}, which compress-opt "
              f"registers")
    if not missing:
        print(f"{len(flags)} passes and pipelines listed")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
