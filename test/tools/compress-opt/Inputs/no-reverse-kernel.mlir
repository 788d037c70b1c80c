// Reverse mode has no kernel for tosa.abs: sensitivity fails at sample 0.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %h = tosa.reshape %x, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x2xf32>}> : () -> tensor<1x4x2xf32>
  %l = tosa.matmul %h, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %a = tosa.abs %r : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %a : tensor<1x2xf32>
}
