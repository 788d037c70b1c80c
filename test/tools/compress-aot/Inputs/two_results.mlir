// A float model with two arguments and two results of different ranks for
// the AOT tests: s = x + y, returned transposed, and the maximum of each
// row of s.
func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>)
    -> (tensor<3x2xf32>, tensor<2xf32>) {
  %s = tosa.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = tosa.transpose %s {perms = array<i32: 1, 0>}
      : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %m = tosa.reduce_max %s {axis = 1 : i32}
      : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %shape = tosa.const_shape {values = dense<2> : tensor<1xindex>}
      : () -> !tosa.shape<1>
  %r = tosa.reshape %m, %shape : (tensor<2x1xf32>, !tosa.shape<1>)
      -> tensor<2xf32>
  return %t, %r : tensor<3x2xf32>, tensor<2xf32>
}
