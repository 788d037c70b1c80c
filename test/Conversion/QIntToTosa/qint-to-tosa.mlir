// RUN: compress-opt %s --split-input-file --convert-qint-to-tosa | FileCheck %s

/// Weights become a constant of their logical values.
// CHECK-LABEL: func.func @weights
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[}}7, -7], [1, 0]]> : tensor<2x2xi8>}> : () -> tensor<2x2xi8>
// CHECK-NOT: qint.
// CHECK: return %[[W]]
func.func @weights() -> tensor<2x2xi8> {
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 0.5, 0.25>,
                     values = dense<[[7, -7], [1, 0]]> : tensor<2x2xi8>}
      : tensor<2x2xi8>
  return %w : tensor<2x2xi8>
}

// -----

/// conv2d: the bias operand is passed on, the input zero point becomes a
/// constant and the weight zero point is 0.
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: %[[X:.*]]: tensor<1x8x8x3xi8>, %[[W:.*]]: tensor<16x3x3x3xi8>, %[[B:.*]]: tensor<16xi32>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[Y:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]], %[[IZP]], %[[WZP]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : {{.*}} -> tensor<1x8x8x16xi32>
// CHECK: return %[[Y]]
func.func @conv2d(%x: tensor<1x8x8x3xi8>, %w: tensor<16x3x3x3xi8>,
                  %b: tensor<16xi32>) -> tensor<1x8x8x16xi32> {
  %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<16x3x3x3xi8>, tensor<16xi32>)
      -> tensor<1x8x8x16xi32>
  return %acc : tensor<1x8x8x16xi32>
}

// -----

/// Without a bias, TOSA gets a zero bias of one value per output channel.
// CHECK-LABEL: func.func @conv2d_without_bias
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<0> : tensor<4xi32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]],
func.func @conv2d_without_bias(%x: tensor<1x4x4x2xi8>, %w: tensor<4x1x1x2xi8>)
    -> tensor<1x4x4x4xi32> {
  %acc = qint.conv2d %x, %w {input_zp = 3 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi8>, tensor<4x1x1x2xi8>) -> tensor<1x4x4x4xi32>
  return %acc : tensor<1x4x4x4xi32>
}

// -----

/// An incomplete last window (8 + 1 + 1 - 3 = 7 is odd) is allowed in qint
/// and not in TOSA: the trailing padding row and column no window reads
/// are removed.
// CHECK-LABEL: func.func @conv2d_trailing_padding_unread
// CHECK-NOT: tosa.slice
// CHECK: tosa.conv2d {{.*}}pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>{{.*}} -> tensor<1x4x4x2xi32>
func.func @conv2d_trailing_padding_unread(%x: tensor<1x8x8x3xi8>,
    %w: tensor<2x3x3x3xi8>) -> tensor<1x4x4x2xi32> {
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 1, 1, 1, 1>,
      stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<2x3x3x3xi8>) -> tensor<1x4x4x2xi32>
  return %acc : tensor<1x4x4x2xi32>
}

// -----

/// Without trailing padding to take, the input rows and columns after the
/// last window are sliced off (7 - 2 = 5 leaves one row at stride 2; 5 - 2
/// = 3 leaves one column).
// CHECK-LABEL: func.func @conv2d_trailing_input_unread
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x7x5x3xi8>
// CHECK-DAG: %[[START:.*]] = tosa.const_shape {values = dense<0> : tensor<4xindex>}
// CHECK-DAG: %[[SIZE:.*]] = tosa.const_shape {values = dense<[1, 6, 4, 3]> : tensor<4xindex>}
// CHECK: %[[IN:.*]] = tosa.slice %[[X]], %[[START]], %[[SIZE]] : {{.*}} -> tensor<1x6x4x3xi8>
// CHECK: tosa.conv2d %[[IN]], {{.*}}pad = array<i64: 0, 0, 0, 0>{{.*}} -> tensor<1x3x2x4xi32>
func.func @conv2d_trailing_input_unread(%x: tensor<1x7x5x3xi8>,
    %w: tensor<4x2x2x3xi8>) -> tensor<1x3x2x4xi32> {
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
      : (tensor<1x7x5x3xi8>, tensor<4x2x2x3xi8>) -> tensor<1x3x2x4xi32>
  return %acc : tensor<1x3x2x4xi32>
}

