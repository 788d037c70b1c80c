"""Summarises a compress-narrow-accumulators report: how many accumulators
it proved, how many it narrowed, and the range of the widths they got."""
import json
import sys

with open(sys.argv[1]) as f:
    accumulators = json.load(f)["accumulators"]
narrowed = [a for a in accumulators if a["type_after"] != a["type_before"]]
bits = [a["bits_needed"] for a in accumulators]
proven = [a for a in accumulators if a["proven"]]
print(f"accumulators: {len(accumulators)}, proven: {len(proven)}, "
      f"narrowed: {len(narrowed)}, bits: {min(bits)}..{max(bits)}")
