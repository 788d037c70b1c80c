// A rank-0 result and an entry that is not @main, for the header tests: the
// sum of an int32 vector as a scalar tensor, computed by a private helper.
func.func private @helper(%x: tensor<4xi32>) -> tensor<1xi32> {
  %s = tosa.reduce_sum %x {axis = 0 : i32} : (tensor<4xi32>) -> tensor<1xi32>
  return %s : tensor<1xi32>
}

func.func @total(%x: tensor<4xi32>) -> tensor<i32> {
  %s = func.call @helper(%x) : (tensor<4xi32>) -> tensor<1xi32>
  %shape = tosa.const_shape {values = dense<> : tensor<0xindex>}
      : () -> !tosa.shape<0>
  %r = tosa.reshape %s, %shape : (tensor<1xi32>, !tosa.shape<0>)
      -> tensor<i32>
  return %r : tensor<i32>
}
