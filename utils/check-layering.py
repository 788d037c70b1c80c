#!/usr/bin/env python3
"""Checks that compress's folders depend on each other one way only.

Each folder of lib/ (and its public headers under include/compress/) sits
on a floor; a source may include compress headers from its own floor or
below, never from above:

    Support <- Import (ONNX) <- Dialect <- Evaluator <- Analysis
            <- Transforms <- Conversion <- Export (ONNX) <- Pipelines
            <- Registration (InitAll) <- Runtime

Tools, benchmarks and tests sit above everything and are not checked.
Prints one line per forbidden include and exits with 1 if there is any.

Usage: check-layering.py SOURCE_ROOT
"""

import os
import re
import sys

FLOORS = ["Support", "Import", "Dialect", "Evaluator", "Analysis",
          "Transforms", "Conversion", "Export", "Pipelines", "InitAll",
          "Runtime"]
RANK = {name: i for i, name in enumerate(FLOORS)}
# C++ `#include` and TableGen `include`.
INCLUDE = re.compile(r'^\s*#?\s*include\s+"compress/([^"]+)"')


def floor_of(relative):
    """The floor of a path relative to lib/ or include/compress/."""
    first = relative.split("/")[0]
    if first in ("InitAll.h", "InitAll.cpp"):
        return "InitAll"
    return first if first in RANK else None


def main(root):
    errors = []
    for base in ("lib", os.path.join("include", "compress")):
        top = os.path.join(root, base)
        for directory, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp", ".td")):
                    continue
                path = os.path.join(directory, name)
                source = floor_of(os.path.relpath(path, top))
                if source is None:
                    errors.append(f"{os.path.relpath(path, root)}: not in a "
                                  f"known folder ({', '.join(FLOORS)})")
                    continue
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        target = floor_of(match.group(1))
                        if target is None or RANK[target] <= RANK[source]:
                            continue
                        errors.append(
                            f"{os.path.relpath(path, root)}:{number}: "
                            f"{source} includes compress/{match.group(1)} "
                            f"from {target}, a floor above it")
    for error in errors:
        print(error)
    if errors:
        print(f"layering: {len(errors)} forbidden include(s); floors from "
              f"the ground up: {' <- '.join(FLOORS)}")
        return 1
    print("layering: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
