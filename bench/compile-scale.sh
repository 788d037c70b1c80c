#!/usr/bin/env bash
# How compile time and memory grow with model size: the CIFAR ResNet-18
# family widened to each parameter count in SIZES (random weights, from
# bench/widened-resnet18.py), through compress-opt --compress-cleanup, the
# int8 compress-pipeline (with its JSON report) and the mixed-precision
# compress-pipeline (compression-ratio=8), calibrated on the shared CIFAR-10
# calibration images. Prints, per size, the wall seconds of each and the
# peak resident memory of the mixed pipeline, also as a multiple of the
# float32 weight bytes; then each column's growth exponent, the slope of
# log(value) against log(parameters) by least squares over the sizes from
# 2M parameters up.
#
#   bench/compile-scale.sh                 # SIZES="0.27M 2M 8M 25M"
#   SIZES="0.27M 2M" bench/compile-scale.sh
#
# The models are generated once into $BUILD_DIR/bench/scale (again when the
# generator is newer). SHARED (default ../shared) holds the calibration
# data. All four sizes take about 2 minutes on 2 cores; the mixed pipeline
# at 25M about 50 s (Emerald Rapids Xeon; 62 s on an AMD EPYC) and 0.8 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
opt=$build/bin/compress-opt
shared=${SHARED:-../shared}
sizes=${SIZES:-0.27M 2M 8M 25M}
calibration=$shared/data/cifar10_calib_x.npy
generator=bench/widened-resnet18.py
cache=$build/bench/scale

[ -x "$opt" ] || { echo "error: $opt not found; build it with: ninja -C $build compress-opt" >&2; exit 1; }
[ -f "$calibration" ] || { echo "error: $calibration not found; set SHARED to the shared data directory" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time not found (Debian package 'time')" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME COMMAND...: runs COMMAND, leaves "seconds peak_KiB" in
# $work/NAME.time; on failure shows the command's output and stops.
measure() {
  local name=$1
  shift
  if ! /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" \
      > "$work/$name.log" 2>&1; then
    echo "error: $name failed: $*" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
}

for size in $sizes; do
  model=$cache/widened-resnet18-$size.tosa.mlir
  if [ ! -s "$model" ] || [ "$generator" -nt "$model" ]; then
    echo "generating $model"
    python3 "$generator" --params "$size" -o "$model.tmp"
    mv "$model.tmp" "$model"
  fi
done

# The float work runs on OpenBLAS; which kernels it uses sets the pace.
"$opt" --version | sed -n 's/^ *OpenBLAS kernels: /OpenBLAS kernels: /p'
printf '%-6s %10s %10s %10s %9s %9s %14s %12s\n' size params "weight MiB" \
  "cleanup s" "int8 s" "mixed s" "mixed RSS MiB" "RSS/weights"
rows=$work/rows
: > "$rows"
for size in $sizes; do
  model=$cache/widened-resnet18-$size.tosa.mlir
  params=$(sed -n '2s/.*; \([0-9]*\) parameters\.$/\1/p' "$model")
  [ -n "$params" ] || { echo "error: no parameter count in $model" >&2; exit 1; }

  measure cleanup "$opt" "$model" --compress-cleanup -o "$work/clean.mlir"
  measure int8 "$opt" "$model" \
    --compress-pipeline="calibration=$calibration weight-bits=8 activation-bits=8 report=$work/int8.json" \
    -o "$work/int8.mlir"
  measure mixed "$opt" "$model" \
    --compress-pipeline="calibration=$calibration compression-ratio=8" \
    -o "$work/mixed.mlir"
  rm -f "$work"/*.mlir

  read -r cleanup_s _ < "$work/cleanup.time"
  read -r int8_s _ < "$work/int8.time"
  read -r mixed_s mixed_kib < "$work/mixed.time"
  echo "$size $params $cleanup_s $int8_s $mixed_s $mixed_kib" >> "$rows"
  awk -v size="$size" -v p="$params" -v c="$cleanup_s" -v i="$int8_s" \
      -v m="$mixed_s" -v k="$mixed_kib" 'BEGIN {
    weights = 4 * p
    printf "%-6s %10d %10.2f %10.2f %9.2f %9.2f %14.0f %12.1f\n", size, p,
      weights / 1048576, c, i, m, k / 1024, k * 1024 / weights
  }'
done

awk -v from=1500000 '
  $2 >= from {
    n++; x = log($2); sx += x; sxx += x * x; labels = labels " " $1
    for (c = 3; c <= 6; c++) { y = log($c > 0.01 ? $c : 0.01); sy[c] += y; sxy[c] += x * y }
  }
  END {
    if (n < 2) {
      print "growth exponents: need two sizes of at least 2M parameters"
      exit
    }
    d = n * sxx - sx * sx
    printf "growth exponents (slope of log value vs log params over%s):\n", labels
    split("cleanup int8 mixed mixed-RSS", names, " ")
    for (c = 3; c <= 6; c++)
      printf "  %-10s %.2f\n", names[c - 2], (n * sxy[c] - sx * sy[c]) / d
  }' "$rows"
