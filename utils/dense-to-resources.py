#!/usr/bin/env python3
"""Rewrites the hex float32 constants of an MLIR text file as dense_resource
blobs, the form torch-mlir's FX importer gives a model's parameters.

    python3 utils/dense-to-resources.py IN.mlir OUT.mlir

Every `dense<"0x...">` attribute of a tensor<...xf32> type (how MLIR prints
dense elements larger than a few values) becomes `dense_resource<wN>`, and
the blobs are appended in a `dialect_resources` section. The elements are
unchanged: compress reads both forms the same way, which the
resource-weights lit test checks. `compress-opt --emit-bytecode` turns the
result into MLIR bytecode, from which compress reads the blobs in place.
"""

import re
import sys

HEX_F32 = re.compile(r'dense<"0x([0-9A-Fa-f]+)">(\s*:\s*tensor<[0-9x]+xf32>)')


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: dense-to-resources.py IN.mlir OUT.mlir")
    with open(sys.argv[1]) as f:
        text = f.read()
    if "{-#" in text:
        sys.exit("error: %s already has a resource section" % sys.argv[1])
    blobs = []

    def to_resource(match):
        name = "w%d" % len(blobs)
        blobs.append((name, match.group(1)))
        return "dense_resource<%s>%s" % (name, match.group(2))

    text = HEX_F32.sub(to_resource, text)
    with open(sys.argv[2], "w") as f:
        f.write(text)
        if blobs:
            # A blob is its alignment (4, little-endian u32), then its bytes.
            f.write("\n{-#\n  dialect_resources: {\n    builtin: {\n")
            f.write(",\n".join('      %s: "0x04000000%s"' % blob
                               for blob in blobs))
            f.write("\n    }\n  }\n#-}\n")


if __name__ == "__main__":
    main()
