// A model whose bufferization would update its argument in place: element
// 0 becomes 42, then everything is doubled. Compiled by compress-aot, the
// argument is read-only and the update goes to a copy.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %c0 = arith.constant 0 : index
  %v = arith.constant 42.0 : f32
  %y = tensor.insert %v into %x[%c0, %c0] : tensor<1x4xf32>
  %z = tosa.add %y, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %z : tensor<1x4xf32>
}
