func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = tosa.add %x, %x : (tensor<1x4xf32>, tensor<1x4xf32>) ->
}
