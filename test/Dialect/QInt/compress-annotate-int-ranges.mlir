// RUN: compress-opt %s --split-input-file --compress-annotate-int-ranges | FileCheck %s

/// Quantize bounds its result by its clamp: the type's range by default,
/// [qmin, qmax] when given. A float producer does not hide that range.
// CHECK-LABEL: func.func @quantize
// CHECK: qint.quantize {{.*}}qint.range = array<i64: -128, 127>{{.*}} -> tensor<4xi8>
// CHECK: qint.quantize {{.*}}qint.range = array<i64: -8, 7>{{.*}} -> tensor<4xi8>
// CHECK: qint.quantize {{.*}}qint.range = array<i64: -32768, 32767>{{.*}} -> tensor<4xi16>
// CHECK: qint.dequantize
// CHECK-NOT: qint.range
// CHECK-SAME: -> tensor<4xf32>
// CHECK: qint.quantize {{.*}}qint.range = array<i64: 0, 15>{{.*}} -> tensor<4xi8>
func.func @quantize(%x: tensor<4xf32>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi16>, tensor<4xi8>) {
  %0 = qint.quantize %x {scale = 0.5 : f64, zero_point = -128 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  %1 = qint.quantize %x {scale = 0.5 : f64, zero_point = -8 : i64,
                         qmin = -8 : i64, qmax = 7 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  %2 = qint.quantize %x {scale = 0.5 : f64, zero_point = 0 : i64}
      : tensor<4xf32> -> tensor<4xi16>
  %f = qint.dequantize %1 {scale = 0.5 : f64, zero_point = -8 : i64}
      : tensor<4xi8> -> tensor<4xf32>
  %3 = qint.quantize %f {scale = 0.5 : f64, zero_point = 0 : i64,
                         qmin = 0 : i64, qmax = 15 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  return %0, %1, %2, %3 : tensor<4xi8>, tensor<4xi8>, tensor<4xi16>, tensor<4xi8>
}

// -----

/// Weights span the smallest and largest stored value.
// CHECK-LABEL: func.func @weights
// CHECK: qint.weights {{.*}}qint.range = array<i64: -3, 2>
// CHECK: qint.weights {{.*}}qint.range = array<i64: 4, 9>
func.func @weights() -> (tensor<2x2xi8>, tensor<2xi8>) {
  %0 = qint.weights {bits = 3 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[[2, -3], [0, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %1 = qint.weights {bits = 4 : i64, is_signed = false, scales = array<f32: 1.0, 1.0>,
                     values = dense<[9, 4]> : tensor<2xi8>} : tensor<2xi8>
  return %0, %1 : tensor<2x2xi8>, tensor<2xi8>
}

// -----

/// Per output channel c: bias[c] + sum_k w[c,k] * (x - zp), x - zp in
/// [0, 255]. Channel 0, w = (1, -2, 3), bias 10: [10 - 2*255, 10 + 4*255]
/// = [-500, 1030]. Channel 1, w = (-1, -1, -1), bias -20: [-20 - 3*255, -20]
/// = [-785, -20]. The union [-785, 1030] needs 12 bits (1030 > 2^10 - 1).
// CHECK-LABEL: func.func @conv2d_constant_weights_bias
// CHECK: qint.conv2d {{.*}}qint.acc_bits_needed = 12 : i64, qint.range = array<i64: -785, 1030>
func.func @conv2d_constant_weights_bias(%in: tensor<1x4x4x3xf32>) -> tensor<1x4x4x2xi32> {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -128 : i64}
      : tensor<1x4x4x3xf32> -> tensor<1x4x4x3xi8>
  %w = qint.weights {bits = 3 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[[[[1, -2, 3]]], [[[-1, -1, -1]]]]> : tensor<2x1x1x3xi8>}
      : tensor<2x1x1x3xi8>
  %b = arith.constant dense<[10, -20]> : tensor<2xi32>
  %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi32>
  return %acc : tensor<1x4x4x2xi32>
}

// -----

/// A ReLU-clamped input [0, 10] with input_zp -128 gives x - zp in
/// [128, 138]. Without padding every one of the 9 taps (w = -1) reads the
/// input: [-9*138, -9*128] = [-1242, -1152]. With padding a tap may read
/// the zero point and contribute 0, so the upper bound becomes 0.
// CHECK-LABEL: func.func @conv2d_padding_reads_zero_point
// CHECK: qint.requantize {{.*}}qint.range = array<i64: 0, 10>
// CHECK: qint.conv2d {{.*}}pad = array<i64: 0, 0, 0, 0>, qint.acc_bits_needed = 12 : i64, qint.range = array<i64: -1242, -1152>
// CHECK: qint.conv2d {{.*}}pad = array<i64: 1, 1, 1, 1>, qint.acc_bits_needed = 12 : i64, qint.range = array<i64: -1242, 0>
func.func @conv2d_padding_reads_zero_point(%in: tensor<1x3x3x1xi32>)
    -> (tensor<1x1x1x1xi32>, tensor<1x3x3x1xi32>) {
  %x = qint.requantize %in {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = -128 : i64,
      clamp_min = 0 : i64, clamp_max = 10 : i64}
      : tensor<1x3x3x1xi32> -> tensor<1x3x3x1xi8>
  %w = qint.weights {bits = 2 : i64, scales = array<f32: 1.0>,
                     values = dense<-1> : tensor<1x3x3x1xi8>} : tensor<1x3x3x1xi8>
  %0 = qint.conv2d %x, %w {input_zp = -128 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x3x3x1xi8>, tensor<1x3x3x1xi8>) -> tensor<1x1x1x1xi32>
  %1 = qint.conv2d %x, %w {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x3x3x1xi8>, tensor<1x3x3x1xi8>) -> tensor<1x3x3x1xi32>
  return %0, %1 : tensor<1x1x1x1xi32>, tensor<1x3x3x1xi32>
}

// -----

/// Weights [KH=1, KW=2, C=2, M=1]: channel 0 reads taps (1, 3), channel 1
/// taps (2, -1); x - zp in [0, 15]. Channel 0 with bias 5: [5, 5 + 4*15] =
/// [5, 65]; channel 1 with bias -5: [-5 - 15, -5 + 30] = [-20, 25]. The
/// union [-20, 65] needs 8 bits.
// CHECK-LABEL: func.func @depthwise_conv2d_constant_weights_bias
// CHECK: qint.depthwise_conv2d {{.*}}qint.acc_bits_needed = 8 : i64, qint.range = array<i64: -20, 65>
func.func @depthwise_conv2d_constant_weights_bias(%in: tensor<1x1x2x2xf32>) -> tensor<1x1x1x2xi16> {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -8 : i64,
                          qmin = -8 : i64, qmax = 7 : i64}
      : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xi8>
  %w = qint.weights {axis = 2 : i64, bits = 3 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[[[[1], [2]], [[3], [-1]]]]> : tensor<1x2x2x1xi8>}
      : tensor<1x2x2x1xi8>
  %b = arith.constant dense<[5, -5]> : tensor<2xi16>
  %acc = qint.depthwise_conv2d %x, %w, %b {input_zp = -8 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x1x2x2xi8>, tensor<1x2x2x1xi8>, tensor<2xi16>) -> tensor<1x1x1x2xi16>
  return %acc : tensor<1x1x1x2xi16>
}

// -----

/// A constant right operand [[3, -4], [5, 6]] with rhs_zp 1 contributes
/// columns (2, 4) and (-5, 5); lhs in [-128, 127]. Column 0 with bias 100:
/// [100 - 6*128, 100 + 6*127] = [-668, 862]; column 1 with bias -100:
/// [-100 - 1275, -100 + 1275] = [-1375, 1175]. Union [-1375, 1175]: 12 bits.
// CHECK-LABEL: func.func @matmul_constant_rhs
// CHECK: qint.matmul {{.*}}qint.acc_bits_needed = 12 : i64, qint.range = array<i64: -1375, 1175>
func.func @matmul_constant_rhs(%a: tensor<1x3x2xi8>) -> tensor<1x3x2xi32> {
  %w = arith.constant dense<[[[3, -4], [5, 6]]]> : tensor<1x2x2xi8>
  %b = arith.constant dense<[100, -100]> : tensor<2xi32>
  %acc = qint.matmul %a, %w, %b {lhs_zp = 0 : i64, rhs_zp = 1 : i64}
      : (tensor<1x3x2xi8>, tensor<1x2x2xi8>, tensor<2xi32>) -> tensor<1x3x2xi32>
  return %acc : tensor<1x3x2xi32>
}

// -----

/// Without constants each of the K = 4 products of two i8 values lies in
/// [-128*127, 128*128] = [-16256, 16384], so the sum is in [-65024, 65536]:
/// 18 bits. The same sum exceeds an i16 accumulator, which may wrap: the
/// range is the whole type and all 16 bits are needed.
// CHECK-LABEL: func.func @matmul_ranges_only
// CHECK: qint.matmul {{.*}}qint.acc_bits_needed = 18 : i64, qint.range = array<i64: -65024, 65536>{{.*}} -> tensor<1x2x2xi32>
// CHECK: qint.matmul {{.*}}qint.acc_bits_needed = 16 : i64, qint.range = array<i64: -32768, 32767>{{.*}} -> tensor<1x2x2xi16>
func.func @matmul_ranges_only(%a: tensor<1x2x4xi8>, %b: tensor<1x4x2xi8>)
    -> (tensor<1x2x2xi32>, tensor<1x2x2xi16>) {
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x2x4xi8>, tensor<1x4x2xi8>) -> tensor<1x2x2xi32>
  %1 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x2x4xi8>, tensor<1x4x2xi8>) -> tensor<1x2x2xi16>
  return %0, %1 : tensor<1x2x2xi32>, tensor<1x2x2xi16>
}

// -----

/// 3*3*64 = 576 products of i16 inputs and i8 weights, each in
/// [-32767*128, 32768*128] = [-4194176, 4194304], sum to at most
/// 576*4194304 = 2415919104 > 2^31 - 1: the i32 accumulator may wrap, so
/// its range is the whole type.
// CHECK-LABEL: func.func @conv2d_exceeds_accumulator
// CHECK: qint.conv2d {{.*}}qint.acc_bits_needed = 32 : i64, qint.range = array<i64: -2147483648, 2147483647>
func.func @conv2d_exceeds_accumulator(%x: tensor<1x3x3x64xi16>, %w: tensor<1x3x3x64xi8>)
    -> tensor<1x1x1x1xi32> {
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x3x3x64xi16>, tensor<1x3x3x64xi8>) -> tensor<1x1x1x1xi32>
  return %acc : tensor<1x1x1x1xi32>
}

// -----

/// With a dynamic reduction size the number of terms is unknown, so nothing
/// bounds the sum: the whole accumulator type.
// CHECK-LABEL: func.func @dynamic_reduction
// CHECK: qint.conv2d {{.*}}qint.acc_bits_needed = 32 : i64, qint.range = array<i64: -2147483648, 2147483647>
// CHECK: qint.matmul {{.*}}qint.acc_bits_needed = 32 : i64, qint.range = array<i64: -2147483648, 2147483647>
func.func @dynamic_reduction(%x: tensor<1x4x4x?xi8>, %w: tensor<2x1x1x?xi8>,
                             %a: tensor<1x2x?xi8>, %b: tensor<1x?x2xi8>)
    -> (tensor<1x4x4x2xi32>, tensor<1x2x2xi32>) {
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x?xi8>, tensor<2x1x1x?xi8>) -> tensor<1x4x4x2xi32>
  %1 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x2x?xi8>, tensor<1x?x2xi8>) -> tensor<1x2x2xi32>
  return %0, %1 : tensor<1x4x4x2xi32>, tensor<1x2x2xi32>
}

