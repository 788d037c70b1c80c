#!/usr/bin/env bash
# Checks the sensitivity model against measured accuracy: for every layer,
# the predicted error of 2-bit weights (Omega_i(2) = trace * ||Q_2(W)-W||^2,
# from compress-plan's report) against the measured top-1 drop when only
# that layer's weights are quantized to 2 bits and everything else stays
# float (compress-fake-quantize). Prints the table and Spearman's rank
# correlation. Defaults to ResNet-20 on ../shared; arguments:
#   MODEL CALIBRATION TEST_X TEST_Y [SENSITIVITY]   (fisher, hutchinson, ...)
# and the environment: BITS (2), CLIP (max or mse), SAMPLES (256).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BUILD_DIR:-build}/bin
model=${1:-../shared/models/resnet20_cifar10.tosa.mlir}
calibration=${2:-../shared/data/cifar10_calib_x.npy}
test_x=${3:-../shared/data/cifar10_test932_x.npy}
test_y=${4:-../shared/data/cifar10_test932_y.npy}
method=${5:-fisher}
bits=${BITS:-2}
clip=${CLIP:-max}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

top1() {
  "$bin/compress-run" "$1" --input "$test_x" --labels "$test_y" \
    --backend reference | sed -n 's/^top1: //p'
}

"$bin/compress-opt" "$model" --compress-cleanup -o "$work/float.mlir"
start=$(date +%s.%N)
"$bin/compress-opt" "$work/float.mlir" \
  --compress-calibrate="calibration=$calibration method=mse" \
  --compress-sensitivity="method=$method calibration=$calibration samples=${SAMPLES:-256}" \
  --compress-plan="weight-bits=$bits,8 compression-ratio=1 weight-clip=$clip report=$work/plan.json" \
  -o /dev/null 2>"$work/plan.log" || { cat "$work/plan.log" >&2; exit 1; }
end=$(date +%s.%N)
float_top1=$(top1 "$work/float.mlir")
echo "model: $model, sensitivity: $method (${SAMPLES:-256} samples, $(
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s with planning)"
echo "float top1: $float_top1"

layers=$(python3 -c 'import json,sys
print(" ".join(l["name"] for l in json.load(open(sys.argv[1]))["plan"]["layers"]))' \
  "$work/plan.json")
: > "$work/drops.txt"
for layer in $layers; do
  "$bin/compress-opt" "$work/float.mlir" \
    --compress-fake-quantize="layers=$layer bits=$bits weight-clip=$clip" \
    -o "$work/one.mlir"
  echo "$layer $(top1 "$work/one.mlir")" >> "$work/drops.txt"
done

python3 - "$work/plan.json" "$work/drops.txt" "$float_top1" "$bits" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
measured = dict(line.split() for line in open(sys.argv[2]))
float_top1, bits = float(sys.argv[3]), int(sys.argv[4])
rows = []
for layer in plan["plan"]["layers"]:
    omega = next(o["weight_omega"] for o in layer["options"]
                 if o["weight_bits"] == bits)
    rows.append((layer["name"], layer["trace"], omega,
                 float_top1 - float(measured[layer["name"]])))

def ranks(values):
    # Average ranks for ties, as Spearman's rho needs.
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r

def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a) ** 0.5
    vb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (va * vb)

print(f"{'layer':<20}{'trace':>12}{'Omega(%d)' % bits:>14}{'top1 drop':>12}")
for name, trace, omega, drop in rows:
    print(f"{name:<20}{trace:>12.3e}{omega:>14.3e}{drop:>12.4f}")
rho = pearson(ranks([r[2] for r in rows]), ranks([r[3] for r in rows]))
print(f"spearman(Omega_i({bits}), top1 drop): {rho:.3f}")
PY
