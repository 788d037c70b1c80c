#!/usr/bin/env bash
# Builds everything and runs every test (lit suite and gtests) once, then
# the fuzz targets for a few seconds each (scripts/fuzz.sh, counted as one
# test); ends with the summary line "tests: N passed, N failed".
#
# --sanitize (or SANITIZE=1): the same in a separate build, build-sanitize,
# instrumented with AddressSanitizer and UndefinedBehaviorSanitizer (leak
# detection on). Run it after changes to the kernels or the readers.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  SANITIZE=1
fi
sanitizing=""
if [ -n "${SANITIZE:-}" ] && [ "${SANITIZE}" != 0 ]; then
  sanitizing=1
  export SANITIZE=ON BUILD_DIR=${BUILD_DIR:-build-sanitize}
  # Debian's libMLIR.so is not instrumented, and its inline bump allocator
  # poisons memory the instrumented code then reads: ASan's user poisoning
  # is turned off to avoid those false reports.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
bash scripts/setup.sh || exit 1
BUILD_DIR=${BUILD_DIR:-build}
ninja -C "$BUILD_DIR" ${NINJA_JOBS:+-j "$NINJA_JOBS"} all CompressUnitTests || exit 1

log="$BUILD_DIR/test-results.log"
/usr/lib/llvm-22/bin/lit -sv "$BUILD_DIR/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

count() { sed -nE "s/^ *$1 *: *([0-9]+).*/\1/p" "$log" | tail -n 1; }
passed=$(( $(count Passed || true) + 0 ))
failed=$(( $(count Failed || true) + 0 ))
xfail=$(( $(count "Expectedly Failed" || true) + 0 ))
unsupported=$(( $(count Unsupported || true) + 0 ))
passed=$(( passed + xfail ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# The fuzz targets, briefly (scripts/fuzz.sh; FUZZ_SECONDS per target).
if [ -z "$sanitizing" ]; then
  if bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}"; then
    passed=$(( passed + 1 ))
  else
    failed=$(( failed + 1 ))
    status=1
  fi
fi
echo "tests: $passed passed, $failed failed, $unsupported skipped"
exit "$status"
