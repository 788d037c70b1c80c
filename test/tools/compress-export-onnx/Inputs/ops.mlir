// A quantized program with every op the QDQ export handles: the input's
// quantize and layout change, a convolution requantized with a ReLU that
// is narrower than int8, padding, slicing, a residual add, max and average
// pooling, a reshape and a matmul, and the dequantized result. Scales:
// input 0.05; weights 0.01 per channel, so the convolution's accumulator
// unit is 5e-4 and multiplier 2^30 / 2^36 makes the output scale 0.032;
// the add's common scale is 0.032 / 2^19 and its output multiplier 2^-20
// makes 0.064; the matmul's weights are 0.02, its unit 1.28e-3, and
// multiplier 2^30 / 2^36 makes 0.08192.
func.func @main(%x: tensor<1x2x4x4xf32>) -> tensor<1x1x2xf32> {
  %q = qint.quantize %x {scale = 0.05 : f64, zero_point = -10 : i64} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xi8>
  %t = tosa.transpose %q {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xi8>) -> tensor<1x4x4x2xi8>
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 0.01, 0.01, 0.01>, values = dense<[[[[1, -2], [3, 4], [-5, 6]], [[7, 8], [-9, 10], [11, 12]], [[13, -14], [15, 16], [17, 18]]], [[[-1, 2], [3, -4], [5, 6]], [[7, -8], [9, 10], [-11, 12]], [[13, 14], [-15, 16], [17, -18]]], [[[2, 2], [2, 2], [2, 2]], [[-2, -2], [-2, -2], [-2, -2]], [[3, 3], [3, 3], [3, 3]]]]> : tensor<3x3x3x2xi8>} : tensor<3x3x3x2xi8>
  %b = arith.constant dense<[100, -200, 300]> : tensor<3xi32>
  %c = qint.conv2d %t, %w, %b {input_zp = -10 : i64, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x3x3x2xi8>, tensor<3xi32>) -> tensor<1x4x4x3xi32>
  %r = qint.requantize %c {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i8: 36, 36, 36>, output_zp = -100 : i64, clamp_min = -100 : i64, clamp_max = 127 : i64} : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
  %padding = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 0, 1]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %pv = "tosa.const"() <{values = dense<-100> : tensor<1xi8>}> : () -> tensor<1xi8>
  %p = tosa.pad %r, %padding, %pv : (tensor<1x4x4x3xi8>, !tosa.shape<8>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  %start = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 4, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %p, %start, %size : (tensor<1x4x4x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x4xi8>
  %a = qint.add %p, %s {lhs_zp = -100 : i64, rhs_zp = -100 : i64, lhs_multiplier = 1073741824 : i32, lhs_shift = 11 : i8, rhs_multiplier = 1073741824 : i32, rhs_shift = 11 : i8, output_multiplier = 1073741824 : i32, output_shift = 50 : i8, output_zp = -128 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64} : (tensor<1x4x4x4xi8>, tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  %m = qint.max_pool2d %a {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : tensor<1x4x4x4xi8> -> tensor<1x2x2x4xi8>
  %v = qint.avg_pool2d %m {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_zp = -128 : i64, output_zp = -128 : i64, acc_type = i32} : tensor<1x2x2x4xi8> -> tensor<1x1x1x4xi8>
  %shape = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %rs = tosa.reshape %v, %shape : (tensor<1x1x1x4xi8>, !tosa.shape<3>) -> tensor<1x1x4xi8>
  %fw = qint.weights {bits = 8 : i64, axis = 2 : i64, scales = array<f32: 0.02, 0.02>, values = dense<[[[10, -20], [30, 40], [-50, 60], [70, 80]]]> : tensor<1x4x2xi8>} : tensor<1x4x2xi8>
  %fb = arith.constant dense<[5, -5]> : tensor<2xi32>
  %mm = qint.matmul %rs, %fw, %fb {lhs_zp = -128 : i64} : (tensor<1x1x4xi8>, tensor<1x4x2xi8>, tensor<2xi32>) -> tensor<1x1x2xi32>
  %o = qint.requantize %mm {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i8: 36, 36>, output_zp = 0 : i64, clamp_min = -128 : i64, clamp_max = 127 : i64} : tensor<1x1x2xi32> -> tensor<1x1x2xi8>
  %d = qint.dequantize %o {scale = 0.08192 : f64, zero_point = 0 : i64} : tensor<1x1x2xi8> -> tensor<1x1x2xf32>
  return %d : tensor<1x1x2xf32>
}