// -----

/// Requantize and add bound their results by their clamps, whatever the
/// input; only accumulating ops get qint.acc_bits_needed.
// CHECK-LABEL: func.func @requantize_add
// CHECK: qint.requantize {{.*}}qint.range = array<i64: -20, 100>
// CHECK-NOT: qint.acc_bits_needed
// CHECK: qint.add {{.*}}qint.range = array<i64: -50, 50>
// CHECK-NOT: qint.acc_bits_needed
// CHECK: return
func.func @requantize_add(%acc: tensor<1x4xi32>, %y: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %x = qint.requantize %acc {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>,
      shift = array<i8: 35, 35, 36, 36>, output_zp = 0 : i64,
      rounding = #qint.rounding<single_round>,
      clamp_min = -20 : i64, clamp_max = 100 : i64}
      : tensor<1x4xi32> -> tensor<1x4xi8>
  %s = qint.add %x, %y {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = -50 : i64, clamp_max = 50 : i64}
      : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x4xi8>
  return %s : tensor<1x4xi8>
}

// -----

/// Max pooling keeps its input range. Average pooling of x in [-8, 7] with
/// input_zp -8 and output_zp 0 averages values in [0, 15] and may round one
/// step outward: [-1, 16]. Of an unrestricted i8 input the bound is clipped
/// to the type, as the op clamps.
// CHECK-LABEL: func.func @pools
// CHECK: qint.max_pool2d {{.*}}qint.range = array<i64: -8, 7>
// CHECK: qint.avg_pool2d {{.*}}qint.range = array<i64: -1, 16>
// CHECK: qint.avg_pool2d {{.*}}qint.range = array<i64: -128, 127>
func.func @pools(%in: tensor<1x4x4x2xf32>, %y: tensor<1x4x4x2xi8>)
    -> (tensor<1x2x2x2xi8>, tensor<1x2x2x2xi8>, tensor<1x2x2x2xi8>) {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -8 : i64,
                          qmin = -8 : i64, qmax = 7 : i64}
      : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xi8>
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  %1 = qint.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = -8 : i64, output_zp = 0 : i64,
      acc_type = i32} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  %2 = qint.avg_pool2d %y {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i64, output_zp = 0 : i64,
      acc_type = i32} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %0, %1, %2 : tensor<1x2x2x2xi8>, tensor<1x2x2x2xi8>, tensor<1x2x2x2xi8>
}

