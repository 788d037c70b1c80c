"""Checks a compress-quantize report: the integer weights take at most
RATIO times the float32 bytes, and every layer has the expected bit widths
and an SQNR above MIN_DB. Usage: check-report.py REPORT RATIO BITS MIN_DB"""
import json
import sys

report_path, ratio, bits, min_db = sys.argv[1:5]
report = json.load(open(report_path))
size = report["weight_bytes"] / report["float_weight_bytes"]
print("weight_bytes / float_weight_bytes: %.4f" % size)
assert size <= float(ratio), "weights too large: %.4f > %s" % (size, ratio)
assert report["layers"], "no quantized layer"
for layer in report["layers"]:
    assert layer["weight_bits"] == int(bits), layer
    assert layer["activation_bits"] == int(bits), layer
    sqnr = layer["sqnr_db"]
    assert sqnr is None or sqnr >= float(min_db), layer
print("layers: %d, left float: %d" % (len(report["layers"]),
                                      len(report["left_float"])))
