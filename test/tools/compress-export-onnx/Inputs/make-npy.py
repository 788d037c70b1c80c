"""Writes a float32 .npy of the given shape with values uniform in [-1, 1)
from a fixed linear congruential generator (no numpy needed).

Usage: make-npy.py OUT.npy SEED DIM [DIM ...]
"""
import struct
import sys

path, seed, dims = sys.argv[1], int(sys.argv[2]), [int(d) for d in sys.argv[3:]]
count = 1
for d in dims:
    count *= d
state = seed
values = []
for _ in range(count):
    state = (state * 1103515245 + 12345) % 2**31
    values.append(state / 2**30 - 1.0)
shape = "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"
header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
    f.write(header.encode("latin1"))
    f.write(struct.pack("<%df" % count, *values))
