#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (instrumented with
# ASan and UBSan) against the libraries of the normal build, and runs each
# for SECONDS (default 10) on a seed corpus from the test files:
#   npy          .npy/.npz bytes -> parseNpy, parseNpz
#   onnx-import  ONNX bytes -> importOnnxModel
#   pipeline     MLIR text  -> parse, verify, compress-cleanup, export to TOSA
#   quantize     MLIR text  -> compress-pipeline on small float models,
#                              reference evaluator, QDQ ONNX and TOSA export
# A crash, hang, leak or sanitizer report fails the run and leaves the input
# in BUILD_DIR/fuzz/<target>/crash-*. Without a clang that has libFuzzer it
# prints "fuzz: skipped" and succeeds. `scripts/test.sh` runs it briefly;
# `bash scripts/fuzz.sh 600` is a longer run, `bash scripts/fuzz.sh 600
# quantize` one target's.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
targets=${2:-npy onnx-import pipeline quantize}
for name in $targets; do
  case $name in
    npy|onnx-import|pipeline|quantize) ;;
    *) echo "fuzz: no target '$name' (npy, onnx-import, pipeline, quantize)"; exit 1 ;;
  esac
done
BUILD_DIR=${BUILD_DIR:-build}
CXX=${FUZZ_CXX:-clang++}
out=$BUILD_DIR/fuzz

probe=$(mktemp --suffix=.cpp)
trap 'rm -f "$probe" "$probe.out"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }' > "$probe"
if ! command -v "$CXX" > /dev/null ||
   ! "$CXX" -fsanitize=fuzzer "$probe" -o "$probe.out" 2> /dev/null; then
  echo "fuzz: skipped (no clang with libFuzzer; install clang)"
  exit 0
fi

mkdir -p "$out/obj"
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined
       -Iinclude "-I$BUILD_DIR/include" -I/usr/lib/llvm-22/include
       -I/usr/include/x86_64-linux-gnu/openblas-pthread
       -DONNX_ML=1 -DONNX_NAMESPACE=onnx)
link=(-fsanitize=fuzzer,address,undefined -L/usr/lib/llvm-22/lib
      -Wl,-rpath,/usr/lib/llvm-22/lib)
# Compiles a source into $out/obj (again only when it changed).
compile() {
  local object="$out/obj/$(echo "$1" | tr / _).o"
  if [ ! -f "$object" ] || [ "$1" -nt "$object" ]; then
    "$CXX" "${flags[@]}" -c "$1" -o "$object" || return 1
  fi
  echo "$object"
}
objects() {
  local o
  for source in "$@"; do
    o=$(compile "$source") || return 1
    echo "$o"
  done
}

status=0
build() {
  local name=$1; shift
  echo "fuzz: building $name"
  "$CXX" "$@" -o "$out/$name-fuzzer" || { echo "fuzz: $name does not build"; status=1; return 1; }
}
npy=$(objects fuzz/NpyFuzzer.cpp lib/Support/Npy.cpp lib/Support/Tensor.cpp) &&
  build npy $npy "${link[@]}" -lMLIR -lLLVM -lzip
onnx=$(objects fuzz/OnnxImportFuzzer.cpp lib/Import/*.cpp) &&
  build onnx-import $onnx "${link[@]}" -lMLIR -lLLVM -lonnx -lonnx_proto -lprotobuf
# The pipeline target links the normal build's libraries (the harness is
# instrumented for coverage, the libraries for nothing but ASan's runtime).
libs=$(ninja -C "$BUILD_DIR" -t targets all 2> /dev/null |
       sed -n 's|^\(lib/libCompress[A-Za-z0-9]*\.a\): .*|'"$BUILD_DIR"'/\1|p' |
       grep -v TestPasses | sort -u)
for name in pipeline quantize; do
  source=fuzz/$(echo "${name^}")Fuzzer.cpp
  harness=$(objects "$source") &&
    build $name $harness -Wl,--start-group $libs -Wl,--end-group "${link[@]}" \
      -lMLIR -lLLVM -lzip -lglpk -lopenblas -lonnx -lonnx_proto -lprotobuf
done

# Seed corpora from the test files.
seed() { rm -rf "$out/$1/corpus"; mkdir -p "$out/$1/corpus"; }
seed npy
cp test/tools/compress-run/Inputs/*.npy test/Transforms/Inputs/*.npy "$out/npy/corpus/" 2> /dev/null
# Archives of those files, stored (np.savez) and deflated
# (np.savez_compressed).
python3 - "$out/npy/corpus" test/tools/compress-run/Inputs/{x_f32_2x4,x_f64_2x4,y_i64_2}.npy <<'PY'
import os, sys, zipfile
out, files = sys.argv[1], sys.argv[2:]
for name, method in (("stored.npz", zipfile.ZIP_STORED),
                     ("deflated.npz", zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile(os.path.join(out, name), "w", method) as archive:
        for f in files:
            archive.write(f, os.path.basename(f))
PY
seed onnx-import
for f in test/tools/compress-import-onnx/*.test; do
  awk -v dir="$out/onnx-import/corpus" -v base="$(basename "$f")" \
    '/^#--- /{file = dir "/" base "." $2; next} file {print > file}' "$f"
done
seed pipeline
for f in test/Transforms/*.mlir test/Conversion/*/*.mlir test/Dialect/*/*.mlir; do
  awk -v dir="$out/pipeline/corpus" -v base="$(basename "$f")" \
    'BEGIN {n = 0} /^\/\/ -----/ {n++; next} {print > (dir "/" base "." n)}' "$f"
done

seed quantize
cp "$out/pipeline/corpus/"* "$out/quantize/corpus/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0}
for name in $targets; do
  [ -x "$out/$name-fuzzer" ] || continue
  dir="$out/$name"
  if (cd "$dir" && "../$name-fuzzer" -max_total_time="$seconds" \
        -rss_limit_mb=4096 -timeout=20 corpus > log 2>&1); then
    echo "fuzz: $name ok ($(grep -o 'Done [0-9]* runs' "$dir/log" | tail -1))"
  else
    echo "fuzz: $name FAILED (see $dir/log)"
    tail -20 "$dir/log"
    status=1
  fi
done
exit $status