// -----

/// The only window reads the top padding row. Trimming would leave no
/// input, so the padding grows by one more window whose output is dropped.
// CHECK-LABEL: func.func @conv2d_window_in_padding
// CHECK: %[[Y:.*]] = tosa.conv2d {{.*}}pad = array<i64: 1, 1, 0, 0>, stride = array<i64: 2, 1>{{.*}} -> tensor<1x2x1x3xi32>
// CHECK: %[[SIZE:.*]] = tosa.const_shape {values = dense<[1, 1, 1, 3]> : tensor<4xindex>}
// CHECK: %[[R:.*]] = tosa.slice %[[Y]], %{{.*}}, %[[SIZE]] : {{.*}} -> tensor<1x1x1x3xi32>
// CHECK: return %[[R]]
func.func @conv2d_window_in_padding(%x: tensor<1x1x1x2xi8>,
    %w: tensor<3x1x1x2xi8>) -> tensor<1x1x1x3xi32> {
  %acc = qint.conv2d %x, %w {input_zp = 5 : i64, pad = array<i64: 1, 0, 0, 0>,
      stride = array<i64: 2, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x1x1x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x1x1x3xi32>
  return %acc : tensor<1x1x1x3xi32>
}

// -----

// CHECK-LABEL: func.func @depthwise_conv2d
// CHECK-SAME: %[[X:.*]]: tensor<1x5x5x2xi8>, %[[W:.*]]: tensor<3x3x2x2xi8>, %[[B:.*]]: tensor<4xi32>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-1> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: tosa.depthwise_conv2d %[[X]], %[[W]], %[[B]], %[[IZP]], %[[WZP]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : {{.*}} -> tensor<1x3x3x4xi32>
func.func @depthwise_conv2d(%x: tensor<1x5x5x2xi8>, %w: tensor<3x3x2x2xi8>,
                            %b: tensor<4xi32>) -> tensor<1x3x3x4xi32> {
  %acc = qint.depthwise_conv2d %x, %w, %b {input_zp = -1 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x5x5x2xi8>, tensor<3x3x2x2xi8>, tensor<4xi32>)
      -> tensor<1x3x3x4xi32>
  return %acc : tensor<1x3x3x4xi32>
}

// -----

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: %[[A:.*]]: tensor<2x3x4xi8>, %[[B:.*]]: tensor<2x4x5xi8>
// CHECK-DAG: %[[AZP:.*]] = "tosa.const"() <{values = dense<3> : tensor<1xi8>}>
// CHECK-DAG: %[[BZP:.*]] = "tosa.const"() <{values = dense<-1> : tensor<1xi8>}>
// CHECK: %[[Y:.*]] = tosa.matmul %[[A]], %[[B]], %[[AZP]], %[[BZP]] : {{.*}} -> tensor<2x3x5xi32>
// CHECK-NOT: tosa.add
// CHECK: return %[[Y]]
func.func @matmul(%a: tensor<2x3x4xi8>, %b: tensor<2x4x5xi8>)
    -> tensor<2x3x5xi32> {
  %y = qint.matmul %a, %b {lhs_zp = 3 : i64, rhs_zp = -1 : i64}
      : (tensor<2x3x4xi8>, tensor<2x4x5xi8>) -> tensor<2x3x5xi32>
  return %y : tensor<2x3x5xi32>
}

// -----

/// tosa.matmul has no bias: it is added as a [1, 1, N] row.
// CHECK-LABEL: func.func @matmul_bias
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<5xi32>
// CHECK: %[[Y:.*]] = tosa.matmul
// CHECK: %[[SHAPE:.*]] = tosa.const_shape {values = dense<[1, 1, 5]> : tensor<3xindex>}
// CHECK: %[[ROW:.*]] = tosa.reshape %[[BIAS]], %[[SHAPE]] : {{.*}} -> tensor<1x1x5xi32>
// CHECK: %[[SUM:.*]] = tosa.add %[[Y]], %[[ROW]] : (tensor<2x3x5xi32>, tensor<1x1x5xi32>) -> tensor<2x3x5xi32>
// CHECK: return %[[SUM]]
func.func @matmul_bias(%a: tensor<2x3x4xi8>, %b: tensor<2x4x5xi8>,
                       %bias: tensor<5xi32>) -> tensor<2x3x5xi32> {
  %y = qint.matmul %a, %b, %bias {lhs_zp = 0 : i64}
      : (tensor<2x3x4xi8>, tensor<2x4x5xi8>, tensor<5xi32>)
      -> tensor<2x3x5xi32>
  return %y : tensor<2x3x5xi32>
}

// -----

/// A clamp over the whole result type needs no tosa.clamp.
// CHECK-LABEL: func.func @requantize
// CHECK-SAME: %[[X:.*]]: tensor<1x16xi32>
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<1518500250> : tensor<1xi32>}>
// CHECK-DAG: %[[S:.*]] = "tosa.const"() <{values = dense<38> : tensor<1xi8>}>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
// CHECK: %[[Y:.*]] = tosa.rescale %[[X]], %[[M]], %[[S]], %[[IZP]], %[[OZP]] {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : {{.*}} -> tensor<1x16xi8>
// CHECK-NOT: tosa.clamp
// CHECK: return %[[Y]]
func.func @requantize(%x: tensor<1x16xi32>) -> tensor<1x16xi8> {
  %y = qint.requantize %x {multiplier = array<i32: 1518500250>,
      shift = array<i8: 38>, output_zp = -128 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x16xi32> -> tensor<1x16xi8>
  return %y : tensor<1x16xi8>
}

// -----

/// Several multipliers scale per channel; a narrower clamp (a fused ReLU)
/// follows the rescale.
// CHECK-LABEL: func.func @requantize_per_channel_relu
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<[1073741824, 1518500250, 2000000000]> : tensor<3xi32>}>
// CHECK-DAG: %[[S:.*]] = "tosa.const"() <{values = dense<[31, 35, 40]> : tensor<3xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %{{.*}}, %[[M]], %[[S]], {{.*}}per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true{{.*}} -> tensor<2x3xi8>
// CHECK: %[[Y:.*]] = tosa.clamp %[[R]] {max_val = 127 : i8, min_val = -100 : i8}
// CHECK: return %[[Y]]
func.func @requantize_per_channel_relu(%x: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %y = qint.requantize %x {
      multiplier = array<i32: 1073741824, 1518500250, 2000000000>,
      shift = array<i8: 31, 35, 40>, output_zp = -100 : i64,
      rounding = #qint.rounding<single_round>,
      clamp_min = -100 : i64, clamp_max = 127 : i64}
      : tensor<2x3xi32> -> tensor<2x3xi8>
  return %y : tensor<2x3xi8>
}

