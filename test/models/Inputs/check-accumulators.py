"""Summarises the accumulators of a compress-quantize report made with
accumulator-bits: every layer's proven bound must fit that many bits, and
what the report's samples produced must lie inside the bound. Prints the
width asked for, the widest proven and seen widths, and the layers."""
import json
import sys

report = json.load(open(sys.argv[1]))
bits = report["accumulator_bits"]
proven, seen = [], []
for layer in report["layers"]:
    acc = layer["accumulator"]
    lo, hi = acc["bound"]
    assert lo >= -(1 << (bits - 1)) and hi < (1 << (bits - 1)), layer
    assert acc["bits_proven"] <= bits, layer
    slo, shi = acc["seen"]
    assert lo <= slo and shi <= hi, layer
    proven.append(acc["bits_proven"])
    seen.append(acc["bits_seen"])
print(f"accumulator-bits: {bits}, layers: {len(proven)}, "
      f"proven: {max(proven)} bits at most, seen: {max(seen)} bits at most")
