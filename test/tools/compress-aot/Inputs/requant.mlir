// A small integer program for the AOT tests: a padded 2x2 convolution of
// int8 data with int8 weights and an i32 bias, requantized back to int8
// with one multiplier and shift per output channel.
func.func @main(%x: tensor<1x3x3x2xi8>) -> tensor<1x4x4x3xi8> {
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 0.5, 0.25, 0.125>,
      values = dense<[[[[1, -2], [3, 4]], [[-5, 6], [7, -8]]],
                      [[[127, -127], [64, 0]], [[-1, 1], [100, -90]]],
                      [[[2, 2], [2, 2]], [[-3, -3], [-3, -3]]]]>
          : tensor<3x2x2x2xi8>} : tensor<3x2x2x2xi8>
  %b = arith.constant dense<[10, -20000, 30]> : tensor<3xi32>
  %acc = qint.conv2d %x, %w, %b {input_zp = -3 : i64,
      pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
      dilation = array<i64: 1, 1>}
      : (tensor<1x3x3x2xi8>, tensor<3x2x2x2xi8>, tensor<3xi32>)
      -> tensor<1x4x4x3xi32>
  %y = qint.requantize %acc {
      multiplier = array<i32: 1073741824, 1518500250, 2147483647>,
      shift = array<i8: 37, 41, 33>, output_zp = -5 : i64,
      clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
  return %y : tensor<1x4x4x3xi8>
}
