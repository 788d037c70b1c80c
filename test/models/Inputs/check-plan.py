"""Checks a mixed-precision result: the compress-quantize report's weights
take at most 1/RATIO of the float32 bytes and no more than the plan's bytes
(fewer where weights with many zeros, such as ternary ones, are stored
sparse), every
quantized layer follows the plan, and the plan's predicted error is below
that of every uniform width that fits the same budget.
Usage: check-plan.py REPORT PLAN_REPORT RATIO"""
import json
import sys

report_path, plan_path, ratio = sys.argv[1:4]
report = json.load(open(report_path))
plan = json.load(open(plan_path))
smaller = report["float_weight_bytes"] / report["weight_bytes"]
print("float32 / compressed weight bytes: %.2f" % smaller)
assert smaller >= float(ratio), "weights too large: %.3f < %s" % (smaller, ratio)
assert report["weight_bytes"] <= plan["plan"]["bytes"], (
    report["weight_bytes"], plan["plan"]["bytes"])
assert report["float_weight_bytes"] == plan["budget"]["float_weight_bytes"]
chosen = {l["name"]: l for l in plan["plan"]["layers"]}
for layer in report["layers"]:
    want = chosen[layer["name"]]
    assert layer["weight_bits"] == want["weight_bits"], (layer, want)
    assert layer["activation_bits"] == want["activation_bits"], (layer, want)
    assert layer["rounding"] == "gptq", layer
fitting = [u for u in plan["uniform"] if u["fits"]]
for u in fitting:
    assert plan["plan"]["omega"] <= u["omega"], (plan["plan"]["omega"], u)
print("layers: %d, widths: %s" % (
    len(report["layers"]),
    ",".join(str(l["weight_bits"]) for l in plan["plan"]["layers"])))
