// A small qint model with 3-bit signed and 4-bit unsigned weights for the
// packed-weights tests: y = [x * w3, x * w4] on x quantized to i8. Written
// with dense weights; the test packs them with compress-pack-weights.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1x8xf32> {
  %shape = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %shape : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %q = qint.quantize %x3 {scale = 6.250000e-02 : f64, zero_point = -3 : i64}
      : tensor<1x1x4xf32> -> tensor<1x1x4xi8>
  %w3 = qint.weights {axis = 2 : i64, bits = 3 : i64,
                      scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>,
                      values = dense<[[[3, -3, 0, 1, -1], [-2, 2, 3, -3, 1],
                                       [0, -1, 2, 3, -2], [1, 1, -3, 0, 2]]]>
                          : tensor<1x4x5xi8>} : tensor<1x4x5xi8>
  %w4 = qint.weights {axis = 2 : i64, bits = 4 : i64, is_signed = false,
                      scales = array<f32: 0.25, 0.25, 0.25>,
                      values = dense<[[[15, 0, 7], [8, 1, 14], [3, 12, 5],
                                       [9, 6, 10]]]> : tensor<1x4x3xi8>}
      : tensor<1x4x3xi8>
  %a = qint.matmul %q, %w3 {lhs_zp = -3 : i64}
      : (tensor<1x1x4xi8>, tensor<1x4x5xi8>) -> tensor<1x1x5xi32>
  %b = qint.matmul %q, %w4 {lhs_zp = -3 : i64}
      : (tensor<1x1x4xi8>, tensor<1x4x3xi8>) -> tensor<1x1x3xi32>
  %fa = qint.dequantize %a {scale = 3.125000e-02 : f64, zero_point = 0 : i64}
      : tensor<1x1x5xi32> -> tensor<1x1x5xf32>
  %fb = qint.dequantize %b {scale = 1.562500e-02 : f64, zero_point = 0 : i64}
      : tensor<1x1x3xi32> -> tensor<1x1x3xf32>
  %y = tosa.concat %fa, %fb {axis = 2 : i32}
      : (tensor<1x1x5xf32>, tensor<1x1x3xf32>) -> tensor<1x1x8xf32>
  return %y : tensor<1x1x8xf32>
}
