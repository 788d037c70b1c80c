// RUN: compress-opt %s | compress-opt | FileCheck %s
// RUN: compress-opt %s --mlir-print-op-generic | compress-opt | FileCheck %s
// RUN: compress-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

/// Signed weights at several widths: binary (1 bit), ternary (2 bits) and
/// the narrow symmetric ranges of 4 and 8 bits.
// CHECK-LABEL: func.func @weights_signed
// CHECK: qint.weights {bits = 1 : i64, scales = array<f32: 5.000000e-01, 2.500000e-01>, values = dense<{{\[\[}}1, -1], [-1, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
// CHECK: qint.weights {bits = 2 : i64, scales = array<f32: 1.000000e+00, 1.000000e+00>, values = dense<{{\[\[}}1, 0], [-1, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
// CHECK: qint.weights {bits = 4 : i64, scales = array<f32: 1.250000e-01, 1.250000e-01>, values = dense<{{\[\[}}7, -7], [0, 3]]> : tensor<2x2xi8>} : tensor<2x2xi8>
// CHECK: qint.weights {bits = 8 : i64, scales = array<f32: 3.906250e-03, 7.812500e-03>, values = dense<{{\[\[}}127, -127], [0, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
func.func @weights_signed() -> (tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>) {
  %b1 = qint.weights {bits = 1 : i64, scales = array<f32: 0.5, 0.25>,
                      values = dense<[[1, -1], [-1, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %b2 = qint.weights {bits = 2 : i64, scales = array<f32: 1.0, 1.0>,
                      values = dense<[[1, 0], [-1, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %b4 = qint.weights {bits = 4 : i64, scales = array<f32: 0.125, 0.125>,
                      values = dense<[[7, -7], [0, 3]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %b8 = qint.weights {bits = 8 : i64, scales = array<f32: 0.00390625, 0.0078125>,
                      values = dense<[[127, -127], [0, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  return %b1, %b2, %b4, %b8 : tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>
}

/// Unsigned weights use [0, 2^bits - 1]; the axis may be any dimension; the
/// default layout is elided when printed.
// CHECK-LABEL: func.func @weights_unsigned_axis_layout
// CHECK: qint.weights {axis = 1 : i64, bits = 7 : i64, is_signed = false, scales = array<f32: 1.000000e+00, 5.000000e-01, 2.500000e-01>, values = dense<{{\[\[}}0, 127, 64]]> : tensor<1x3xi8>} : tensor<1x3xi8>
// CHECK: qint.weights {bits = 3 : i64, scales = array<f32: 1.000000e+00>, values = dense<3> : tensor<1x2xi8>} : tensor<1x2xi8>
// GENERIC-LABEL: sym_name = "weights_unsigned_axis_layout"
// GENERIC: "qint.weights"() <{axis = 1 : i64, bits = 7 : i64, is_signed = false, layout = #qint.layout<dense>,
// GENERIC: "qint.weights"() <{axis = 0 : i64, bits = 3 : i64, is_signed = true, layout = #qint.layout<dense>,
func.func @weights_unsigned_axis_layout() -> (tensor<1x3xi8>, tensor<1x2xi8>) {
  %u = qint.weights {axis = 1 : i64, bits = 7 : i64, is_signed = false,
                     scales = array<f32: 1.0, 0.5, 0.25>,
                     values = dense<[[0, 127, 64]]> : tensor<1x3xi8>} : tensor<1x3xi8>
  %d = qint.weights {bits = 3 : i64, layout = #qint.layout<dense>,
                     scales = array<f32: 1.0>,
                     values = dense<3> : tensor<1x2xi8>} : tensor<1x2xi8>
  return %u, %d : tensor<1x3xi8>, tensor<1x2xi8>
}

/// Packed weights: bytes of 3-bit fields for a 2x3 tensor (the example of
/// compress-pack-weights.mlir), and a binary stream of 9 weights.
// CHECK-LABEL: func.func @weights_packed
// CHECK: qint.weights {axis = 1 : i64, bits = 3 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00, 2.000000e+00, 4.000000e+00>, values = dense<[-21, 35, 3]> : tensor<3xi8>} : tensor<2x3xi8>
// CHECK: qint.weights {bits = 1 : i64, layout = #qint.layout<packed>, scales = array<f32: 1.000000e+00>, values = dense<[121, 0]> : tensor<2xi8>} : tensor<1x9xi8>
// GENERIC-LABEL: sym_name = "weights_packed"
// GENERIC: "qint.weights"() <{axis = 1 : i64, bits = 3 : i64, is_signed = true, layout = #qint.layout<packed>,
func.func @weights_packed() -> (tensor<2x3xi8>, tensor<1x9xi8>) {
  %p3 = qint.weights {axis = 1 : i64, bits = 3 : i64,
                      layout = #qint.layout<packed>,
                      scales = array<f32: 1.0, 2.0, 4.0>,
                      values = dense<[-21, 35, 3]> : tensor<3xi8>} : tensor<2x3xi8>
  %p1 = qint.weights {bits = 1 : i64, layout = #qint.layout<packed>,
                      scales = array<f32: 1.0>,
                      values = dense<[121, 0]> : tensor<2xi8>} : tensor<1x9xi8>
  return %p3, %p1 : tensor<2x3xi8>, tensor<1x9xi8>
}

/// Sparse weights: the example of qint.weights (unstructured, 4-bit), and
/// 8-bit 2x5 weights in 1x4 blocks of which blocks 0 and 3 are kept
/// (mask 0b1001): 1, 0, 0, -1 then 5.
// CHECK-LABEL: func.func @weights_sparse
// CHECK: qint.weights {bits = 4 : i64, layout = #qint.layout<sparse>, mask = dense<7> : tensor<1xi8>, scales = array<f32: 5.000000e-01, 2.500000e-01>, values = dense<[-105, 1]> : tensor<2xi8>} : tensor<2x2xi8>
// CHECK: qint.weights {bits = 8 : i64, block = array<i64: 1, 4>, layout = #qint.layout<sparse>, mask = dense<9> : tensor<1xi8>, scales = array<f32: 1.000000e+00, 1.000000e+00>, values = dense<[1, 0, 0, -1, 5]> : tensor<5xi8>} : tensor<2x5xi8>
// GENERIC-LABEL: sym_name = "weights_sparse"
// GENERIC: "qint.weights"() <{axis = 0 : i64, bits = 4 : i64, is_signed = true, layout = #qint.layout<sparse>, mask = dense<7> : tensor<1xi8>,
func.func @weights_sparse() -> (tensor<2x2xi8>, tensor<2x5xi8>) {
  %s4 = qint.weights {bits = 4 : i64, layout = #qint.layout<sparse>,
                      mask = dense<7> : tensor<1xi8>,
                      scales = array<f32: 0.5, 0.25>,
                      values = dense<[-105, 1]> : tensor<2xi8>} : tensor<2x2xi8>
  %s8 = qint.weights {bits = 8 : i64, layout = #qint.layout<sparse>,
                      block = array<i64: 1, 4>, mask = dense<9> : tensor<1xi8>,
                      scales = array<f32: 1.0, 1.0>,
                      values = dense<[1, 0, 0, -1, 5]> : tensor<5xi8>} : tensor<2x5xi8>
  return %s4, %s8 : tensor<2x2xi8>, tensor<2x5xi8>
}

/// Quantize with the type's range or an explicit [qmin, qmax] (4-bit
/// activations in i8), to i8 and i16, and back to float.
// CHECK-LABEL: func.func @quantize_dequantize
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x1xf32>)
// CHECK: %[[Q:.*]] = qint.quantize %[[X]] {scale = 5.000000e-02 : f64, zero_point = -128 : i64} : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi8>
// CHECK: %[[Q4:.*]] = qint.quantize %[[X]] {qmax = 7 : i64, qmin = -8 : i64, scale = 2.500000e-01 : f64, zero_point = -8 : i64} : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi8>
// CHECK: %[[Q16:.*]] = qint.quantize %[[X]] {scale = 1.000000e-03 : f64, zero_point = 0 : i64} : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi16>
// CHECK: qint.dequantize %[[Q]] {scale = 5.000000e-02 : f64, zero_point = -128 : i64} : tensor<1x4x4x1xi8> -> tensor<1x4x4x1xf32>
// CHECK: qint.dequantize %[[Q16]] {scale = 1.000000e-03 : f64, zero_point = 0 : i64} : tensor<1x4x4x1xi16> -> tensor<1x4x4x1xf32>
func.func @quantize_dequantize(%x: tensor<1x4x4x1xf32>)
    -> (tensor<1x4x4x1xi8>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) {
  %q = qint.quantize %x {scale = 0.05 : f64, zero_point = -128 : i64}
      : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi8>
  %q4 = qint.quantize %x {scale = 0.25 : f64, zero_point = -8 : i64,
                          qmin = -8 : i64, qmax = 7 : i64}
      : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi8>
  %q16 = qint.quantize %x {scale = 0.001 : f64, zero_point = 0 : i64}
      : tensor<1x4x4x1xf32> -> tensor<1x4x4x1xi16>
  %f = qint.dequantize %q {scale = 0.05 : f64, zero_point = -128 : i64}
      : tensor<1x4x4x1xi8> -> tensor<1x4x4x1xf32>
  %f16 = qint.dequantize %q16 {scale = 0.001 : f64, zero_point = 0 : i64}
      : tensor<1x4x4x1xi16> -> tensor<1x4x4x1xf32>
  return %q4, %f, %f16 : tensor<1x4x4x1xi8>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>
}

/// Dequantize reads any integer tensor, accumulators included.
// CHECK-LABEL: func.func @dequantize_accumulator
// CHECK: qint.dequantize %{{.*}} {scale = 2.500000e-01 : f64, zero_point = 0 : i64} : tensor<4xi32> -> tensor<4xf32>
func.func @dequantize_accumulator(%acc: tensor<4xi32>) -> tensor<4xf32> {
  %f = qint.dequantize %acc {scale = 0.25 : f64, zero_point = 0 : i64}
      : tensor<4xi32> -> tensor<4xf32>
  return %f : tensor<4xf32>
}

/// With and without the optional bias; the accumulator type is the result
/// element type, and strides and dilations shrink the output.
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x3xi8>, %[[W:.*]]: tensor<16x3x3x3xi8>, %[[B:.*]]: tensor<16xi32>)
// CHECK: qint.conv2d %[[X]], %[[W]], %[[B]] {dilation = array<i64: 1, 1>, input_zp = -128 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>, tensor<16xi32>) -> tensor<1x8x8x16xi32>
// CHECK: qint.conv2d %[[X]], %[[W]] {dilation = array<i64: 2, 2>, input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>) -> tensor<1x2x2x16xi16>
func.func @conv2d(%x: tensor<1x8x8x3xi8>, %w: tensor<16x3x3x3xi8>, %b: tensor<16xi32>)
    -> (tensor<1x8x8x16xi32>, tensor<1x2x2x16xi16>) {
  %0 = qint.conv2d %x, %w, %b {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>, tensor<16xi32>)
      -> tensor<1x8x8x16xi32>
  %1 = qint.conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>,
      dilation = array<i64: 2, 2>}
      : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>) -> tensor<1x2x2x16xi16>
  return %0, %1 : tensor<1x8x8x16xi32>, tensor<1x2x2x16xi16>
}

/// Accumulators may be i48 or i64; dynamic batch and spatial sizes verify.
// CHECK-LABEL: func.func @conv2d_wide_dynamic
// CHECK: qint.conv2d %{{.*}}, %{{.*}}, %{{.*}} {{.*}} : (tensor<?x?x?x4xi16>, tensor<2x1x1x4xi8>, tensor<2xi48>) -> tensor<?x?x?x2xi48>
// CHECK: qint.conv2d %{{.*}}, %{{.*}} {{.*}} : (tensor<?x?x?x4xi16>, tensor<2x1x1x4xi8>) -> tensor<?x?x?x2xi64>
func.func @conv2d_wide_dynamic(%x: tensor<?x?x?x4xi16>, %w: tensor<2x1x1x4xi8>,
                               %b: tensor<2xi48>)
    -> (tensor<?x?x?x2xi48>, tensor<?x?x?x2xi64>) {
  %0 = qint.conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<?x?x?x4xi16>, tensor<2x1x1x4xi8>, tensor<2xi48>)
      -> tensor<?x?x?x2xi48>
  %1 = qint.conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<?x?x?x4xi16>, tensor<2x1x1x4xi8>) -> tensor<?x?x?x2xi64>
  return %0, %1 : tensor<?x?x?x2xi48>, tensor<?x?x?x2xi64>
}

/// Channel multiplier 2: 4 input channels give 8 output channels.
// CHECK-LABEL: func.func @depthwise_conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x4xi8>, %[[W:.*]]: tensor<3x3x4x2xi8>, %[[B:.*]]: tensor<8xi32>)
// CHECK: qint.depthwise_conv2d %[[X]], %[[W]], %[[B]] {dilation = array<i64: 1, 1>, input_zp = -128 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>, tensor<8xi32>) -> tensor<1x3x3x8xi32>
// CHECK: qint.depthwise_conv2d %[[X]], %[[W]] {dilation = array<i64: 1, 1>, input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>) -> tensor<1x4x4x8xi32>
func.func @depthwise_conv2d(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x2xi8>,
                            %b: tensor<8xi32>)
    -> (tensor<1x3x3x8xi32>, tensor<1x4x4x8xi32>) {
  %0 = qint.depthwise_conv2d %x, %w, %b {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>, tensor<8xi32>)
      -> tensor<1x3x3x8xi32>
  %1 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>) -> tensor<1x4x4x8xi32>
  return %0, %1 : tensor<1x3x3x8xi32>, tensor<1x4x4x8xi32>
}

/// The default rhs_zp of 0 is elided; a non-default one is printed.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xi8>, %[[B:.*]]: tensor<2x4x5xi8>, %[[C:.*]]: tensor<5xi32>)
// CHECK: qint.matmul %[[A]], %[[B]], %[[C]] {lhs_zp = -128 : i64} : (tensor<2x3x4xi8>, tensor<2x4x5xi8>, tensor<5xi32>) -> tensor<2x3x5xi32>
// CHECK: qint.matmul %[[A]], %[[B]] {lhs_zp = 3 : i64, rhs_zp = -1 : i64} : (tensor<2x3x4xi8>, tensor<2x4x5xi8>) -> tensor<2x3x5xi32>
func.func @matmul(%a: tensor<2x3x4xi8>, %b: tensor<2x4x5xi8>, %c: tensor<5xi32>)
    -> (tensor<2x3x5xi32>, tensor<2x3x5xi32>) {
  %0 = qint.matmul %a, %b, %c {lhs_zp = -128 : i64, rhs_zp = 0 : i64}
      : (tensor<2x3x4xi8>, tensor<2x4x5xi8>, tensor<5xi32>) -> tensor<2x3x5xi32>
  %1 = qint.matmul %a, %b {lhs_zp = 3 : i64, rhs_zp = -1 : i64}
      : (tensor<2x3x4xi8>, tensor<2x4x5xi8>) -> tensor<2x3x5xi32>
  return %0, %1 : tensor<2x3x5xi32>, tensor<2x3x5xi32>
}

/// Per-tensor and per-channel scaling; the default double rounding is
/// elided, single rounding is printed.
// CHECK-LABEL: func.func @requantize
// CHECK: qint.requantize %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1518500250>, output_zp = -128 : i64, shift = array<i8: 38>} : tensor<1x2x2x3xi32> -> tensor<1x2x2x3xi8>
// CHECK: qint.requantize %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1073741824, 1518500250, 2147483647>, output_zp = 0 : i64, rounding = #qint.rounding<single_round>, shift = array<i8: 31, 38, 62>} : tensor<1x2x2x3xi32> -> tensor<1x2x2x3xi8>
// CHECK: qint.requantize %{{.*}} {clamp_max = 32767 : i64, clamp_min = 0 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, output_zp = 0 : i64, shift = array<i8: 2>} : tensor<4xi8> -> tensor<4xi16>
// GENERIC-LABEL: sym_name = "requantize"
// GENERIC: "qint.requantize"(%{{.*}}) <{clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = 0 : i64, multiplier = array<i32: 1518500250>, output_zp = -128 : i64, rounding = #qint.rounding<double_round>, shift = array<i8: 38>}>
// GENERIC: rounding = #qint.rounding<single_round>
func.func @requantize(%acc: tensor<1x2x2x3xi32>, %x: tensor<4xi8>)
    -> (tensor<1x2x2x3xi8>, tensor<1x2x2x3xi8>, tensor<4xi16>) {
  %0 = qint.requantize %acc {multiplier = array<i32: 1518500250>,
      shift = array<i8: 38>, input_zp = 0 : i64, output_zp = -128 : i64,
      rounding = #qint.rounding<double_round>,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x2x2x3xi32> -> tensor<1x2x2x3xi8>
  %1 = qint.requantize %acc {
      multiplier = array<i32: 1073741824, 1518500250, 2147483647>,
      shift = array<i8: 31, 38, 62>, output_zp = 0 : i64,
      rounding = #qint.rounding<single_round>,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x2x2x3xi32> -> tensor<1x2x2x3xi8>
  %2 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 2>, input_zp = -3 : i64, output_zp = 0 : i64,
      clamp_min = 0 : i64, clamp_max = 32767 : i64}
      : tensor<4xi8> -> tensor<4xi16>
  return %0, %1, %2 : tensor<1x2x2x3xi8>, tensor<1x2x2x3xi8>, tensor<4xi16>
}

/// Both rounding modes; the result type may differ from the operands'.
// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[L:.*]]: tensor<1x4x4x8xi8>, %[[R:.*]]: tensor<1x4x4x8xi8>)
// CHECK: qint.add %[[L]], %[[R]] {clamp_max = 127 : i64, clamp_min = -128 : i64, lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8, lhs_zp = -128 : i64, output_multiplier = 1518500250 : i32, output_shift = 40 : i8, output_zp = -5 : i64, rhs_multiplier = 2147483647 : i32, rhs_shift = 11 : i8, rhs_zp = 3 : i64} : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
// CHECK: qint.add %[[L]], %[[R]] {{{.*}}rounding = #qint.rounding<single_round>{{.*}}} : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi16>
func.func @add(%l: tensor<1x4x4x8xi8>, %r: tensor<1x4x4x8xi8>)
    -> (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi16>) {
  %0 = qint.add %l, %r {lhs_zp = -128 : i64, rhs_zp = 3 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 2147483647 : i32, rhs_shift = 11 : i8,
      output_multiplier = 1518500250 : i32, output_shift = 40 : i8,
      output_zp = -5 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8>
  %1 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1 : i32, lhs_shift = 2 : i8,
      rhs_multiplier = 0 : i32, rhs_shift = 62 : i8,
      output_multiplier = 1 : i32, output_shift = 2 : i8, output_zp = 0 : i64,
      rounding = #qint.rounding<single_round>,
      clamp_min = -32768 : i64, clamp_max = 32767 : i64}
      : (tensor<1x4x4x8xi8>, tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi16>
  return %0, %1 : tensor<1x4x4x8xi8>, tensor<1x4x4x8xi16>
}

/// Padding smaller than the kernel, a global average pool, and i16 input.
// CHECK-LABEL: func.func @pools
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x4xi8>, %[[Y:.*]]: tensor<1x7x7x4xi16>)
// CHECK: qint.max_pool2d %[[X]] {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : tensor<1x7x7x4xi8> -> tensor<1x4x4x4xi8>
// CHECK: qint.avg_pool2d %[[X]] {acc_type = i32, input_zp = -128 : i64, kernel = array<i64: 7, 7>, output_zp = -128 : i64, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : tensor<1x7x7x4xi8> -> tensor<1x1x1x4xi8>
// CHECK: qint.avg_pool2d %[[Y]] {acc_type = i32, input_zp = 0 : i64, kernel = array<i64: 2, 2>, output_zp = 0 : i64, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : tensor<1x7x7x4xi16> -> tensor<1x4x4x4xi16>
func.func @pools(%x: tensor<1x7x7x4xi8>, %y: tensor<1x7x7x4xi16>)
    -> (tensor<1x4x4x4xi8>, tensor<1x1x1x4xi8>, tensor<1x4x4x4xi16>) {
  %0 = qint.max_pool2d %x {kernel = array<i64: 3, 3>,
      stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>}
      : tensor<1x7x7x4xi8> -> tensor<1x4x4x4xi8>
  %1 = qint.avg_pool2d %x {kernel = array<i64: 7, 7>,
      stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>,
      input_zp = -128 : i64, output_zp = -128 : i64, acc_type = i32}
      : tensor<1x7x7x4xi8> -> tensor<1x1x1x4xi8>
  %2 = qint.avg_pool2d %y {kernel = array<i64: 2, 2>,
      stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 1, 0>,
      input_zp = 0 : i64, output_zp = 0 : i64, acc_type = i32}
      : tensor<1x7x7x4xi16> -> tensor<1x4x4x4xi16>
  return %0, %1, %2 : tensor<1x4x4x4xi8>, tensor<1x1x1x4xi8>, tensor<1x4x4x4xi16>
}
