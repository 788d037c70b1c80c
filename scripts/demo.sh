#!/usr/bin/env bash
# The main job on the bundled example: set up and build, then compress the
# LeNet-5 float TOSA graph to an int8 integer program and compare float and
# int8 accuracy (1,000 MNIST test images) and weight size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
bin="$BUILD_DIR/bin"
out="$BUILD_DIR/examples"
mkdir -p "$out"

model=examples/lenet_mnist.tosa.mlir
data=(--input examples/mnist_test1000_x.npy --labels examples/mnist_test1000_y.npy)

echo "== compress-pipeline: $model -> $out/lenet.i8.mlir"
"$bin/compress-opt" "$model" \
  --compress-pipeline="calibration=examples/mnist_calib256_x.npy weight-bits=8 activation-bits=8 report=$out/lenet.i8.json" \
  -o "$out/lenet.i8.mlir"
python3 - "$out/lenet.i8.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("weights: float32 %d bytes -> int8 %d bytes (%.3fx)" % (
    r["float_weight_bytes"], r["weight_bytes"],
    r["weight_bytes"] / r["float_weight_bytes"]))
for layer in r["layers"]:
    print("  %-10s w%d/a%d  SQNR %5.1f dB" % (layer["name"], layer["weight_bits"],
          layer["activation_bits"], layer["sqnr_db"]))
PY
echo "== float model, reference evaluator"
"$bin/compress-run" "$model" "${data[@]}" --backend reference
for backend in reference jit; do
  echo "== int8 model, backend $backend"
  "$bin/compress-run" "$out/lenet.i8.mlir" "${data[@]}" --backend "$backend" --bench
done
