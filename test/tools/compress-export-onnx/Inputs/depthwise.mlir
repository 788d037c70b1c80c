// A depthwise convolution (3 channels, multiplier 2, weights scaled per
// input channel) as the QDQ export writes it: a Conv with 3 groups over
// weights [6, 1, 3, 3]. Scales: input 0.05, weights 0.01, 0.02 and 0.04,
// output 0.02, so output channel c*2+m has multiplier 0.025 * 2^c
// (1717986918 / 2^(36-c)).
func.func @main(%x: tensor<1x3x4x4xf32>) -> tensor<1x4x4x6xf32> {
  %q = qint.quantize %x {scale = 0.05 : f64, zero_point = 3 : i64} : tensor<1x3x4x4xf32> -> tensor<1x3x4x4xi8>
  %t = tosa.transpose %q {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xi8>) -> tensor<1x4x4x3xi8>
  %w = qint.weights {bits = 8 : i64, axis = 2 : i64, scales = array<f32: 0.01, 0.02, 0.04>, values = dense<[[[[-2, -3], [1, -4], [5, 2]], [[3, -1], [4, -5], [-2, -3]], [[1, -4], [5, 2], [3, -1]]], [[[4, -5], [-2, -3], [1, -4]], [[5, 2], [3, -1], [4, -5]], [[-2, -3], [1, -4], [5, 2]]], [[[3, -1], [4, -5], [-2, -3]], [[1, -4], [5, 2], [3, -1]], [[4, -5], [-2, -3], [1, -4]]]]> : tensor<3x3x3x2xi8>} : tensor<3x3x3x2xi8>
  %b = arith.constant dense<[10, -10, 20, -20, 30, -30]> : tensor<6xi32>
  %c = qint.depthwise_conv2d %t, %w, %b {input_zp = 3 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<3x3x3x2xi8>, tensor<6xi32>) -> tensor<1x4x4x6xi32>
  %r = qint.requantize %c {multiplier = array<i32: 1717986918, 1717986918, 1717986918, 1717986918, 1717986918, 1717986918>, shift = array<i8: 36, 36, 35, 35, 34, 34>, output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64} : tensor<1x4x4x6xi32> -> tensor<1x4x4x6xi8>
  %d = qint.dequantize %r {scale = 0.02 : f64, zero_point = 0 : i64} : tensor<1x4x4x6xi8> -> tensor<1x4x4x6xf32>
  return %d : tensor<1x4x4x6xf32>
}
