// RUN: compress-opt %s --compress-calibrate="calibration=%S/Inputs/calibrate-3x4.npy method=minmax" -verify-diagnostics | FileCheck %s

// NaNs and infinities are left out of ranges, with a warning. The samples
// of Inputs/calibrate-3x4.npy are [-3, -1, 0, 1], [0.5, 2, -2, 0] and
// [4, 0, 0, -4].

/// 1/x is infinite for the four zeros of the samples; the finite values
/// span [-1, 2]. log(0 - |x|) is NaN or -inf everywhere: no range at all.
// CHECK-LABEL: func.func @non_finite
// CHECK:         tosa.reciprocal {{.*}}compress.range = #compress.range<min = -1.000000e+00, max = 2.000000e+00
// CHECK:         tosa.sub {{.*}}compress.range = #compress.range<min = -4.000000e+00, max = 0.000000e+00
// CHECK:         tosa.log
// CHECK-NOT:     compress.range
// CHECK-SAME:    -> tensor<1x4xf32>
func.func @non_finite(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  // expected-warning @+1 {{4 values were NaN or infinite and left out of the range}}
  %0 = tosa.reciprocal %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %1 = tosa.abs %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.sub %zero, %1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  // expected-warning @+1 {{no finite value seen; no range recorded}}
  %3 = tosa.log %2 : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0, %3 : tensor<1x4xf32>, tensor<1x4xf32>
}
