// RUN: compress-opt %s --split-input-file --verify-diagnostics

//===----------------------------------------------------------------------===//
// qint.weights
//===----------------------------------------------------------------------===//

/// 4-bit signed weights use the narrow range [-7, 7].
func.func @weights_value_above_range() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op value 8 at flat index 1 does not fit 4-bit signed weights}}
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[1, 8]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// -128 is outside the narrow symmetric 8-bit range.
func.func @weights_value_below_range() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op value -128 at flat index 0 does not fit 8-bit signed weights}}
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[-128, 0]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// Ternary weights are {-1, 0, 1}.
func.func @weights_ternary_out_of_range() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op value -2 at flat index 1 does not fit 2-bit signed weights}}
  %w = qint.weights {bits = 2 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<[0, -2]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// Binary weights are {-1, +1}: 0 is not a binary value.
func.func @weights_binary_zero() -> tensor<3xi8> {
  // expected-error @+1 {{'qint.weights' op value 0 at flat index 2 does not fit 1-bit signed weights}}
  %w = qint.weights {bits = 1 : i64, scales = array<f32: 1.0, 1.0, 1.0>,
                     values = dense<[1, -1, 0]> : tensor<3xi8>} : tensor<3xi8>
  return %w : tensor<3xi8>
}

// -----

/// Unsigned weights have no negative values.
func.func @weights_unsigned_negative() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op value -1 at flat index 0 does not fit 3-bit unsigned weights}}
  %w = qint.weights {bits = 3 : i64, is_signed = false,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[-1, 7]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @weights_unsigned_too_wide() -> tensor<1xi8> {
  // expected-error @+1 {{'qint.weights' op unsigned weights need at most 7 bits in i8 storage}}
  %w = qint.weights {bits = 8 : i64, is_signed = false, scales = array<f32: 1.0>,
                     values = dense<[3]> : tensor<1xi8>} : tensor<1xi8>
  return %w : tensor<1xi8>
}

// -----

func.func @weights_bits_above_eight() -> tensor<1xi8> {
  // expected-error @+1 {{'qint.weights' op attribute 'bits' failed to satisfy constraint}}
  %w = qint.weights {bits = 9 : i64, scales = array<f32: 1.0>,
                     values = dense<[3]> : tensor<1xi8>} : tensor<1xi8>
  return %w : tensor<1xi8>
}

// -----

func.func @weights_shape_mismatch() -> tensor<2x2xi8> {
  // expected-error @+1 {{'qint.weights' op values shape does not match the result type}}
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<1> : tensor<4xi8>} : tensor<2x2xi8>
  return %w : tensor<2x2xi8>
}

// -----

func.func @weights_values_not_i8() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op values must be i8}}
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense<1> : tensor<2xi16>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// The verifier reads every value, which a resource blob does not allow.
func.func @weights_resource_values() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op values must be readable element by element, as dense<...> is}}
  %w = qint.weights {bits = 4 : i64, scales = array<f32: 1.0, 1.0>,
                     values = dense_resource<weights> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x010000000107"
    }
  }
#-}

// -----

func.func @weights_bad_axis() -> tensor<2x3xi8> {
  // expected-error @+1 {{'qint.weights' op axis 2 is out of range for rank 2}}
  %w = qint.weights {axis = 2 : i64, bits = 8 : i64, scales = array<f32: 1.0>,
                     values = dense<1> : tensor<2x3xi8>} : tensor<2x3xi8>
  return %w : tensor<2x3xi8>
}

// -----

func.func @weights_negative_axis() -> tensor<2x3xi8> {
  // expected-error @+1 {{'qint.weights' op axis -1 is out of range for rank 2}}
  %w = qint.weights {axis = -1 : i64, bits = 8 : i64, scales = array<f32: 1.0>,
                     values = dense<1> : tensor<2x3xi8>} : tensor<2x3xi8>
  return %w : tensor<2x3xi8>
}

// -----