// -----

/// tosa.rescale takes zero points only on i8: the i16 input's is subtracted
/// in i32 first, the i16 output's added in i32 before the clamp, and the
/// clamped i32 narrows exactly.
// CHECK-LABEL: func.func @requantize_i16_zero_points
// CHECK-SAME: %[[X:.*]]: tensor<4x2xi16>
// CHECK: %[[WIDE:.*]] = tosa.cast %[[X]] : (tensor<4x2xi16>) -> tensor<4x2xi32>
// CHECK: %[[IZP:.*]] = "tosa.const"() <{values = dense<7> : tensor<1x1xi32>}>
// CHECK: %[[CENTRED:.*]] = tosa.sub %[[WIDE]], %[[IZP]]
// CHECK-DAG: %[[ZERO_IN:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK-DAG: %[[ZERO_OUT:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[CENTRED]], %{{.*}}, %{{.*}}, %[[ZERO_IN]], %[[ZERO_OUT]] {{.*}} -> tensor<4x2xi32>
// CHECK: %[[OZP:.*]] = "tosa.const"() <{values = dense<-5> : tensor<1x1xi32>}>
// CHECK: %[[SHIFTED:.*]] = tosa.add %[[R]], %[[OZP]]
/// TOSA's integer profile has no i32 clamp: maximum and minimum instead.
// CHECK: %[[LO:.*]] = "tosa.const"() <{values = dense<-32768> : tensor<1x1xi32>}>
// CHECK: %[[ATLEAST:.*]] = tosa.maximum %[[SHIFTED]], %[[LO]]
// CHECK: %[[HI:.*]] = "tosa.const"() <{values = dense<32767> : tensor<1x1xi32>}>
// CHECK: %[[CLAMPED:.*]] = tosa.minimum %[[ATLEAST]], %[[HI]]
// CHECK: %[[Y:.*]] = tosa.cast %[[CLAMPED]] : (tensor<4x2xi32>) -> tensor<4x2xi16>
// CHECK: return %[[Y]]
func.func @requantize_i16_zero_points(%x: tensor<4x2xi16>) -> tensor<4x2xi16> {
  %y = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, input_zp = 7 : i64, output_zp = -5 : i64,
      clamp_min = -32768 : i64, clamp_max = 32767 : i64}
      : tensor<4x2xi16> -> tensor<4x2xi16>
  return %y : tensor<4x2xi16>
}

