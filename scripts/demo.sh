#!/usr/bin/env bash
# The main job on the bundled example: set up and build, then compress the
# LeNet-5 float TOSA graph to a tenth of its float32 weight bytes with a
# mixed-precision plan chosen from Hessian sensitivity, print the plan, and
# compare float and compressed accuracy (1,000 MNIST test images).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
bin="$BUILD_DIR/bin"
out="$BUILD_DIR/examples"
mkdir -p "$out"

model=examples/lenet_mnist.tosa.mlir
ratio=${RATIO:-10}
data=(--input examples/mnist_test1000_x.npy --labels examples/mnist_test1000_y.npy)

echo "== compress-pipeline: $model -> $out/lenet.mp.mlir (compression-ratio=$ratio)"
"$bin/compress-opt" "$model" \
  --compress-pipeline="calibration=examples/mnist_calib256_x.npy compression-ratio=$ratio report=$out/lenet.mp.json plan-report=$out/lenet.plan.json pareto-svg=$out/lenet.pareto.svg" \
  -o "$out/lenet.mp.mlir"
python3 - "$out/lenet.mp.json" "$out/lenet.plan.json" <<'PY'
import json, sys
report, plan = (json.load(open(p)) for p in sys.argv[1:3])
print("weights: float32 %d bytes -> %d bytes (%.1fx smaller)" % (
    report["float_weight_bytes"], report["weight_bytes"],
    report["float_weight_bytes"] / report["weight_bytes"]))
sqnr = {l["name"]: l["sqnr_db"] for l in report["layers"]}
for layer in plan["plan"]["layers"]:
    print("  %-10s w%d/a%d  trace %.2e  Omega %.2e  SQNR %5.1f dB" % (
        layer["name"], layer["weight_bits"], layer["activation_bits"],
        layer["trace"], layer["omega"], sqnr[layer["name"]]))
fitting = [u for u in plan["uniform"] if u["fits"]]
if fitting:
    best = max(fitting, key=lambda u: u["weight_bits"])
    print("predicted error: plan %.3e, best uniform width that fits "
          "(w%d) %.3e" % (plan["plan"]["omega"], best["weight_bits"],
                          best["omega"]))
PY
echo "Pareto frontier: $out/lenet.pareto.svg"
echo "== float model, reference evaluator"
"$bin/compress-run" "$model" "${data[@]}" --backend reference
for backend in reference jit; do
  echo "== compressed model, backend $backend"
  "$bin/compress-run" "$out/lenet.mp.mlir" "${data[@]}" --backend "$backend"
done
