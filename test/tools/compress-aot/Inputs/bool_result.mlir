// A result of element type i1, which the header cannot declare: C has no
// type with the storage of an LLVM i1.
func.func @main(%x: tensor<4xf32>) -> tensor<4xi1> {
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}>
      : () -> tensor<4xf32>
  %p = tosa.greater %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %p : tensor<4xi1>
}
