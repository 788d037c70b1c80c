// tosa.fft2d is valid TOSA that the reference evaluator does not run.
func.func @main(%x: tensor<1x8x8xf32>) -> tensor<1x8x8xf32> {
  %re, %im = tosa.fft2d %x, %x {inverse = false} : (tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<1x8x8xf32>, tensor<1x8x8xf32>)
  return %re : tensor<1x8x8xf32>
}
