func.func @main(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x16xi8> {
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
                     0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5>,
                     values = dense<1> : tensor<16x3x3x8xi8>}
      : tensor<16x3x3x8xi8>
  %acc = qint.conv2d %x, %w {input_zp = -128 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x8xi8>, tensor<16x3x3x8xi8>) -> tensor<1x4x4x16xi32>
  %y = qint.requantize %acc {multiplier = array<i32: 1073741824>,
      shift = array<i8: 36>, output_zp = -128 : i64, clamp_min = -128 : i64,
      clamp_max = 127 : i64} : tensor<1x4x4x16xi32> -> tensor<1x4x4x16xi8>
  return %y : tensor<1x4x4x16xi8>
}
