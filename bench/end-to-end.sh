#!/usr/bin/env bash
# End-to-end latency, batch 1, one thread: the shared ResNet-20 and LeNet-5
# in float, int8 and mixed precision (compression-ratio=8), JIT-compiled by
# compress (compress-run --bench, median per sample), against ONNX Runtime
# fp32 on the same models' .onnx files and ONNX Runtime int8 on our int8
# program exported as QDQ ONNX (compress-export-onnx) in the same script;
# prints every median and the ratios, and the time compress-lower-to-llvm
# takes on the int8 ResNet-20.
#
#   bench/end-to-end.sh            # SHARED=../shared, LIMIT=300 samples
#
# ONNX Runtime comes from npm (onnxruntime-node, which scripts/setup.sh
# installs with --ignore-scripts under the build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
bin=$build/bin
shared=${SHARED:-../shared}
limit=${LIMIT:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# scripts/setup.sh installs onnxruntime-node under the build directory.
node_dir=$build/node
if [ ! -d "$node_dir/node_modules/onnxruntime-node" ]; then
  echo "onnxruntime-node is missing: run scripts/setup.sh" >&2
  exit 1
fi
export NODE_PATH=$node_dir/node_modules

ms() { sed -n 's/^latency_ms: //p'; }
compress_ms() {
  "$bin/compress-run" "$1" --input "$2" --limit "$limit" --backend jit --bench | ms
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Latency depends on the CPU: name it (Linux).
sed -n '/^model name/{s/^model name\s*: /CPU: /p;q}' /proc/cpuinfo 2>/dev/null || true
printf '%-10s %-7s %12s %14s\n' model variant compress_ms "vs ORT fp32"
run_model() {
  local name=$1 calibration=$2 input=$3
  local model=$shared/models/$name.tosa.mlir onnx=$shared/models/$name.onnx
  "$bin/compress-opt" "$model" \
    --compress-pipeline="calibration=$calibration" -o "$work/$name.i8.mlir"
  "$bin/compress-opt" "$model" \
    --compress-pipeline="calibration=$calibration compression-ratio=8" \
    -o "$work/$name.mp.mlir"
  "$bin/compress-export-onnx" "$work/$name.i8.mlir" -o "$work/$name.i8.onnx"
  local ort ort8 float int8 mixed
  ort=$(node bench/ort-latency.mjs "$onnx" "$input" "$limit" | ms)
  ort8=$(node bench/ort-latency.mjs "$work/$name.i8.onnx" "$input" "$limit" | ms)
  float=$(compress_ms "$model" "$input")
  int8=$(compress_ms "$work/$name.i8.mlir" "$input")
  mixed=$(compress_ms "$work/$name.mp.mlir" "$input")
  printf '%-10s %-7s %12s\n' "$name" "ORT" "$ort (onnxruntime-node fp32, 1 thread)"
  printf '%-10s %-7s %12s %13sx   (ONNX Runtime int8: our int8 program as QDQ ONNX)\n' \
    "$name" "ORT int8" "$ort8" "$(ratio "$ort8" "$ort")"
  printf '%-10s %-7s %12s %13sx\n' "$name" float "$float" "$(ratio "$float" "$ort")"
  printf '%-10s %-7s %12s %13sx   (%sx ORT int8)\n' "$name" int8 "$int8" \
    "$(ratio "$int8" "$ort")" "$(ratio "$int8" "$ort8")"
  printf '%-10s %-7s %12s %13sx   (%sx int8)\n' "$name" mixed "$mixed" \
    "$(ratio "$mixed" "$ort")" "$(ratio "$mixed" "$int8")"
}
run_model resnet20_cifar10 "$shared/data/cifar10_calib_x.npy" \
  "$shared/data/cifar10_test932_x.npy"
run_model lenet_mnist "$shared/data/mnist_calib_x.npy" \
  "$shared/data/mnist_test_x.npy"

start=$(date +%s.%N)
"$bin/compress-opt" "$work/resnet20_cifar10.i8.mlir" \
  --compress-lower-to-llvm="kernels=x86-vnni" -o "$work/r20.llvm.mlir"
stop=$(date +%s.%N)
awk -v a="$start" -v b="$stop" \
  'BEGIN { printf "compress-lower-to-llvm (kernels=x86-vnni), int8 ResNet-20: %.2f s\n", b - a }'
