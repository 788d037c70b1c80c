// RUN: compress-opt %s --compress-fake-quantize="bits=2" --canonicalize | FileCheck %s --check-prefix=ALL
// RUN: compress-opt %s --compress-fake-quantize="bits=2 layers=conv2d_1" | FileCheck %s --check-prefix=ONE
// RUN: compress-opt %s --compress-fake-quantize="bits=8" | FileCheck %s --check-prefix=EIGHT

/// 2-bit weights are ternary per output channel: with max scales, channel
/// 0 ([0.3, 1.0], scale 1) becomes [0, 1] and channel 1 ([-0.8, 0.2],
/// scale 0.8) becomes [-0.8, 0]. Both layers share one constant; each
/// chosen layer gets its own quantized copy, the others keep the original
/// (with all layers chosen, canonicalization merges the copies).
// ALL-LABEL: func.func @main
// ALL-NOT:     3.000000e-01
// ALL:         %[[Q:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 1.000000e+00]]], {{\[\[\[}}-8.000000e-01, 0.000000e+00]]]]>
// ALL-NOT:     3.000000e-01
// ALL:         %[[C0:.*]] = tosa.conv2d %{{.*}}, %[[Q]]
// ALL:         tosa.conv2d %[[C0]], %[[Q]]
// ONE-LABEL: func.func @main
// ONE:         %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}3.000000e-01, 1.000000e+00]]]
// ONE:         %[[C0:.*]] = tosa.conv2d %{{.*}}, %[[W]]
// ONE:         %[[Q:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 1.000000e+00]]]
// ONE:         tosa.conv2d %[[C0]], %[[Q]]
/// 8 bits: 127 levels per channel; 0.3 = 38.1 / 127 rounds to 38 / 127.
// EIGHT:       "tosa.const"() <{values = dense<{{\[\[\[\[}}0.299212605, 1.000000e+00]]], {{\[\[\[}}-8.000000e-01, 0.2015748
func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[[0.3, 1.0]]], [[[-0.8, 0.2]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %1 = tosa.conv2d %0, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  return %1 : tensor<1x1x1x2xf32>
}