/// One scale per output channel along `axis`.
func.func @weights_wrong_scale_count() -> tensor<2x3xi8> {
  // expected-error @+1 {{'qint.weights' op expects 3 scales (one per slice along axis 1), got 2}}
  %w = qint.weights {axis = 1 : i64, bits = 8 : i64,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<1> : tensor<2x3xi8>} : tensor<2x3xi8>
  return %w : tensor<2x3xi8>
}

// -----

func.func @weights_zero_scale() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op scales must be positive and finite}}
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 1.0, 0.0>,
                     values = dense<1> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// The sparse layout needs its mask.
func.func @weights_sparse_no_mask() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op sparse layout needs a mask}}
  %w = qint.weights {bits = 8 : i64, layout = #qint.layout<sparse>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[1]> : tensor<1xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @weights_mask_on_dense() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op mask and block belong to the sparse layout}}
  %w = qint.weights {bits = 8 : i64, mask = dense<3> : tensor<1xi8>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[1, 2]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// 20 blocks need 3 mask bytes.
func.func @weights_sparse_mask_bytes() -> tensor<20xi8> {
  // expected-error @+1 {{'qint.weights' op sparse layout expects a mask of type tensor<3xi8> (one bit per block, 20 blocks), got 'tensor<2xi8>'}}
  %w = qint.weights {bits = 8 : i64, layout = #qint.layout<sparse>,
                     mask = dense<[1, 0]> : tensor<2xi8>,
                     scales = array<f32: 1.0>,
                     values = dense<[1]> : tensor<1xi8>} : tensor<20xi8>
  return %w : tensor<20xi8>
}

// -----

/// Five elements in 1x4 blocks are two blocks: bits 2..7 of the mask are
/// unused.
func.func @weights_sparse_mask_padding() -> tensor<1x5xi8> {
  // expected-error @+1 {{'qint.weights' op mask must leave the 6 unused high bits of the last byte zero}}
  %w = qint.weights {bits = 8 : i64, layout = #qint.layout<sparse>,
                     block = array<i64: 1, 4>, mask = dense<5> : tensor<1xi8>,
                     scales = array<f32: 1.0>,
                     values = dense<[1, 2, 3, 4]> : tensor<4xi8>} : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

/// The mask keeps block 0 (four weights) and block 1 (one weight): five
/// 4-bit weights need 3 bytes.
func.func @weights_sparse_value_bytes() -> tensor<1x5xi8> {
  // expected-error @+1 {{'qint.weights' op sparse layout expects values of type tensor<3xi8> (5 kept weights of 4 bits), got 'tensor<2xi8>'}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<sparse>,
                     block = array<i64: 1, 4>, mask = dense<3> : tensor<1xi8>,
                     scales = array<f32: 1.0>,
                     values = dense<[1, 2]> : tensor<2xi8>} : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

func.func @weights_sparse_block_rank() -> tensor<1x5xi8> {
  // expected-error @+1 {{'qint.weights' op block needs 2 positive extents, one per dimension}}
  %w = qint.weights {bits = 8 : i64, layout = #qint.layout<sparse>,
                     block = array<i64: 4>, mask = dense<1> : tensor<1xi8>,
                     scales = array<f32: 1.0>,
                     values = dense<[1, 2, 3, 4]> : tensor<4xi8>} : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

func.func @weights_sparse_binary() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op sparse layout cannot hold binary weights, which have no zero}}
  %w = qint.weights {bits = 1 : i64, layout = #qint.layout<sparse>,
                     mask = dense<1> : tensor<1xi8>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[1]> : tensor<1xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// One kept 3-bit weight uses 3 bits of its byte.
func.func @weights_sparse_value_padding() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op sparse values must leave the 5 unused high bits of the last byte zero}}
  %w = qint.weights {bits = 3 : i64, layout = #qint.layout<sparse>,
                     mask = dense<1> : tensor<1xi8>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[9]> : tensor<1xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// Stored fields are checked against the bit width like dense values: the
/// 3-bit field 4 is -4, outside the narrow range [-3, 3].
func.func @weights_sparse_value_range() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op value -4 at flat index 0 does not fit 3-bit signed weights}}
  %w = qint.weights {bits = 3 : i64, layout = #qint.layout<sparse>,
                     mask = dense<1> : tensor<1xi8>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[4]> : tensor<1xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

/// The packed layout is for sub-byte weights.
func.func @weights_packed_eight_bits() -> tensor<2xi8> {
  // expected-error @+1 {{'qint.weights' op packed layout needs fewer than 8 bits; 8-bit weights are stored dense}}
  %w = qint.weights {bits = 8 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<[1, 2]> : tensor<2xi8>} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @weights_packed_dynamic_shape() -> tensor<?xi8> {
  // expected-error @+1 {{'qint.weights' op packed layout needs a static result shape}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<[1]> : tensor<1xi8>} : tensor<?xi8>
  return %w : tensor<?xi8>
}

// -----

/// Five 4-bit weights need ceil(20 / 8) = 3 bytes.
func.func @weights_packed_byte_count() -> tensor<1x5xi8> {
  // expected-error @+1 {{'qint.weights' op packed layout expects values of type tensor<3xi8> (5 fields of 4 bits), got 'tensor<2xi8>'}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<[1, 2]> : tensor<2xi8>} : tensor<1x5xi8>
  return %w : tensor<1x5xi8>
}

// -----

/// Packed bytes are a 1-D tensor, whatever the shape of the weights.
func.func @weights_packed_not_1d() -> tensor<2x4xi8> {
  // expected-error @+1 {{'qint.weights' op packed layout expects values of type tensor<4xi8> (8 fields of 4 bits), got 'tensor<2x2xi8>'}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0, 1.0>,
                     values = dense<0> : tensor<2x2xi8>} : tensor<2x4xi8>
  return %w : tensor<2x4xi8>
}

// -----

func.func @weights_packed_not_i8() -> tensor<1x4xi8> {
  // expected-error @+1 {{'qint.weights' op values must be i8}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<0> : tensor<2xi16>} : tensor<1x4xi8>
  return %w : tensor<1x4xi8>
}

// -----

/// Two 3-bit weights use bits 0..5 of the byte; bit 6 must be 0.
func.func @weights_packed_padding_bits() -> tensor<1x2xi8> {
  // expected-error @+1 {{'qint.weights' op packed values must leave the 2 unused high bits of the last byte zero}}
  %w = qint.weights {bits = 3 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<[64]> : tensor<1xi8>} : tensor<1x2xi8>
  return %w : tensor<1x2xi8>
}

// -----

/// A 4-bit two's complement field can hold -8, outside the narrow range.
func.func @weights_packed_value_out_of_range() -> tensor<1x2xi8> {
  // expected-error @+1 {{'qint.weights' op value -8 at flat index 1 does not fit 4-bit signed weights}}
  %w = qint.weights {bits = 4 : i64, layout = #qint.layout<packed>,
                     scales = array<f32: 1.0>,
                     values = dense<[-121]> : tensor<1xi8>} : tensor<1x2xi8>
  return %w : tensor<1x2xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qint.quantize / qint.dequantize
//===----------------------------------------------------------------------===//

func.func @quantize_negative_scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.quantize' op scale must be positive and finite, got -5.000000e-01}}
  %q = qint.quantize %x {scale = -0.5 : f64, zero_point = 0 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @quantize_qmin_outside_type(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.quantize' op qmin -129 is outside the range [-128, 127] of 'i8'}}
  %q = qint.quantize %x {scale = 0.5 : f64, zero_point = 0 : i64,
                         qmin = -129 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @quantize_qmax_outside_type(%x: tensor<4xf32>) -> tensor<4xi16> {
  // expected-error @+1 {{'qint.quantize' op qmax 32768 is outside the range [-32768, 32767] of 'i16'}}
  %q = qint.quantize %x {scale = 0.5 : f64, zero_point = 0 : i64,
                         qmax = 32768 : i64}
      : tensor<4xf32> -> tensor<4xi16>
  return %q : tensor<4xi16>
}

// -----

func.func @quantize_qmin_above_qmax(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.quantize' op qmin 8 exceeds qmax 7}}
  %q = qint.quantize %x {scale = 0.5 : f64, zero_point = 7 : i64,
                         qmin = 8 : i64, qmax = 7 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

/// The zero point must be representable after the clamp.
func.func @quantize_zero_point_outside_clamp(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.quantize' op zero_point -128 is outside [qmin, qmax] = [-8, 7]}}
  %q = qint.quantize %x {scale = 0.5 : f64, zero_point = -128 : i64,
                         qmin = -8 : i64, qmax = 7 : i64}
      : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @dequantize_zero_point_outside_type(%q: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{'qint.dequantize' op zero_point 128 is outside the range [-128, 127] of 'i8'}}
  %x = qint.dequantize %q {scale = 0.5 : f64, zero_point = 128 : i64}
      : tensor<4xi8> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

func.func @dequantize_zero_scale(%q: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{'qint.dequantize' op scale must be positive and finite, got 0.000000e+00}}
  %x = qint.dequantize %q {scale = 0.0 : f64, zero_point = 0 : i64}
      : tensor<4xi8> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qint.conv2d
//===----------------------------------------------------------------------===//

func.func @conv2d_rank(%x: tensor<8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects rank-4 input (NHWC), weights (OHWI) and output}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_input_channels(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x2xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op input channels do not match weight channels}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x2xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_output_channels(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x5xi32> {
  // expected-error @+1 {{'qint.conv2d' op output batch or channels do not match}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x5xi32>
  return %0 : tensor<1x6x6x5xi32>
}

// -----

func.func @conv2d_output_batch(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<2x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op output batch or channels do not match}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<2x6x6x4xi32>
  return %0 : tensor<2x6x6x4xi32>
}

// -----

func.func @conv2d_input_zp_outside_type(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op input_zp 200 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.conv2d %x, %w {input_zp = 200 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_dynamic_kernel(%x: tensor<1x8x8x3xi8>, %w: tensor<4x?x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects static kernel sizes}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x?x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_stride_size(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects kernel, stride and dilation of two elements}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_pad_size(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects pad of four elements [top, bottom, left, right]}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_negative_pad(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects non-negative padding}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, -1, 1>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @conv2d_zero_stride(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects positive kernel, stride and dilation}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

/// (8 + 0 - 2*1 - 1) / 1 + 1 = 6 rows.
func.func @conv2d_output_height(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x7x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects output height 6, got 7}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x7x6x4xi32>
  return %0 : tensor<1x7x6x4xi32>
}

// -----

/// (8 + 1 + 1 - 2*2 - 1) / 2 + 1 = 3 columns with stride and dilation 2.
func.func @conv2d_output_width(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x3x4x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects output width 3, got 4}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 1, 1, 1, 1>,
      stride = array<i64: 2, 2>, dilation = array<i64: 2, 2>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x3x4x4xi32>
  return %0 : tensor<1x3x4x4xi32>
}

// -----

/// A kernel larger than the padded input leaves no output position.
func.func @conv2d_kernel_exceeds_input(%x: tensor<1x2x2x3xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x1x1x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects output height 0, got 1}}
  %0 = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x3xi8>, tensor<4x3x3x3xi8>) -> tensor<1x1x1x4xi32>
  return %0 : tensor<1x1x1x4xi32>
}

// -----

func.func @conv2d_bias_shape(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<3xi32>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op expects a bias of shape [4], got 'tensor<3xi32>'}}
  %0 = qint.conv2d %x, %w, %b {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>, tensor<3xi32>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

/// The bias is added in the accumulator, so it has the accumulator type.
func.func @conv2d_bias_type(%x: tensor<1x8x8x3xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi16>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.conv2d' op bias element type must be the accumulator type 'i32'}}
  %0 = qint.conv2d %x, %w, %b {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x8x8x3xi8>, tensor<4x3x3x3xi8>, tensor<4xi16>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

//===----------------------------------------------------------------------===//
// qint.depthwise_conv2d
//===----------------------------------------------------------------------===//

func.func @depthwise_rank(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4xi8>) -> tensor<1x4x4x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op expects rank-4 input (NHWC), weights (HWCM) and output}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

func.func @depthwise_input_channels(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x2x2xi8>) -> tensor<1x4x4x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op input channels do not match weight channels}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x2x2xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

/// C = 4 input channels times M = 2 multipliers give 8 output channels.
func.func @depthwise_output_channels(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x2xi8>) -> tensor<1x4x4x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op output batch or channels do not match}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

func.func @depthwise_input_zp_outside_type(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x1xi8>) -> tensor<1x4x4x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op input_zp -129 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = -129 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

func.func @depthwise_dynamic_kernel(%x: tensor<1x6x6x4xi8>, %w: tensor<3x?x4x1xi8>) -> tensor<1x4x4x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op expects static kernel sizes}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x?x4x1xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

func.func @depthwise_output_size(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x1xi8>) -> tensor<1x6x6x4xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op expects output height 4, got 6}}
  %0 = qint.depthwise_conv2d %x, %w {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>) -> tensor<1x6x6x4xi32>
  return %0 : tensor<1x6x6x4xi32>
}

