// RUN: compress-opt %s --compress-quantize="accumulator-bits=12 calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy report=%t.json" | FileCheck %s
// RUN: compress-opt %s --compress-quantize="accumulator-bits=12 calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy" | compress-opt --compress-narrow-accumulators="accumulator-bits=12" | FileCheck %s --check-prefix=PROVEN
// RUN: compress-opt %s --compress-quantize="accumulator-bits=12 rounding=gptq gptq-samples=128 calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy" | compress-opt --compress-narrow-accumulators="accumulator-bits=12" | FileCheck %s --check-prefix=GPTQ
// RUN: FileCheck %s --input-file=%t.json --check-prefix=REPORT
// RUN: compress-opt %s --compress-quantize="calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy" | not compress-opt --compress-narrow-accumulators="accumulator-bits=12" 2>&1 | FileCheck %s --check-prefix=UNCONSTRAINED

/// Inputs in [-3, 3] quantize with zero point -1 (scale 6 / 255), so each
/// term x - zp lies in [-127, 128]. The weights round to 10, 10 and 127
/// scale steps: the accumulator spans [-147 * 127, 147 * 128], 16 bits.
/// With accumulator-bits=12 ([-2048, 2047]) the scale grows until the
/// weights fit: 1, 1 and 13 steps, [-15 * 127, 15 * 128].
// CHECK-LABEL: func @equal_inputs
// CHECK: qint.weights {axis = 2 : i64, bits = 8 : i64
// CHECK-SAME: values = dense<{{\[\[\[}}1], [1], [13]]]> : tensor<1x3x1xi8>
// CHECK: qint.matmul {{.*}} -> tensor<1x4x1xi32>

/// compress-narrow-accumulators proves it and types the accumulator i12.
// PROVEN: qint.matmul {{.*}} -> tensor<1x4x1xi12>

/// GPTQ rounds on the same scale, each weight clipped to the room left.
// GPTQ: qint.weights {axis = 2 : i64, bits = 8 : i64
// GPTQ: qint.matmul {{.*}} -> tensor<1x4x1xi12>

// REPORT: "accumulator_bits": 12,
// REPORT: "accumulator": {
// REPORT-NEXT: "bits_proven": 12,
// REPORT-NEXT: "bits_seen":
// REPORT-NEXT: "bound": [
// REPORT-NEXT:   -1905,
// REPORT-NEXT:   1920

/// Without the constraint the same layer needs 16 bits.
// UNCONSTRAINED: error: accumulator of layer 'matmul_0' is not proven to fit accumulator-bits=12: it needs 16 bits
func.func @equal_inputs(%x: tensor<1x4x3xf32> {compress.range = #compress.range<min = -3.0, max = 3.0, method = "minmax", samples = 2>}) -> tensor<1x4x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.104], [0.104], [1.27]]]> : tensor<1x3x1xf32>}> : () -> tensor<1x3x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z {compress.range = #compress.range<min = -5.0, max = 5.0, method = "minmax", samples = 2>} : (tensor<1x4x3xf32>, tensor<1x3x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x1xf32>
  return %m : tensor<1x4x1xf32>
}
