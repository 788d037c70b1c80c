#!/usr/bin/env bash
# JIT latency of a model in float and compressed to int8 with
# compress-pipeline, measured by compress-run --bench in the same script;
# prints both medians and their ratio. Defaults to the bundled LeNet-5;
# pass MODEL CALIBRATION INPUT to measure another model, e.g. ResNet-20:
#   bench/int8-vs-float.sh ../shared/models/resnet20_cifar10.tosa.mlir \
#     ../shared/data/cifar10_calib_x.npy ../shared/data/cifar10_test932_x.npy
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BUILD_DIR:-build}/bin
model=${1:-examples/lenet_mnist.tosa.mlir}
calibration=${2:-examples/mnist_calib256_x.npy}
input=${3:-examples/mnist_test1000_x.npy}
limit=${LIMIT:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/compress-opt" "$model" --compress-pipeline="calibration=$calibration" \
  -o "$work/int8.mlir"
latency() {
  "$bin/compress-run" "$1" --input "$input" --limit "$limit" --backend jit \
    --bench | sed -n 's/^latency_ms: //p'
}
float_ms=$(latency "$model")
int8_ms=$(latency "$work/int8.mlir")
echo "model: $model ($limit samples, JIT, median per sample)"
echo "float32: $float_ms ms"
echo "int8:    $int8_ms ms"
awk -v f="$float_ms" -v q="$int8_ms" \
  'BEGIN { printf "int8/float32 latency ratio: %.2f\n", q / f }'
