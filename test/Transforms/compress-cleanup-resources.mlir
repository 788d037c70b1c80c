// RUN: compress-opt %s --compress-cleanup | FileCheck %s

// Weights and batch-norm statistics as torch-mlir's FX importer gives them:
// `dense_resource` blobs. Cleanup reads them like dense constants, so the
// block folds exactly as in compress-cleanup.mlir (@torch_batch_norm_block),
// into new dense constants; the resources the fold consumed are no longer
// used.
// CHECK-LABEL: func.func @torch_batch_norm_block_resources
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[-1.000000e+00, -3.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.500000e+00, 0.000000e+00]]], {{\[\[\[}}0.000000e+00, 1.250000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK:         %[[IN:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK:         %[[CONV:.*]] = tosa.conv2d %[[IN]], %[[W]], %[[B]],
// CHECK:         %[[RELU:.*]] = tosa.clamp %[[CONV]]
// CHECK-NOT:     dense_resource
// CHECK-NOT:     tosa.mul
// CHECK:         return %[[RELU]]
func.func @torch_batch_norm_block_resources(%arg0: tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense_resource<w> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense_resource<b> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense_resource<mean> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %var = "tosa.const"() <{values = dense_resource<var> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %eps = "tosa.const"() <{values = dense_resource<eps> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %gamma = "tosa.const"() <{values = dense_resource<gamma> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %beta = "tosa.const"() <{values = dense_resource<beta> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %3 = tosa.sub %2, %mean : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %4 = tosa.add %var, %eps : (tensor<1x2x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  %5 = tosa.rsqrt %4 : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %6 = tosa.mul %3, %5, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %7 = tosa.mul %6, %gamma, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %8 = tosa.add %7, %beta : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %9 = tosa.clamp %8 {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %10 = tosa.transpose %9 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %10 : tensor<1x4x4x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000000000000000000803F",
      b: "0x040000000000000000000000",
      mean: "0x040000000000803F00000040",
      var: "0x040000000000804000008041",
      eps: "0x0400000000000000",
      gamma: "0x04000000000040400000A040",
      beta: "0x040000000000003F000000BF"
    }
  }
#-}
