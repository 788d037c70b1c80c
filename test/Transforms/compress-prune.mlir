// RUN: compress-opt %s --split-input-file --compress-prune | FileCheck %s --check-prefix=HALF
// RUN: compress-opt %s --split-input-file --compress-prune="pattern=block4" | FileCheck %s --check-prefix=BLOCK
// RUN: compress-opt %s --split-input-file --compress-prune="pattern=2:4" | FileCheck %s --check-prefix=TWOFOUR
// RUN: compress-opt %s --split-input-file --compress-prune="sparsity=0" | FileCheck %s --check-prefix=NONE
// RUN: compress-opt %S/compress-quantize-gptq.mlir --compress-prune="sparsity=34 method=hessian calibration=%S/Inputs/gptq-equal-inputs-2x1x4x3.npy" | FileCheck %s --check-prefix=HESSIAN
// RUN: compress-opt %S/compress-quantize-gptq.mlir --compress-prune="sparsity=34" | FileCheck %s --check-prefix=MAGNITUDE

/// A convolution's OHWI weights, two filters of one tap and eight input
/// channels. Half of each filter's weights by magnitude: its four
/// smallest.
// HALF-LABEL: func.func @conv
// HALF: "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]], {{\[\[\[}}0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00]]]]>
/// Half of each filter's 1x4 blocks (channels 0..3 and 4..7) by their sums
/// of squares: filter 0's 1..4 (30 against 174), and filter 1's first
/// block, equal to its second (162.02), the earlier on a tie.
// BLOCK-LABEL: func.func @conv
// BLOCK: "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]], {{\[\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e-01, 9.000000e+00, 1.000000e-01, 9.000000e+00]]]]>
/// Two of every four: the two smallest of each group of four channels.
// TWOFOUR-LABEL: func.func @conv
// TWOFOUR: "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, 8.000000e+00]]], {{\[\[\[}}0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00, 0.000000e+00, 9.000000e+00]]]]>
// NONE-LABEL: func.func @conv
// NONE: "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00
func.func @conv(%x: tensor<1x2x2x8xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]],
                                        [[[0.1, 9.0, 0.1, 9.0, 0.1, 9.0, 0.1, 9.0]]]]> : tensor<2x1x1x8xf32>}> : () -> tensor<2x1x1x8xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
      : (tensor<1x2x2x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

/// A weight constant shared by two layers is copied for each: the other
/// layer's view of it does not change under it.
// HALF-LABEL: func.func @shared
// HALF-DAG: %[[ORIGINAL:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]]]>
// HALF-DAG: %[[PRUNED:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [0.000000e+00], [3.000000e+00], [4.000000e+00]]]>
// HALF: tosa.matmul %{{.*}}, %[[PRUNED]]
// HALF: tosa.reshape %[[ORIGINAL]]
func.func @shared(%x: tensor<1x1x4xf32>) -> tensor<1x1x4xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [2.0], [3.0], [4.0]]]> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %shape = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t = tosa.reshape %w, %shape : (tensor<1x4x1xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %s = tosa.add %m, %t : (tensor<1x1x1xf32>, tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %s : tensor<1x1x4xf32>
}

// -----

/// The weights of a depthwise convolution ([KH, KW, C, M]) reduce over
/// kernel taps only: pruned one weight at a time whatever the pattern.
// BLOCK-LABEL: func.func @depthwise
// BLOCK: "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00], [5.000000e+00]], {{\[\[}}4.000000e+00], [0.000000e+00]]]]>
func.func @depthwise(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [5.0]], [[4.0], [2.0]]]]> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
      : (tensor<1x3x3x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

/// compress-quantize-gptq.mlir's matmul, whose three inputs are always
/// equal, so that only the sum of its weights (0.104 + 0.104 + 1.27 =
/// 1.478) matters. A third of the weights by magnitude: the first 0.104
/// (the earlier of two equal ones), and the sum drops to 1.374. SparseGPT
/// zeroes the same weight but moves it onto the other two (split as the
/// damped H^-1 says), and the sum stays 1.478.
// MAGNITUDE: "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [1.040000e-01], [1.270000e+00]]]>
// HESSIAN: "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [0.155{{[0-9]*}}], [1.3217{{[0-9]*}}]]]>