// -----

/// Both operands are rescaled to i32 with their zero points, added, and the
/// sum rescaled to the output with its zero point, then clamped.
// CHECK-LABEL: func.func @add
// CHECK-SAME: %[[A:.*]]: tensor<1x4xi8>, %[[B:.*]]: tensor<1x4xi8>
// CHECK-DAG: %[[AM:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
// CHECK-DAG: %[[AS:.*]] = "tosa.const"() <{values = dense<10> : tensor<1xi8>}>
// CHECK-DAG: %[[AZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[A32:.*]] = tosa.rescale %[[A]], %[[AM]], %[[AS]], %[[AZP]], %{{.*}} {{.*}}rounding_mode = DOUBLE_ROUND{{.*}} -> tensor<1x4xi32>
// CHECK: %[[B32:.*]] = tosa.rescale %[[B]], {{.*}} -> tensor<1x4xi32>
// CHECK: %[[SUM:.*]] = tosa.add %[[A32]], %[[B32]] : {{.*}} -> tensor<1x4xi32>
// CHECK: %[[OZP:.*]] = "tosa.const"() <{values = dense<2> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[SUM]], %{{.*}}, %{{.*}}, %{{.*}}, %[[OZP]] {{.*}} -> tensor<1x4xi8>
// CHECK: %[[Y:.*]] = tosa.clamp %[[R]] {max_val = 127 : i8, min_val = 0 : i8}
// CHECK: return %[[Y]]
func.func @add(%a: tensor<1x4xi8>, %b: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %y = qint.add %a, %b {lhs_zp = -3 : i64, rhs_zp = 5 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1500000000 : i32, rhs_shift = 11 : i8,
      output_multiplier = 1200000000 : i32, output_shift = 50 : i8,
      output_zp = 2 : i64, clamp_min = 0 : i64, clamp_max = 127 : i64}
      : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %y : tensor<1x4xi8>
}

// -----

