#!/usr/bin/env bash
# The main job on the bundled example: set up and build, clean up the LeNet
# graph, then run it on 1,000 MNIST test images with both backends.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
bin="$BUILD_DIR/bin"
out="$BUILD_DIR/examples"
mkdir -p "$out"

model=examples/lenet_mnist.tosa.mlir
data=(--input examples/mnist_test1000_x.npy --labels examples/mnist_test1000_y.npy)

echo "== graph cleanup: $model"
"$bin/compress-opt" --compress-cleanup --mlir-pass-statistics "$model" \
  -o "$out/lenet.clean.mlir" 2>&1 | grep -E "transposes|batch-norm|constants" || true
for backend in reference jit; do
  echo "== LeNet-5, cleaned up, backend $backend"
  "$bin/compress-run" "$out/lenet.clean.mlir" "${data[@]}" --backend "$backend" --bench
done
