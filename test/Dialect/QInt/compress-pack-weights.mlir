// RUN: compress-opt %s --split-input-file --compress-pack-weights | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-pack-weights --compress-pack-weights | FileCheck %s
// RUN: compress-opt %s --split-input-file --compress-pack-weights="sparse=false" | FileCheck %s --check-prefix=DENSE

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

// -----

/// Pruned convolution weights (OHWI, 2x1x1x8) with two of their four 1x4
/// blocks along the input channels left: 16 bytes dense, 8 values + 1 mask
/// byte in 1x4 blocks (mask 0b0101: block 0 of filter 0, block 0 of
/// filter 1) against 8 + 2 unstructured. The kernel-shaped blocks win.
// CHECK-LABEL: func.func @sparse_conv_blocks
// CHECK: qint.weights {bits = 8 : i64, block = array<i64: 1, 1, 1, 4>, layout = #qint.layout<sparse>, mask = dense<5> : tensor<1xi8>, scales = array<f32: 1.000000e+00, 1.000000e+00>, values = dense<[1, 2, 3, 4, 5, 6, 7, 8]> : tensor<8xi8>} : tensor<2x1x1x8xi8>
// DENSE-LABEL: func.func @sparse_conv_blocks
// DENSE: qint.weights {bits = 8 : i64, scales = {{.*}}, values = dense<{{.*}}> : tensor<2x1x1x8xi8>} : tensor<2x1x1x8xi8>
func.func @sparse_conv_blocks(%x: tensor<1x2x2x8xi8>) -> tensor<1x2x2x2xi32> {
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[[[[1, 2, 3, 4, 0, 0, 0, 0]]],
                                     [[[5, 6, 7, 8, 0, 0, 0, 0]]]]> : tensor<2x1x1x8xi8>}
      : tensor<2x1x1x8xi8>
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
                             stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x8xi8>, tensor<2x1x1x8xi8>) -> tensor<1x2x2x2xi32>
  return %acc : tensor<1x2x2x2xi32>
}

// -----

/// A matmul's right-hand side [B, K, N] is reduced along K: its 1x4 blocks
/// run down a column. Column 0 keeps rows 0..3, column 1 nothing:
/// mask 0b0001 over the blocks (rows 0..3, col 0), (0..3, 1), (4..7, 0),
/// (4..7, 1).
// CHECK-LABEL: func.func @sparse_matmul_blocks
// CHECK: qint.weights {axis = 2 : i64, bits = 8 : i64, block = array<i64: 1, 4, 1>, layout = #qint.layout<sparse>, mask = dense<1> : tensor<1xi8>, {{.*}} values = dense<[1, 2, 3, 4]> : tensor<4xi8>} : tensor<1x8x2xi8>
func.func @sparse_matmul_blocks(%x: tensor<1x1x8xi8>) -> tensor<1x1x2xi32> {
  %w = qint.weights {axis = 2 : i64, bits = 8 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[[[1, 0], [2, 0], [3, 0], [4, 0],
                                      [0, 0], [0, 0], [0, 0], [0, 0]]]> : tensor<1x8x2xi8>}
      : tensor<1x8x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = 0 : i64}
      : (tensor<1x1x8xi8>, tensor<1x8x2xi8>) -> tensor<1x1x2xi32>
  return %acc : tensor<1x1x2xi32>
}

// -----

/// Scattered zeros, and no reducing user to shape blocks by: unstructured.
/// Three of sixteen 4-bit weights are kept (mask 0x0421: elements 0, 5,
/// 10): 2 mask bytes and 2 value bytes against 8 packed.
// CHECK-LABEL: func.func @sparse_unstructured
// CHECK: qint.weights {bits = 4 : i64, layout = #qint.layout<sparse>, mask = dense<[33, 4]> : tensor<2xi8>, scales = array<f32: 1.000000e+00>, values = dense<[-89, 5]> : tensor<2xi8>} : tensor<1x16xi8>
// DENSE-LABEL: func.func @sparse_unstructured
// DENSE: layout = #qint.layout<packed>
func.func @sparse_unstructured() -> tensor<1x16xi8> {
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 1.0>,
                     values = dense<[[7, 0, 0, 0, 0, -6, 0, 0,
                                      0, 0, 5, 0, 0, 0, 0, 0]]> : tensor<1x16xi8>}
      : tensor<1x16xi8>
  return %w : tensor<1x16xi8>
}

// -----

/// Ternary weights with one zero in five: the sparse layout would take
/// 1 + 2 bytes, the packed one 2; packing wins ties and this.
// CHECK-LABEL: func.func @sparse_not_smaller
// CHECK: layout = #qint.layout<packed>
func.func @sparse_not_smaller() -> tensor<1x5xi8> {
  %w = qint.weights {bits = 2 : i64, scales = array<f32: 0.5>,
                     values = dense<[[1, -1, 0, 1, -1]]> : tensor<1x5xi8>}
      : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}