// -----

func.func @depthwise_bias_shape(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x2xi8>, %b: tensor<4xi32>) -> tensor<1x4x4x8xi32> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op expects a bias of shape [8], got 'tensor<4xi32>'}}
  %0 = qint.depthwise_conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>, tensor<4xi32>) -> tensor<1x4x4x8xi32>
  return %0 : tensor<1x4x4x8xi32>
}

// -----

func.func @depthwise_bias_type(%x: tensor<1x6x6x4xi8>, %w: tensor<3x3x4x2xi8>, %b: tensor<8xi32>) -> tensor<1x4x4x8xi64> {
  // expected-error @+1 {{'qint.depthwise_conv2d' op bias element type must be the accumulator type 'i64'}}
  %0 = qint.depthwise_conv2d %x, %w, %b {input_zp = 0 : i64,
      pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>, tensor<8xi32>) -> tensor<1x4x4x8xi64>
  return %0 : tensor<1x4x4x8xi64>
}

// -----

//===----------------------------------------------------------------------===//
// qint.matmul
//===----------------------------------------------------------------------===//

func.func @matmul_rank(%a: tensor<3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op expects rank-3 operands [B,M,K] x [B,K,N] -> [B,M,N]}}
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<3x4xi8>, tensor<1x4x5xi8>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

