// RUN: compress-opt %s --compress-quantize="calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy report=%t.nearest.json" | FileCheck %s --check-prefix=NEAREST
// RUN: compress-opt %s --compress-quantize="rounding=gptq calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy report=%t.gptq.json gptq-samples=128" | FileCheck %s --check-prefix=GPTQ
// RUN: FileCheck %s --input-file=%t.nearest.json --check-prefix=NEAREST-REPORT
// RUN: FileCheck %s --input-file=%t.gptq.json --check-prefix=GPTQ-REPORT

/// The three inputs are always equal (each row of the calibration samples
/// is (t, t, t)), so only the sum of the three weights matters. The weights
/// are 10.4, 10.4 and 127 scale steps (scale 1.27 / 127 = 0.01).
/// Round-to-nearest gives 10, 10, 127: a sum of 147 for 147.8. GPTQ rounds
/// the first to 10 and moves its error +0.4 onto the other two (+0.2 each,
/// as the damped H^-1 splits it), so the second, 10.6, rounds to 11 and
/// the third absorbs -0.2 and stays 127: a sum of 148, closer.
// NEAREST-LABEL: func @equal_inputs
// NEAREST: qint.weights {axis = 2 : i64, bits = 8 : i64
// NEAREST-SAME: values = dense<{{\[\[\[}}10], [10], [127]]]> : tensor<1x3x1xi8>
// GPTQ-LABEL: func @equal_inputs
// GPTQ: qint.weights {axis = 2 : i64, bits = 8 : i64
// GPTQ-SAME: values = dense<{{\[\[\[}}10], [11], [127]]]> : tensor<1x3x1xi8>
// NEAREST-REPORT: "name": "matmul_0"
// NEAREST-REPORT: "rounding": "nearest"
// GPTQ-REPORT: "name": "matmul_0"
// GPTQ-REPORT: "rounding": "gptq"
func.func @equal_inputs(%x: tensor<1x4x3xf32> {compress.range = #compress.range<min = -3.0, max = 3.0, method = "minmax", samples = 2>}) -> tensor<1x4x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.104], [0.104], [1.27]]]> : tensor<1x3x1xf32>}> : () -> tensor<1x3x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z {compress.range = #compress.range<min = -5.0, max = 5.0, method = "minmax", samples = 2>} : (tensor<1x4x3xf32>, tensor<1x3x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x1xf32>
  return %m : tensor<1x4x1xf32>
}
