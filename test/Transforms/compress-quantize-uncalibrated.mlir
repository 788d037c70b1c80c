// RUN: compress-opt %s --split-input-file --verify-diagnostics --compress-quantize

/// Quantizing needs the ranges compress-calibrate records: on arguments...
// expected-error @below {{argument #0 has no calibrated range (compress.range); run compress-calibrate before compress-quantize}}
func.func @uncalibrated_argument(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32> {
  %m = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  return %m : tensor<1x1x1x1xf32>
}

// -----

/// ...and on the values layers produce.
func.func @uncalibrated_layer(%x: tensor<1x1x1x2xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}, %y: tensor<1x1x1x2xf32> {compress.range = #compress.range<min = -1.0, max = 1.0, method = "minmax", samples = 1>}) -> tensor<1x1x1x2xf32> {
  // expected-error @below {{value has no calibrated range (compress.range); run compress-calibrate before compress-quantize}}
  %s = tosa.add %x, %y : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  return %s : tensor<1x1x1x2xf32>
}
