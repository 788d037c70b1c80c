// RUN: compress-opt %s --compress-narrow-accumulators | FileCheck %s
// RUN: compress-opt %s --compress-narrow-accumulators="widths=16,24,32" | FileCheck %s --check-prefix=WIDTHS
// RUN: compress-opt %s --compress-narrow-accumulators="accumulator-bits=20" | FileCheck %s --check-prefix=P20
// RUN: compress-opt %s --compress-narrow-accumulators="report=%t.json tile-terms=2" -o /dev/null
// RUN: FileCheck %s --input-file %t.json --check-prefix=REPORT

/// Three terms in [0, 255] (the input after its zero point -128); channel 0
/// spans 1000 - 255 * 127 = -31385 to 1000 + 255 * (127 + 5) = 34660,
/// channel 1 -1000 - 255 * 3 = -1765 to -1000 + 255 * 104 = 25520: 17 bits.
/// The bias becomes a constant of the new type. Partial sums of 2
/// consecutive terms (tile-terms=2), bias excluded, reach 127 * 255 = 32385
/// either way (channel 0's first two weights): 16 bits.
// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = arith.constant dense<[1000, -1000]> : tensor<2xi17>
// CHECK: qint.conv2d %{{.*}}, %{{.*}}, %[[B]] {{.*}} -> tensor<1x4x4x2xi17>
// CHECK: qint.requantize %{{.*}} : tensor<1x4x4x2xi17> -> tensor<1x4x4x2xi8>
// WIDTHS-LABEL: func.func @conv
// WIDTHS: qint.conv2d {{.*}} -> tensor<1x4x4x2xi24>
// P20-LABEL: func.func @conv
// P20: qint.conv2d {{.*}} -> tensor<1x4x4x2xi20>
// REPORT: "accumulators": [
// REPORT:     "bits_needed": 17,
// REPORT:     "bound": [
// REPORT-NEXT:  -31385,
// REPORT-NEXT:  34660
// REPORT:     "channels": 2,
// REPORT:     "layer": "conv2d_0",
// REPORT:     "op": "qint.conv2d",
// REPORT:     "proven": true,
// REPORT:     "term_range": [
// REPORT-NEXT:  0,
// REPORT-NEXT:  255
// REPORT:     "terms_per_channel": 3,
// REPORT:     "tile_bits": 16,
// REPORT:     "tile_bound": [
// REPORT-NEXT:  -32385,
// REPORT-NEXT:  32385
// REPORT:     "type_after": "i17",
// REPORT:     "type_before": "i32",
// REPORT:     "widest_channel": 0,
// REPORT:     "widest_channel_bound": [
// REPORT-NEXT:  -31385,
// REPORT-NEXT:  34660
func.func @conv(%in: tensor<1x4x4x3xf32>) -> tensor<1x4x4x2xi8> {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -128 : i64}
      : tensor<1x4x4x3xf32> -> tensor<1x4x4x3xi8>
  %w = qint.weights {bits = 8 : i64, scales = array<f32: 0.5, 0.5>,
                     values = dense<[[[[127, -127, 5]]], [[[-3, 4, 100]]]]> : tensor<2x1x1x3xi8>}
      : tensor<2x1x1x3xi8>
  %b = arith.constant dense<[1000, -1000]> : tensor<2xi32>
  %acc = qint.conv2d %x, %w, %b {input_zp = -128 : i64, pad = array<i64: 0, 0, 0, 0>,
                                 stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi32>
  %y = qint.requantize %acc {compress.layer = "conv2d_0", multiplier = array<i32: 1073741824>,
                             shift = array<i8: 40>, output_zp = 0 : i64,
                             clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x4x4x2xi32> -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}



/// Per column: [0, 510] and [-255, 255]; 10 bits. A dequantize reads it.
// CHECK-LABEL: func.func @matmul
// CHECK: qint.matmul {{.*}} -> tensor<1x1x2xi10>
// CHECK: qint.dequantize %{{.*}} : tensor<1x1x2xi10> -> tensor<1x1x2xf32>
// WIDTHS-LABEL: func.func @matmul
// WIDTHS: qint.matmul {{.*}} -> tensor<1x1x2xi16>
// P20-LABEL: func.func @matmul
// P20: qint.matmul {{.*}} -> tensor<1x1x2xi20>
func.func @matmul(%in: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %x = qint.quantize %in {scale = 0.1 : f64, zero_point = -128 : i64}
      : tensor<1x1x2xf32> -> tensor<1x1x2xi8>
  %w = qint.weights {axis = 2 : i64, bits = 2 : i64, scales = array<f32: 0.5, 0.5>,
                     values = dense<[[[1, -1], [1, 1]]]> : tensor<1x2x2xi8>}
      : tensor<1x2x2xi8>
  %acc = qint.matmul %x, %w {lhs_zp = -128 : i64}
      : (tensor<1x1x2xi8>, tensor<1x2x2xi8>) -> tensor<1x1x2xi32>
  %f = qint.dequantize %acc {scale = 0.05 : f64, zero_point = 0 : i64}
      : tensor<1x1x2xi32> -> tensor<1x1x2xf32>
  return %f : tensor<1x1x2xf32>
}



/// Depthwise, 2x2 windows over padding: each term in [-255, 0] with the
/// input in [-128, 127] and zero point 127; channel 1 (weights 3, 3, 3, 3)
/// reaches -3060: 13 bits. The requantize's zero point, 3000, fits too.
// CHECK-LABEL: func.func @depthwise
// CHECK: qint.depthwise_conv2d {{.*}} -> tensor<1x3x3x2xi13>
// CHECK: qint.requantize {{.*}}input_zp = 3000
// CHECK-SAME: tensor<1x3x3x2xi13> -> tensor<1x3x3x2xi8>
func.func @depthwise(%x: tensor<1x2x2x2xi8>) -> tensor<1x3x3x2xi8> {
  %w = qint.weights {axis = 2 : i64, bits = 3 : i64, scales = array<f32: 0.5, 0.5>,
                     values = dense<[[[[1], [3]], [[-1], [3]]], [[[1], [3]], [[0], [3]]]]> : tensor<2x2x2x1xi8>}
      : tensor<2x2x2x1xi8>
  %acc = qint.depthwise_conv2d %x, %w {input_zp = 127 : i64, pad = array<i64: 1, 1, 1, 1>,
                                       stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}
      : (tensor<1x2x2x2xi8>, tensor<2x2x2x1xi8>) -> tensor<1x3x3x2xi32>
  %y = qint.requantize %acc {input_zp = 3000 : i64, multiplier = array<i32: 1073741824>,
                             shift = array<i8: 40>, output_zp = 0 : i64,
                             clamp_min = -128 : i64, clamp_max = 127 : i64}
      : tensor<1x3x3x2xi32> -> tensor<1x3x3x2xi8>
  return %y : tensor<1x3x3x2xi8>
}
