// RUN: compress-opt %s --canonicalize --split-input-file | FileCheck %s

/// Weights with equal values but different bit widths or scales are
/// different constants: canonicalization must keep both.
// CHECK-LABEL: func @distinct_weights
// CHECK: qint.weights {bits = 4
// CHECK: qint.weights {bits = 8
// CHECK: qint.weights {bits = 8 : i64, scales = array<f32: 2.000000e+00
func.func @distinct_weights() -> (tensor<2xi8>, tensor<2xi8>, tensor<2xi8>) {
  %a = qint.weights {bits = 4 : i64, scales = array<f32: 1.0, 1.0>, values = dense<[1, -1]> : tensor<2xi8>} : tensor<2xi8>
  %b = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 1.0>, values = dense<[1, -1]> : tensor<2xi8>} : tensor<2xi8>
  %c = qint.weights {bits = 8 : i64, scales = array<f32: 2.0, 1.0>, values = dense<[1, -1]> : tensor<2xi8>} : tensor<2xi8>
  return %a, %b, %c : tensor<2xi8>, tensor<2xi8>, tensor<2xi8>
}

// -----

/// Unused kernels have no side effects and are removed.
// CHECK-LABEL: func @dead_kernels
// CHECK-NOT: qint.
// CHECK: return
func.func @dead_kernels(%x: tensor<1x4xi32>) -> tensor<1x4xi32> {
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0>, values = dense<1> : tensor<1x4xi8>} : tensor<1x4xi8>
  %r = qint.requantize %x {multiplier = array<i32: 1073741824>, shift = array<i8: 31>, output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64} : tensor<1x4xi32> -> tensor<1x4xi8>
  return %x : tensor<1x4xi32>
}
