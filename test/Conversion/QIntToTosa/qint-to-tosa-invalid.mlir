// RUN: compress-opt %s --split-input-file --convert-qint-to-tosa --verify-diagnostics

/// A narrow accumulator is computed in i32, TOSA's accumulator for i8
/// products: only a requantize or a dequantize, whose export reads the i32
/// value, can read it.
func.func @conv2d_i16_accumulator(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>)
    -> tensor<1x4x4x3xi16> {
  // expected-error @+1 {{'qint.conv2d' op cannot be exported to TOSA: the i16 accumulator is read by 'func.return'; TOSA has no i16, so it is computed in i32, which only qint.requantize and qint.dequantize can read}}
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi16>
  return %acc : tensor<1x4x4x3xi16>
}

// -----

func.func @depthwise_conv2d_i64_accumulator(%x: tensor<1x4x4x2xi8>,
    %w: tensor<1x1x2x1xi8>) -> tensor<1x4x4x2xi64> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op cannot be exported to TOSA: the i64 accumulator has no TOSA equivalent}}
  %acc = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi8>, tensor<1x1x2x1xi8>) -> tensor<1x4x4x2xi64>
  return %acc : tensor<1x4x4x2xi64>
}

// -----

func.func @matmul_i16_accumulator(%a: tensor<1x2x3xi8>, %b: tensor<1x3x4xi8>)
    -> tensor<1x2x4xi16> {
  // expected-error @+1 {{'qint.matmul' op cannot be exported to TOSA: the i16 accumulator is read by 'func.return'}}
  %y = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x2x3xi8>, tensor<1x3x4xi8>) -> tensor<1x2x4xi16>
  return %y : tensor<1x2x4xi16>
}

// -----

/// TOSA multiplies i16 activations into i48, never into i32.
func.func @conv2d_i16_input(%x: tensor<1x4x4x2xi16>, %w: tensor<3x1x1x2xi8>)
    -> tensor<1x4x4x3xi32> {
  // expected-error @+1 {{'qint.conv2d' op cannot be exported to TOSA: i16 operands accumulate in i48 in TOSA; only i8 operands with accumulators of at most 32 bits are exported}}
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi16>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi32>
  return %acc : tensor<1x4x4x3xi32>
}

// -----

func.func @matmul_i16_operand(%a: tensor<1x2x3xi16>, %b: tensor<1x3x4xi8>)
    -> tensor<1x2x4xi32> {
  // expected-error @+1 {{'qint.matmul' op cannot be exported to TOSA: i16 operands accumulate in i48 in TOSA}}
  %y = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x2x3xi16>, tensor<1x3x4xi8>) -> tensor<1x2x4xi32>
  return %y : tensor<1x2x4xi32>
}

// -----

/// Whether the last window is complete depends on the unknown height.
func.func @conv2d_dynamic_height_strided(%x: tensor<1x?x4x2xi8>,
    %w: tensor<3x2x2x2xi8>) -> tensor<1x?x2x3xi32> {
  // expected-error @+1 {{'qint.conv2d' op cannot be exported to TOSA: a dynamic spatial size with a stride above 1 may leave an incomplete last window, which TOSA does not allow}}
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
      : (tensor<1x?x4x2xi8>, tensor<3x2x2x2xi8>) -> tensor<1x?x2x3xi32>
  return %acc : tensor<1x?x2x3xi32>
}

// -----

func.func @max_pool2d_dynamic_width_strided(%x: tensor<1x4x?x2xi8>)
    -> tensor<1x2x?x2xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op cannot be exported to TOSA: a dynamic spatial size with a stride above 1}}
  %y = qint.max_pool2d %x {kernel = array<i64: 2, 2>,
      stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
      : tensor<1x4x?x2xi8> -> tensor<1x2x?x2xi8>
  return %y : tensor<1x2x?x2xi8>
}

// -----

func.func @avg_pool2d_i16_zero_point(%x: tensor<1x4x4x2xi16>)
    -> tensor<1x2x2x2xi16> {
  // expected-error @+1 {{'qint.avg_pool2d' op cannot be exported to TOSA: tosa.avg_pool2d takes zero points only on i8, got input_zp 3 and output_zp 0 on i16}}
  %y = qint.avg_pool2d %x {kernel = array<i64: 2, 2>,
      stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>,
      input_zp = 3 : i64, output_zp = 0 : i64, acc_type = i32}
      : tensor<1x4x4x2xi16> -> tensor<1x2x2x2xi16>
  return %y : tensor<1x2x2x2xi16>
}

// -----

func.func @dequantize_i64(%q: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'qint.dequantize' op cannot be exported to TOSA: the i64 input has no TOSA equivalent: TOSA converts integers of at most 32 bits to float}}
  %x = qint.dequantize %q {scale = 0.5 : f64, zero_point = 0 : i64}
      : tensor<4xi64> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

/// q - zero_point is exact in the evaluator but could wrap in a TOSA i32
/// subtraction.
func.func @dequantize_i32_zero_point(%q: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qint.dequantize' op cannot be exported to TOSA: q - zero_point (5) can overflow i32, the widest integer TOSA subtracts in}}
  %x = qint.dequantize %q {scale = 0.5 : f64, zero_point = 5 : i64}
      : tensor<4xi32> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

/// A narrow accumulator is computed in i32, so its bias must be widened to
/// i32 at compile time: it must be a constant.
func.func @narrow_bias_not_constant(%x: tensor<1x4x4x2xi8>, %b: tensor<3xi20>)
    -> tensor<1x4x4x3xi8> {
  %w = arith.constant dense<1> : tensor<3x1x1x2xi8>
  // expected-error @+1 {{'qint.conv2d' op cannot be exported to TOSA: the bias of the i20 accumulator is not a constant, so it cannot be widened to TOSA's i32}}
  %acc = qint.conv2d %x, %w, %b {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi20>) -> tensor<1x4x4x3xi20>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 40>, output_zp = 0 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x4x4x3xi20> -> tensor<1x4x4x3xi8>
  return %y : tensor<1x4x4x3xi8>
}