/// The trailing row and column of a 5x5 input lie after the last 2x2
/// window at stride 2.
// CHECK-LABEL: func.func @max_pool2d
// CHECK: %[[IN:.*]] = tosa.slice {{.*}} -> tensor<1x4x4x2xi8>
// CHECK: %[[Y:.*]] = tosa.max_pool2d %[[IN]] {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : {{.*}} -> tensor<1x2x2x2xi8>
// CHECK: return %[[Y]]
func.func @max_pool2d(%x: tensor<1x5x5x2xi8>) -> tensor<1x2x2x2xi8> {
  %y = qint.max_pool2d %x {kernel = array<i64: 2, 2>,
      stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
      : tensor<1x5x5x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: %[[X:.*]]: tensor<1x5x5x2xi8>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-4> : tensor<1xi8>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<6> : tensor<1xi8>}>
// CHECK: tosa.avg_pool2d %[[X]], %[[IZP]], %[[OZP]] {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : {{.*}} -> tensor<1x3x3x2xi8>
func.func @avg_pool2d(%x: tensor<1x5x5x2xi8>) -> tensor<1x3x3x2xi8> {
  %y = qint.avg_pool2d %x {kernel = array<i64: 3, 3>,
      stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>,
      input_zp = -4 : i64, output_zp = 6 : i64, acc_type = i32}
      : tensor<1x5x5x2xi8> -> tensor<1x3x3x2xi8>
  return %y : tensor<1x3x3x2xi8>
}

// -----

/// The definition of qint.quantize, op for op: scale by float(1 / 0.05) =
/// 20, round to i32, clamp to [qmin - zp, qmax - zp], add zp, narrow.
// CHECK-LABEL: func.func @quantize
// CHECK-SAME: %[[X:.*]]: tensor<1x4xf32>
// CHECK-DAG: %[[INV:.*]] = "tosa.const"() <{values = dense<2.000000e+01> : tensor<1x1xf32>}>
// CHECK-DAG: %[[NOSHIFT:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[SCALED:.*]] = tosa.mul %[[X]], %[[INV]], %[[NOSHIFT]] : {{.*}} -> tensor<1x4xf32>
// CHECK: %[[ROUNDED:.*]] = tosa.cast %[[SCALED]] : (tensor<1x4xf32>) -> tensor<1x4xi32>
// CHECK: %[[LO:.*]] = "tosa.const"() <{values = dense<0> : tensor<1x1xi32>}>
// CHECK: %[[ATLEAST:.*]] = tosa.maximum %[[ROUNDED]], %[[LO]]
// CHECK: %[[HI:.*]] = "tosa.const"() <{values = dense<15> : tensor<1x1xi32>}>
// CHECK: %[[CLAMPED:.*]] = tosa.minimum %[[ATLEAST]], %[[HI]]
// CHECK: %[[ZP:.*]] = "tosa.const"() <{values = dense<-8> : tensor<1x1xi32>}>
// CHECK: %[[SHIFTED:.*]] = tosa.add %[[CLAMPED]], %[[ZP]]
// CHECK: %[[Q:.*]] = tosa.cast %[[SHIFTED]] : (tensor<1x4xi32>) -> tensor<1x4xi8>
// CHECK: return %[[Q]]
func.func @quantize(%x: tensor<1x4xf32>) -> tensor<1x4xi8> {
  %q = qint.quantize %x {scale = 0.05 : f64, zero_point = -8 : i64,
                         qmin = -8 : i64, qmax = 7 : i64}
      : tensor<1x4xf32> -> tensor<1x4xi8>
  return %q : tensor<1x4xi8>
}

// -----

// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: %[[Q:.*]]: tensor<3xi8>
// CHECK: %[[WIDE:.*]] = tosa.cast %[[Q]] : (tensor<3xi8>) -> tensor<3xi32>
// CHECK: %[[ZP:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi32>}>
// CHECK: %[[CENTRED:.*]] = tosa.sub %[[WIDE]], %[[ZP]]
// CHECK: %[[F:.*]] = tosa.cast %[[CENTRED]] : (tensor<3xi32>) -> tensor<3xf32>
// CHECK-DAG: %[[SCALE:.*]] = "tosa.const"() <{values = dense<2.500000e-01> : tensor<1xf32>}>
// CHECK-DAG: %[[NOSHIFT:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[X:.*]] = tosa.mul %[[F]], %[[SCALE]], %[[NOSHIFT]]
// CHECK: return %[[X]]
func.func @dequantize(%q: tensor<3xi8>) -> tensor<3xf32> {
  %x = qint.dequantize %q {scale = 0.25 : f64, zero_point = -128 : i64}
      : tensor<3xi8> -> tensor<3xf32>
  return %x : tensor<3xf32>
}

// -----

/// An i32 input needs no widening cast.
// CHECK-LABEL: func.func @dequantize_i32
// CHECK-SAME: %[[Q:.*]]: tensor<3xi32>
// CHECK-NOT: tosa.cast %[[Q]]
// CHECK: tosa.sub %[[Q]]
func.func @dequantize_i32(%q: tensor<3xi32>) -> tensor<3xf32> {
  %x = qint.dequantize %q {scale = 0.25 : f64, zero_point = 0 : i64}
      : tensor<3xi32> -> tensor<3xf32>
  return %x : tensor<3xf32>
}

// -----

/// Ops of other dialects are left alone.
// CHECK-LABEL: func.func @negative_float_tosa
// CHECK: %[[Y:.*]] = tosa.add %arg0, %arg0
// CHECK-NEXT: return %[[Y]]
func.func @negative_float_tosa(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = tosa.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// TOSA has no sparse tensors: sparse weights are exported dense (the
/// 1x4-block example of compress-pack-weights.mlir).
// CHECK-LABEL: func.func @weights_sparse
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1, 2, 3, 4, 0, 0, 0, 0]]], {{\[\[\[}}5, 6, 7, 8, 0, 0, 0, 0]]]]> : tensor<2x1x1x8xi8>}>
// CHECK-NOT: qint.
// CHECK: return %[[W]]
func.func @weights_sparse() -> tensor<2x1x1x8xi8> {
  %w = qint.weights {bits = 8 : i64, block = array<i64: 1, 1, 1, 4>,
                     layout = #qint.layout<sparse>, mask = dense<5> : tensor<1xi8>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[1, 2, 3, 4, 5, 6, 7, 8]> : tensor<8xi8>}
      : tensor<2x1x1x8xi8>
  return %w : tensor<2x1x1x8xi8>
}

// -----

/// Packed weights stay packed: a constant of the bytes padded to whole
/// groups of 8 weights ([G, bits]), decoded when the program runs. Five
/// 3-bit weights take 2 bytes, padded to one group of 3. Fields straddle
/// bytes, so each position's word is its first byte | the next << 8; the
/// per-position shifts move each field's top bit to bit 31 and back.
// CHECK-LABEL: func.func @weights_packed_three_bits
// CHECK: %[[BYTES:.*]] = "tosa.const"() <{values = dense<{{\[\[}}-21, 35, 0]]> : tensor<1x3xi8>}>
// CHECK: %[[WIDE:.*]] = tosa.cast %[[BYTES]] : (tensor<1x3xi8>) -> tensor<1x3xi32>
// CHECK: %[[U:.*]] = tosa.bitwise_and %[[WIDE]], %{{.*}} : (tensor<1x3xi32>, tensor<1x1xi32>) -> tensor<1x3xi32>
// CHECK: %[[C0:.*]] = tosa.slice %[[U]]
// CHECK: %[[C1:.*]] = tosa.slice %[[U]]
// CHECK: %[[C2:.*]] = tosa.slice %[[U]]
// CHECK: %[[FIRST:.*]] = tosa.concat %[[C0]], %[[C0]], %[[C0]], %[[C1]], %[[C1]], %[[C1]], %[[C2]], %[[C2]] {axis = 1 : i32}
// CHECK: %[[NEXT:.*]] = tosa.concat %[[C1]], %[[C1]], %[[C1]], %[[C2]], %[[C2]], %[[C2]], %[[C2]], %[[C2]] {axis = 1 : i32}
// CHECK: %[[HIGH:.*]] = tosa.logical_left_shift %[[NEXT]]
// CHECK: %[[WORD:.*]] = tosa.bitwise_or %[[FIRST]], %[[HIGH]]
// CHECK: %[[TOTOP:.*]] = "tosa.const"() <{values = dense<{{\[\[}}29, 26, 23, 28, 25, 22, 27, 24]]> : tensor<1x8xi32>}>
// CHECK: %[[TOP:.*]] = tosa.logical_left_shift %[[WORD]], %[[TOTOP]]
// CHECK: %[[FIELD:.*]] = tosa.arithmetic_right_shift %[[TOP]], %{{.*}} {round = false}
// CHECK: %[[I8:.*]] = tosa.cast %[[FIELD]] : (tensor<1x8xi32>) -> tensor<1x8xi8>
// CHECK: %[[FLAT:.*]] = tosa.reshape %[[I8]], %{{.*}} -> tensor<8xi8>
// CHECK: %[[USED:.*]] = tosa.slice %[[FLAT]], %{{.*}} -> tensor<5xi8>
// CHECK: %[[W:.*]] = tosa.reshape %[[USED]], %{{.*}} -> tensor<1x5xi8>
// CHECK-NOT: qint.
// CHECK: return %[[W]]
func.func @weights_packed_three_bits() -> tensor<1x5xi8> {
  %w = qint.weights {bits = 3 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<[-21, 35]> : tensor<2xi8>} : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

/// Binary weights: bit j of each byte, then 2 * b - 1. No field straddles,
/// so there is no second byte.
// CHECK-LABEL: func.func @weights_packed_binary
// CHECK: %[[BYTES:.*]] = "tosa.const"() <{values = dense<{{\[\[}}121], [0]]> : tensor<2x1xi8>}>
// CHECK: %[[WIDE:.*]] = tosa.cast %[[BYTES]]
// CHECK: %[[U:.*]] = tosa.bitwise_and %[[WIDE]]
// CHECK: %[[WORD:.*]] = tosa.concat %[[U]], %[[U]], %[[U]], %[[U]], %[[U]], %[[U]], %[[U]], %[[U]] {axis = 1 : i32}
// CHECK-NOT: tosa.bitwise_or
// CHECK: %[[OFFSETS:.*]] = "tosa.const"() <{values = dense<{{\[\[}}0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<1x8xi32>}>
// CHECK: %[[SHIFTED:.*]] = tosa.logical_right_shift %[[WORD]], %[[OFFSETS]]
// CHECK: %[[BIT:.*]] = tosa.bitwise_and %[[SHIFTED]], %{{.*}}
// CHECK: %[[TWICE:.*]] = tosa.logical_left_shift %[[BIT]], %{{.*}}
// CHECK: %[[PM:.*]] = tosa.sub %[[TWICE]], %{{.*}} : (tensor<2x8xi32>, tensor<1x1xi32>) -> tensor<2x8xi32>
// CHECK: %[[I8:.*]] = tosa.cast %[[PM]] : (tensor<2x8xi32>) -> tensor<2x8xi8>
// CHECK: %[[FLAT:.*]] = tosa.reshape %[[I8]], %{{.*}} -> tensor<16xi8>
// CHECK: %[[W:.*]] = tosa.slice %[[FLAT]], %{{.*}} -> tensor<9xi8>
// CHECK: return %[[W]]
func.func @weights_packed_binary() -> tensor<9xi8> {
  %w = qint.weights {bits = 1 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0>,
                     values = dense<[121, 0]> : tensor<2xi8>} : tensor<9xi8>
  return %w : tensor<9xi8>
}

// -----

/// Unsigned 4-bit weights: shift each field down and mask it.
// CHECK-LABEL: func.func @weights_packed_unsigned
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}15, 121, 8, 0]]> : tensor<1x4xi8>}>
// CHECK-NOT: tosa.arithmetic_right_shift
// CHECK: %[[OFFSETS:.*]] = "tosa.const"() <{values = dense<{{\[\[}}0, 4, 0, 4, 0, 4, 0, 4]]> : tensor<1x8xi32>}>
// CHECK: %[[SHIFTED:.*]] = tosa.logical_right_shift %{{.*}}, %[[OFFSETS]]
// CHECK: %[[MASK:.*]] = "tosa.const"() <{values = dense<15> : tensor<1x1xi32>}>
// CHECK: tosa.bitwise_and %[[SHIFTED]], %[[MASK]]
// CHECK-NOT: tosa.sub
// CHECK: return
func.func @weights_packed_unsigned() -> tensor<5x1xi8> {
  %w = qint.weights {bits = 4 : i64, is_signed = false, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0, 1.0, 1.0, 1.0, 1.0>,
                     values = dense<[15, 121, 8]> : tensor<3xi8>} : tensor<5x1xi8>
  return %w : tensor<5x1xi8>
}