func.func @matmul_reduction(%a: tensor<1x3x4xi8>, %b: tensor<1x5x5xi8>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op reduction sizes do not match}}
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x3x4xi8>, tensor<1x5x5xi8>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

func.func @matmul_result_shape(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<1x3x6xi32> {
  // expected-error @+1 {{'qint.matmul' op result shape does not match the operands}}
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x5xi8>) -> tensor<1x3x6xi32>
  return %0 : tensor<1x3x6xi32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<2x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op result shape does not match the operands}}
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64}
      : (tensor<2x3x4xi8>, tensor<1x4x5xi8>) -> tensor<2x3x5xi32>
  return %0 : tensor<2x3x5xi32>
}

// -----

func.func @matmul_lhs_zp_outside_type(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op lhs_zp 128 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.matmul %a, %b {lhs_zp = 128 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x5xi8>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

func.func @matmul_rhs_zp_outside_type(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op rhs_zp -200 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.matmul %a, %b {lhs_zp = 0 : i64, rhs_zp = -200 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x5xi8>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

func.func @matmul_bias_shape(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>, %c: tensor<3xi32>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op expects a bias of shape [5], got 'tensor<3xi32>'}}
  %0 = qint.matmul %a, %b, %c {lhs_zp = 0 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x5xi8>, tensor<3xi32>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

func.func @matmul_bias_type(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>, %c: tensor<5xi64>) -> tensor<1x3x5xi32> {
  // expected-error @+1 {{'qint.matmul' op bias element type must be the accumulator type 'i32'}}
  %0 = qint.matmul %a, %b, %c {lhs_zp = 0 : i64}
      : (tensor<1x3x4xi8>, tensor<1x4x5xi8>, tensor<5xi64>) -> tensor<1x3x5xi32>
  return %0 : tensor<1x3x5xi32>
}

// -----

//===----------------------------------------------------------------------===//
// qint.requantize
//===----------------------------------------------------------------------===//

func.func @requantize_shift_too_small(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op shift 1 is outside the range [2, 62] of tosa.rescale}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 1>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_shift_too_large(%x: tensor<1x2xi32>) -> tensor<1x2xi8> {
  // expected-error @+1 {{'qint.requantize' op shift 63 is outside the range [2, 62] of tosa.rescale}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824, 1073741824>,
      shift = array<i8: 30, 63>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x2xi32> -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

func.func @requantize_shift_count(%x: tensor<1x2xi32>) -> tensor<1x2xi8> {
  // expected-error @+1 {{'qint.requantize' op expects as many shifts as multipliers, at least one}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824, 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x2xi32> -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

func.func @requantize_no_multiplier(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op expects as many shifts as multipliers, at least one}}
  %0 = qint.requantize %x {multiplier = array<i32>, shift = array<i8>,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

/// Per-channel scaling runs along the last dimension.
func.func @requantize_per_channel_count(%x: tensor<2x3xi32>) -> tensor<2x3xi8> {
  // expected-error @+1 {{'qint.requantize' op per-channel scaling needs one multiplier per element of the last dimension (3), got 2}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824, 1073741824>,
      shift = array<i8: 30, 30>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<2x3xi32> -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @requantize_negative_multiplier(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op multipliers must be non-negative}}
  %0 = qint.requantize %x {multiplier = array<i32: -1>, shift = array<i8: 30>,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_wide_input(%x: tensor<4xi48>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op input wider than 32 bits cannot be rescaled with a 32-bit multiplier}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi48> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_wide_result(%x: tensor<4xi32>) -> tensor<4xi64> {
  // expected-error @+1 {{'qint.requantize' op result wider than 32 bits is not supported}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @requantize_input_zp_outside_type(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op input_zp 128 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, input_zp = 128 : i64, output_zp = 0 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_output_zp_outside_type(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op output_zp -129 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = -129 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_clamp_min_outside_type(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op clamp_min -129 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = -129 : i64, clamp_max = 127 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @requantize_clamp_max_outside_type(%x: tensor<4xi32>) -> tensor<4xi16> {
  // expected-error @+1 {{'qint.requantize' op clamp_max 40000 is outside the range [-32768, 32767] of 'i16'}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = 0 : i64, clamp_max = 40000 : i64}
      : tensor<4xi32> -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

func.func @requantize_clamp_min_above_max(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.requantize' op clamp_min 10 exceeds clamp_max 0}}
  %0 = qint.requantize %x {multiplier = array<i32: 1073741824>,
      shift = array<i8: 30>, output_zp = 0 : i64,
      clamp_min = 10 : i64, clamp_max = 0 : i64}
      : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qint.add
//===----------------------------------------------------------------------===//

func.func @add_shift_outside_range(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op shift 0 is outside the range [2, 62] of tosa.rescale}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 0 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_negative_multiplier(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op multipliers must be non-negative}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = -5 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_lhs_zp_outside_type(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op lhs_zp 255 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.add %l, %r {lhs_zp = 255 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_rhs_zp_outside_type(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op rhs_zp -129 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = -129 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_output_zp_outside_type(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op output_zp 128 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 128 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_clamp_outside_type(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op clamp_max 255 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = 0 : i64, clamp_max = 255 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @add_clamp_min_above_max(%l: tensor<4xi8>, %r: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'qint.add' op clamp_min 1 exceeds clamp_max -1}}
  %0 = qint.add %l, %r {lhs_zp = 0 : i64, rhs_zp = 0 : i64,
      lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i8,
      rhs_multiplier = 1073741824 : i32, rhs_shift = 10 : i8,
      output_multiplier = 1073741824 : i32, output_shift = 40 : i8,
      output_zp = 0 : i64, clamp_min = 1 : i64, clamp_max = -1 : i64}
      : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qint.max_pool2d / qint.avg_pool2d
//===----------------------------------------------------------------------===//

func.func @max_pool_rank(%x: tensor<7x7x4xi8>) -> tensor<3x3x4xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op expects rank-4 (NHWC) input and output}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>} : tensor<7x7x4xi8> -> tensor<3x3x4xi8>
  return %0 : tensor<3x3x4xi8>
}

// -----

func.func @max_pool_element_type(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x4xi16> {
  // expected-error @+1 {{'qint.max_pool2d' op input and output element types differ}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>} : tensor<1x7x7x4xi8> -> tensor<1x3x3x4xi16>
  return %0 : tensor<1x3x3x4xi16>
}

// -----

func.func @max_pool_channels(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x2xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op output batch or channels do not match}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>} : tensor<1x7x7x4xi8> -> tensor<1x3x3x2xi8>
  return %0 : tensor<1x3x3x2xi8>
}

// -----

/// A window made only of padding would have no element to pool.
func.func @max_pool_pad_not_below_kernel(%x: tensor<1x7x7x4xi8>) -> tensor<1x4x4x4xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op padding must be smaller than the kernel}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 2, 0>} : tensor<1x7x7x4xi8> -> tensor<1x4x4x4xi8>
  return %0 : tensor<1x4x4x4xi8>
}

// -----

func.func @max_pool_kernel_size(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x4xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op expects kernel, stride and dilation of two elements}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 2, 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>} : tensor<1x7x7x4xi8> -> tensor<1x3x3x4xi8>
  return %0 : tensor<1x3x3x4xi8>
}

// -----

/// (7 + 1 - 3) / 2 + 1 = 3 columns.
func.func @max_pool_output_width(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x4x4xi8> {
  // expected-error @+1 {{'qint.max_pool2d' op expects output width 3, got 4}}
  %0 = qint.max_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 1, 0>} : tensor<1x7x7x4xi8> -> tensor<1x3x4x4xi8>
  return %0 : tensor<1x3x4x4xi8>
}

// -----

func.func @avg_pool_pad_not_below_kernel(%x: tensor<1x7x7x4xi8>) -> tensor<1x5x3x4xi8> {
  // expected-error @+1 {{'qint.avg_pool2d' op padding must be smaller than the kernel}}
  %0 = qint.avg_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>,
      pad = array<i64: 3, 0, 0, 0>, input_zp = 0 : i64, output_zp = 0 : i64,
      acc_type = i32} : tensor<1x7x7x4xi8> -> tensor<1x5x3x4xi8>
  return %0 : tensor<1x5x3x4xi8>
}

// -----

/// tosa.avg_pool2d accumulates i8 and i16 inputs in i32.
func.func @avg_pool_acc_type(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x4xi8> {
  // expected-error @+1 {{'qint.avg_pool2d' op expects an i32 accumulator, as tosa.avg_pool2d}}
  %0 = qint.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i64, output_zp = 0 : i64,
      acc_type = i16} : tensor<1x7x7x4xi8> -> tensor<1x3x3x4xi8>
  return %0 : tensor<1x3x3x4xi8>
}

// -----

func.func @avg_pool_input_zp_outside_type(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x4xi8> {
  // expected-error @+1 {{'qint.avg_pool2d' op input_zp 128 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 128 : i64, output_zp = 0 : i64,
      acc_type = i32} : tensor<1x7x7x4xi8> -> tensor<1x3x3x4xi8>
  return %0 : tensor<1x3x3x4xi8>
}

// -----

func.func @avg_pool_output_zp_outside_type(%x: tensor<1x7x7x4xi8>) -> tensor<1x3x3x4xi8> {
  // expected-error @+1 {{'qint.avg_pool2d' op output_zp -129 is outside the range [-128, 127] of 'i8'}}
  %0 = qint.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i64, output_zp = -129 : i64,
      acc_type = i32} : tensor<1x7x7x4xi8> -> tensor<1x3x3x4xi8>
  return %0 : tensor<1x3x3x4xi8>
}

// -----

func.func @avg_pool_output_height(%x: tensor<1x7x7x4xi8>) -> tensor<1x4x3x4xi8> {
  // expected-error @+1 {{'qint.avg_pool2d' op expects output height 3, got 4}}
  %0 = qint.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i64, output_zp = 0 : i64,
      acc_type = i32} : tensor<1x7x7x4xi8> -> tensor<1x4x3x4xi8>
  return %0 : tensor<1x4x3x4xi8>
}