// -----

/// An earlier run's annotation is replaced by the current range; in code
/// the analysis proves unreachable there is no range, so a stale one is
/// removed rather than left to mislead.
// CHECK-LABEL: func.func @negative_stale_annotations
// CHECK: qint.quantize {{.*}}qint.range = array<i64: -8, 7>
// CHECK: ^bb1:
// CHECK-NOT: qint.range
// CHECK-NOT: qint.acc_bits_needed
// CHECK: return
func.func @negative_stale_annotations(%in: tensor<2xf32>, %a: tensor<1x1x2xi8>, %b: tensor<1x2x1xi8>)
    -> tensor<2xi8> {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = 0 : i64,
                          qmin = -8 : i64, qmax = 7 : i64,
                          qint.range = array<i64: 0, 0>}
      : tensor<2xf32> -> tensor<2xi8>
  %false = arith.constant false
  cf.cond_br %false, ^bb1, ^bb2
^bb1:
  %acc = qint.matmul %a, %b {lhs_zp = 0 : i64, qint.acc_bits_needed = 3 : i64,
                             qint.range = array<i64: 0, 3>}
      : (tensor<1x1x2xi8>, tensor<1x2x1xi8>) -> tensor<1x1x1xi32>
  cf.br ^bb2
^bb2:
  return %x : tensor<2xi8>
}

// -----

/// A resource-backed constant cannot be read value by value: the pass must
/// neither try nor invent a range for the matmul that consumes it.
// CHECK-LABEL: func.func @negative_resource_operand
// CHECK: qint.matmul
// CHECK-NOT: qint.range
// CHECK-SAME: -> tensor<1x1x1xi32>
func.func @negative_resource_operand(%a: tensor<1x1x2xi8>) -> tensor<1x1x1xi32> {
  %w = arith.constant dense_resource<rhs> : tensor<1x2x1xi8>
  %acc = qint.matmul %a, %w {lhs_zp = 0 : i64}
      : (tensor<1x1x2xi8>, tensor<1x2x1xi8>) -> tensor<1x1x1xi32>
  return %acc : tensor<1x1x1xi32>
}

{-#
  dialect_resources: {
    builtin: {
      rhs: "0x010000000107"
    }
  }
#-}