// -----

/// Consumers of the export do not know the `compress` dialect: its
/// attributes go, on the function, its arguments and its ops; others stay,
/// even with a name that starts the same way.
// CHECK-LABEL: func.func @strip_compression_attributes
// CHECK-SAME: (%{{.*}}: tensor<2xi8> {compressed.note = "kept"}) -> tensor<2xi8> attributes {compressed.note = "kept"}
// CHECK-NOT: compress.
// CHECK: "tosa.const"() <{values = dense<1> : tensor<2xi8>}> {compressed.note = "kept"} : () -> tensor<2xi8>
// CHECK-NOT: compress.
// CHECK: return
func.func @strip_compression_attributes(
    %x: tensor<2xi8> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>,
                      compressed.note = "kept"}) -> tensor<2xi8>
    attributes {compress.plan = #compress.plan<weight_bits = 8, activation_bits = 8, sparsity = 0.0>,
                compressed.note = "kept"} {
  %c = "tosa.const"() <{values = dense<1> : tensor<2xi8>}>
      {compress.layer = "const_0", compressed.note = "kept"} : () -> tensor<2xi8>
  %y = tosa.add %x, %c {compress.range = #compress.range<min = -2.0, max = 2.0, method = "minmax", samples = 1>}
      : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi8>
  return %y : tensor<2xi8>
}

// -----

/// A name alone marks the attribute, also when nothing has loaded the
/// dialect: this function holds no `compress` attribute value.
// CHECK-LABEL: func.func @strip_compression_layer_name
// CHECK-NOT: compress.
// CHECK: return
func.func @strip_compression_layer_name() -> tensor<2xi8> {
  %c = "tosa.const"() <{values = dense<1> : tensor<2xi8>}>
      {compress.layer = "const_0"} : () -> tensor<2xi8>
  return %c : tensor<2xi8>
}

// -----

/// A narrow accumulator is computed in i32, TOSA's accumulator for i8
/// products, with its constant bias widened, and wrapped to its 20 bits by
/// two shifts of 12; the requantize reads the i32 values.
// CHECK-LABEL: func.func @narrow_accumulator
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[524287, -524288]> : tensor<2xi32>}>
// CHECK: %[[ACC:.*]] = tosa.conv2d %{{.*}}, %{{.*}}, %[[B]], {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: %[[AMOUNT:.*]] = "tosa.const"() <{values = dense<12> : tensor<1x1x1x1xi32>}>
// CHECK: %[[UP:.*]] = tosa.logical_left_shift %[[ACC]], %[[AMOUNT]]
// CHECK: %[[WRAPPED:.*]] = tosa.arithmetic_right_shift %[[UP]], %[[AMOUNT]] {round = false}
// CHECK: tosa.rescale %[[WRAPPED]], {{.*}} : (tensor<1x2x2x2xi32>, {{.*}}) -> tensor<1x2x2x2xi8>
func.func @narrow_accumulator(%x: tensor<1x2x2x3xi8>) -> tensor<1x2x2x2xi8> {
  %w = arith.constant dense<1> : tensor<2x1x1x3xi8>
  %b = arith.constant dense<[524287, -524288]> : tensor<2xi20>
  %acc = qint.conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi20>)
      -> tensor<1x2x2x2xi20>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 40>, output_zp = 0 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x2x2x2xi20> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}
