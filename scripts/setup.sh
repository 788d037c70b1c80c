#!/usr/bin/env bash
# Installs the Debian packages compress needs and builds it in ./build.
# Safe to run again: installs only what is missing, rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config python3
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libgtest-dev libzip-dev libglpk-dev libeigen3-dev libopenblas-dev libdnnl-dev
  libonnx-dev libprotobuf-dev
  clang libclang-rt-14-dev
  nodejs
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ships with some nodejs packages and separately with Debian's.
if ! command -v npm > /dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends npm >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
# ONNX Runtime (npm's onnxruntime-node, prebuilt; install scripts are not
# run) runs exported QDQ models in the tests and fp32/int8 models in
# bench/end-to-end.sh.
ort_version=${ORT_VERSION:-1.30}
node_dir=$BUILD_DIR/node
if [ ! -d "$node_dir/node_modules/onnxruntime-node" ]; then
  echo "setup: installing onnxruntime-node@$ort_version (npm, --ignore-scripts)"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --ignore-scripts --no-audit --no-fund \
    "onnxruntime-node@$ort_version" > "$node_dir/npm.log" 2>&1 \
    || { cat "$node_dir/npm.log"; exit 1; }
fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
    -DCOMPRESS_SANITIZE="${SANITIZE:-OFF}"
fi
ninja -C "$BUILD_DIR" ${NINJA_JOBS:+-j "$NINJA_JOBS"} compress-opt compress-run
