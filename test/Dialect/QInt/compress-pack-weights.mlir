// RUN: compress-opt %s --split-input-file --compress-pack-weights | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-pack-weights --compress-pack-weights | FileCheck %s

/// Binary weights store 1 for +1 and 0 for -1, the first weight in the
/// lowest bit: 1001111|0 then 0 is 0x79, 0x00.
// CHECK-LABEL: func.func @binary
// CHECK: qint.weights {bits = 1 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00>, values = dense<[121, 0]> : tensor<2xi8>} : tensor<1x9xi8>
func.func @binary() -> tensor<1x9xi8> {
  %w = qint.weights {bits = 1 : i64, scales = array<f32: 1.0>,
                     values = dense<[[1, -1, -1, 1, 1, 1, 1, -1, -1]]> : tensor<1x9xi8>}
      : tensor<1x9xi8>
  return %w : tensor<1x9xi8>
}

// -----

/// Ternary weights are 2-bit two's complement fields: 01, 11, 00, 01 fill
/// byte 0 (0x4D), the last 11 leaves byte 1 at 0x03.
// CHECK-LABEL: func.func @ternary
// CHECK: qint.weights {bits = 2 : i64, layout = #qint.layout<packed>, scales = array<f32: 5.000000e-01>, values = dense<[77, 3]> : tensor<2xi8>} : tensor<1x5xi8>
func.func @ternary() -> tensor<1x5xi8> {
  %w = qint.weights {bits = 2 : i64, scales = array<f32: 0.5>,
                     values = dense<[[1, -1, 0, 1, -1]]> : tensor<1x5xi8>}
      : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

/// 3-bit fields straddle bytes; the elements are taken in row-major order
/// of the 2x3 result: 3, -3, -1, 1, 2, -2 are the fields 3, 5, 7, 1, 2, 6
/// at bits 0, 3, 6, 9, 12, 15: 0xEB, 0x23, 0x03.
// CHECK-LABEL: func.func @three_bits
// CHECK: qint.weights {axis = 1 : i64, bits = 3 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00, 2.000000e+00, 4.000000e+00>, values = dense<[-21, 35, 3]> : tensor<3xi8>} : tensor<2x3xi8>
func.func @three_bits() -> tensor<2x3xi8> {
  %w = qint.weights {axis = 1 : i64, bits = 3 : i64,
                     scales = array<f32: 1.0, 2.0, 4.0>,
                     values = dense<[[3, -3, -1], [1, 2, -2]]> : tensor<2x3xi8>}
      : tensor<2x3xi8>
  return %w : tensor<2x3xi8>
}

// -----

/// Unsigned fields are the values themselves.
// CHECK-LABEL: func.func @four_bits_unsigned
// CHECK: qint.weights {bits = 4 : i64, is_signed = false, layout = #qint.layout<packed>, scales = array<f32: {{.*}}>, values = dense<[15, 121, 8]> : tensor<3xi8>} : tensor<5x1xi8>
func.func @four_bits_unsigned() -> tensor<5x1xi8> {
  %w = qint.weights {bits = 4 : i64, is_signed = false,
                     scales = array<f32: 1.0, 1.0, 1.0, 1.0, 1.0>,
                     values = dense<[[15], [0], [9], [7], [8]]> : tensor<5x1xi8>}
      : tensor<5x1xi8>
  return %w : tensor<5x1xi8>
}

// -----

/// 7 bits: 63, -63 (1000001), 1 take 21 bits of three bytes.
// CHECK-LABEL: func.func @seven_bits
// CHECK: qint.weights {bits = 7 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00>, values = dense<[-65, 96, 0]> : tensor<3xi8>} : tensor<1x3xi8>
func.func @seven_bits() -> tensor<1x3xi8> {
  %w = qint.weights {bits = 7 : i64, scales = array<f32: 1.0>,
                     values = dense<[[63, -63, 1]]> : tensor<1x3xi8>}
      : tensor<1x3xi8>
  return %w : tensor<1x3xi8>
}

// -----

/// A splat is packed like any other value.
// CHECK-LABEL: func.func @splat
// CHECK: qint.weights {bits = 4 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00>, values = dense<-1> : tensor<2xi8>} : tensor<1x4xi8>
func.func @splat() -> tensor<1x4xi8> {
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 1.0>,
                     values = dense<-1> : tensor<1x4xi8>} : tensor<1x4xi8>
  return %w : tensor<1x4xi8>
}

// -----

/// 8-bit weights fill their bytes already: they stay dense.
// CHECK-LABEL: func.func @negative_eight_bits
// CHECK: qint.weights {bits = 8 : i64, scales = array<f32: 1.000000e+00>, values = dense<{{\[\[}}127, -127]]> : tensor<1x2xi8>} : tensor<1x2xi8>
func.func @negative_eight_bits() -> tensor<1x2xi8> {
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0>,
                     values = dense<[[127, -127]]> : tensor<1x2xi8>} : tensor<1x2xi8>
  return %w : tensor<1x2xi8>
}
