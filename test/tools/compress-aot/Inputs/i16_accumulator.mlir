// An integer program the lowering rejects: TOSA computes the i16
// accumulator in i32, which a function result cannot be.
func.func @main(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>)
    -> tensor<1x4x4x3xi16> {
  %acc = qint.conv2d %x, %w {input_zp = 0 : i64, pad = array<i64: 0, 0, 0, 0>,
      stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi16>
  return %acc : tensor<1x4x4x3xi16>
}
