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

count_ops() { grep -oE '[" ]tosa\.[a-z_0-9]+' "$1" | tr -d ' "' | sort | uniq -c | sort -rn | tr -s ' ' | paste -sd, -; }
echo "== graph cleanup: $model"
echo "before:$(count_ops "$model")"
"$bin/compress-opt" --compress-cleanup "$model" -o "$out/lenet.clean.mlir"
echo "after: $(count_ops "$out/lenet.clean.mlir")"
for backend in reference jit; do
  echo "== LeNet-5, cleaned up, backend $backend"
  "$bin/compress-run" "$out/lenet.clean.mlir" "${data[@]}" --backend "$backend" --bench
done
